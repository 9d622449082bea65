-- Ferry inventory schema, version 2: job definitions. Portable across H2 2.x and PostgreSQL 15.
-- Jobs reference servers and VMs by id, so renaming a server keeps its jobs; the foreign keys
-- have no ON DELETE: the services refuse to remove what a job names and list the jobs, and the
-- keys stop a concurrent removal that slipped past that check.
-- position = order the administrator gave (scope, "prefer the following servers").

CREATE TABLE jobs (
    id                      VARCHAR(36) PRIMARY KEY,
    name                    VARCHAR(63) NOT NULL,
    name_key                VARCHAR(63) NOT NULL,
    platform                VARCHAR(16) NOT NULL,
    repository_id           VARCHAR(36) NOT NULL REFERENCES servers (id),
    proxies_automatic       BOOLEAN     NOT NULL,
    transport_mode          VARCHAR(32),
    failover_network        BOOLEAN     NOT NULL,
    app_aware               BOOLEAN     NOT NULL,
    indexing                BOOLEAN     NOT NULL,
    log_processing          BOOLEAN     NOT NULL,
    guest_proxies_automatic BOOLEAN     NOT NULL,
    on_host_fallback        BOOLEAN     NOT NULL,
    version                 BIGINT      NOT NULL,
    CONSTRAINT jobs_name_unique UNIQUE (name_key)
);
CREATE INDEX jobs_repository ON jobs (repository_id);

CREATE TABLE job_vms (
    job_id   VARCHAR(36) NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    position INT         NOT NULL,
    vm_id    VARCHAR(36) NOT NULL REFERENCES vms (id),
    PRIMARY KEY (job_id, position),
    CONSTRAINT job_vms_unique UNIQUE (job_id, vm_id)
);
CREATE INDEX job_vms_vm ON job_vms (vm_id);

CREATE TABLE job_proxies (
    job_id    VARCHAR(36) NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    position  INT         NOT NULL,
    server_id VARCHAR(36) NOT NULL REFERENCES servers (id),
    PRIMARY KEY (job_id, position),
    CONSTRAINT job_proxies_unique UNIQUE (job_id, server_id)
);
CREATE INDEX job_proxies_server ON job_proxies (server_id);

CREATE TABLE job_guest_proxies (
    job_id    VARCHAR(36) NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    position  INT         NOT NULL,
    server_id VARCHAR(36) NOT NULL REFERENCES servers (id),
    PRIMARY KEY (job_id, position),
    CONSTRAINT job_guest_proxies_unique UNIQUE (job_id, server_id)
);
CREATE INDEX job_guest_proxies_server ON job_guest_proxies (server_id);
