-- Ferry inventory schema, version 6: API tokens (issue "REST API and web console",
-- docs/security.md "API tokens"). Portable across H2 2.x and PostgreSQL 15; instants are epoch
-- nanoseconds (UTC).
--
-- api_tokens: tokens that log scripts in as their owner (a user of the JAAS realm) with role
-- (ferry-viewer, ferry-operator or ferry-admin, at most the owner's when made). Only the
-- SHA-256 of the secret is stored (hex), never the secret. Revoked and expired tokens are kept
-- 30 days (listed, and their refusals logged), then deleted when the next token is made.
CREATE TABLE api_tokens (
    id            VARCHAR(16)   PRIMARY KEY,
    secret_sha256 VARCHAR(64)   NOT NULL,
    owner         VARCHAR(1000) NOT NULL,
    role          VARCHAR(16)   NOT NULL,
    description   VARCHAR(200)  NOT NULL,
    created_ns    BIGINT        NOT NULL,
    expires_ns    BIGINT        NOT NULL,
    last_used_ns  BIGINT,
    revoked_ns    BIGINT
);
CREATE INDEX api_tokens_owner ON api_tokens (owner);
CREATE INDEX api_tokens_expires ON api_tokens (expires_ns);
