-- Ferry inventory schema, version 5: agents (issue "Real proxies", docs/security.md "Agents in
-- the catalog"). Portable across H2 2.x and PostgreSQL 15; instants are epoch nanoseconds (UTC).
--
-- agent_tokens: single-use enrollment tokens. Only the SHA-256 of the secret is stored (hex),
-- never the secret. server_id has no foreign key: a token made for a server that was removed
-- since is refused naming the server (server_name, as it was called when the token was made).
-- used_ns is set once, by an UPDATE ... WHERE used_ns IS NULL: of two concurrent redeems, one wins.
CREATE TABLE agent_tokens (
    id            VARCHAR(16)   PRIMARY KEY,
    server_id     VARCHAR(36)   NOT NULL,
    server_name   VARCHAR(63)   NOT NULL,
    secret_sha256 VARCHAR(64)   NOT NULL,
    created_ns    BIGINT        NOT NULL,
    expires_ns    BIGINT        NOT NULL,
    created_by    VARCHAR(1000) NOT NULL,
    used_ns       BIGINT
);
CREATE INDEX agent_tokens_expires ON agent_tokens (expires_ns);

-- agents: the one enrolled agent of a managed server. Removing a server with an agent is
-- refused (the service names the agent; the foreign key stops a concurrent removal); ferry:agent-remove
-- first. cert_sha256 = SHA-256 of its certificate (hex), the only one accepted from it.
-- capabilities: what its last heartbeat reported, as a JSON object (at most 8000 characters).
CREATE TABLE agents (
    server_id       VARCHAR(36)  PRIMARY KEY REFERENCES servers (id),
    cert_sha256     VARCHAR(64)  NOT NULL,
    cert_expires_ns BIGINT       NOT NULL,
    enrolled_ns     BIGINT       NOT NULL,
    address         VARCHAR(255),
    heartbeat_ns    BIGINT,
    running_tasks   INT          NOT NULL,
    capabilities    VARCHAR(8000),
    CONSTRAINT agents_cert_unique UNIQUE (cert_sha256)
);

-- task_leases: one row per task of a running session: its current attempt, OFFERED to the
-- candidates (task_lease_candidates, in preference order), LEASED by holder_id until lease_until_ns
-- (heartbeats extend it), DONE, or EXPIRED (the lease ran out; a newer attempt may be offered).
-- Agents claim OFFERED rows with SELECT ... FOR UPDATE SKIP LOCKED (both databases).
CREATE TABLE task_leases (
    session_id     VARCHAR(128) NOT NULL,
    task_id        VARCHAR(512) NOT NULL,
    attempt        INT          NOT NULL,
    state          VARCHAR(16)  NOT NULL,
    holder_id      VARCHAR(36),
    offered_ns     BIGINT       NOT NULL,
    lease_until_ns BIGINT,
    PRIMARY KEY (session_id, task_id)
);
CREATE INDEX task_leases_state ON task_leases (state, offered_ns);
CREATE INDEX task_leases_holder ON task_leases (holder_id, state);

CREATE TABLE task_lease_candidates (
    session_id VARCHAR(128) NOT NULL,
    task_id    VARCHAR(512) NOT NULL,
    position   INT          NOT NULL,
    server_id  VARCHAR(36)  NOT NULL REFERENCES servers (id) ON DELETE CASCADE,
    PRIMARY KEY (session_id, task_id, position),
    CONSTRAINT task_lease_candidates_unique UNIQUE (session_id, task_id, server_id),
    FOREIGN KEY (session_id, task_id) REFERENCES task_leases (session_id, task_id) ON DELETE CASCADE
);
CREATE INDEX task_lease_candidates_server ON task_lease_candidates (server_id);
