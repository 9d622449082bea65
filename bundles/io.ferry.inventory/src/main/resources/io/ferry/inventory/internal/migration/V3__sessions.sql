-- Ferry inventory schema, version 3: job schedules and retention, sessions (runs of a job) with
-- their tasks and guest processing records, and the changed-block ledger. Portable across H2 2.x
-- and PostgreSQL 15; existing jobs get the defaults (manual, keep the last 7 backups per disk).
--
-- Instants are epoch nanoseconds (UTC) and durations nanoseconds, in BIGINT columns: a TIMESTAMP
-- keeps microseconds at best, and a session read back must equal the one written.
-- Sessions name their job as it was called when it ran (job, job_key) and keep its id when it
-- existed (job_id, no foreign key): history outlives a deleted job, and follows a renamed one.
-- VARCHAR without a length is unbounded on both databases (free text: reasons, errors, notes).

ALTER TABLE jobs ADD COLUMN schedule VARCHAR(1000) DEFAULT 'manual' NOT NULL;
ALTER TABLE jobs ADD COLUMN keep_last INT DEFAULT 7 NOT NULL;
ALTER TABLE jobs ADD COLUMN keep_daily INT DEFAULT 0 NOT NULL;
ALTER TABLE jobs ADD COLUMN keep_weekly INT DEFAULT 0 NOT NULL;
ALTER TABLE jobs ADD COLUMN keep_monthly INT DEFAULT 0 NOT NULL;

CREATE TABLE sessions (
    id          VARCHAR(128) PRIMARY KEY,
    job         VARCHAR(255) NOT NULL,
    job_key     VARCHAR(255) NOT NULL,
    job_id      VARCHAR(36),
    run_trigger VARCHAR(64)  NOT NULL,
    retry_of    VARCHAR(128),
    status      VARCHAR(16)  NOT NULL,
    started_ns  BIGINT       NOT NULL,
    finished_ns BIGINT,
    message     VARCHAR      NOT NULL
);
-- "sessions of a job, newest first" (by the name it ran as, and by the job's id), all sessions
-- newest first, and the RUNNING ones a restart fails.
CREATE INDEX sessions_job_started ON sessions (job_key, started_ns DESC, id DESC);
CREATE INDEX sessions_job_id_started ON sessions (job_id, started_ns DESC, id DESC);
CREATE INDEX sessions_started ON sessions (started_ns DESC, id DESC);
CREATE INDEX sessions_status ON sessions (status);

-- One row per disk of a session, in plan order (position). warnings: a JSON array of strings.
CREATE TABLE session_tasks (
    session_id        VARCHAR(128) NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    task_id           VARCHAR(512) NOT NULL,
    position          INT          NOT NULL,
    vm                VARCHAR(255) NOT NULL,
    disk              VARCHAR(255) NOT NULL,
    status            VARCHAR(16)  NOT NULL,
    proxy             VARCHAR(255),
    transport_mode    VARCHAR(64),
    reason            VARCHAR      NOT NULL,
    change_tracking   VARCHAR(512),
    change_note       VARCHAR,
    backup_id         VARCHAR(255),
    size_bytes        BIGINT       NOT NULL,
    read_bytes        BIGINT       NOT NULL,
    transferred_bytes BIGINT       NOT NULL,
    stored_bytes      BIGINT       NOT NULL,
    data_bytes        BIGINT       NOT NULL,
    new_bytes         BIGINT       NOT NULL,
    started_ns        BIGINT,
    finished_ns       BIGINT,
    error             VARCHAR,
    warnings          VARCHAR      NOT NULL,
    PRIMARY KEY (session_id, task_id),
    CONSTRAINT session_tasks_position UNIQUE (session_id, position)
);

-- The guest processing stage of each VM of a session (vm_key = lower-case VM name).
CREATE TABLE session_guests (
    session_id VARCHAR(128) NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    vm_key     VARCHAR(255) NOT NULL,
    position   INT          NOT NULL,
    vm         VARCHAR(255) NOT NULL,
    proxy      VARCHAR(255),
    status     VARCHAR(16)  NOT NULL,
    executed   BOOLEAN      NOT NULL,
    channel    VARCHAR(255) NOT NULL,
    detail     VARCHAR      NOT NULL,
    frozen_ns  BIGINT       NOT NULL,
    PRIMARY KEY (session_id, vm_key),
    CONSTRAINT session_guests_position UNIQUE (session_id, position)
);

-- What is known about each disk's changed-block tracking; one row per chain key ("vm/disk").
CREATE TABLE changed_block_ledger (
    disk        VARCHAR(255) PRIMARY KEY,
    bitmap      VARCHAR(255),
    generation  BIGINT       NOT NULL,
    backup_id   VARCHAR(255),
    size_bytes  BIGINT       NOT NULL,
    trusted     BOOLEAN      NOT NULL,
    note        VARCHAR,
    updated_ns  BIGINT       NOT NULL
);
