-- Ferry inventory schema, version 1. Portable across H2 2.x and PostgreSQL 15.
-- name_key = lower-case name: names are unique case-insensitively.
-- version = optimistic-locking counter, incremented by every change of the row or its children.

CREATE TABLE servers (
    id              VARCHAR(36)  PRIMARY KEY,
    name            VARCHAR(63)  NOT NULL,
    name_key        VARCHAR(63)  NOT NULL,
    address         VARCHAR(253) NOT NULL,
    os_family       VARCHAR(16)  NOT NULL,
    os_distribution VARCHAR(64)  NOT NULL,
    os_version      VARCHAR(64)  NOT NULL,
    machine_kind    VARCHAR(16)  NOT NULL,
    site            VARCHAR(255),
    domain_name     VARCHAR(255),
    max_tasks       INT          NOT NULL,
    enabled         BOOLEAN      NOT NULL,
    version         BIGINT       NOT NULL,
    CONSTRAINT servers_name_unique UNIQUE (name_key)
);

CREATE TABLE server_networks (
    server_id VARCHAR(36) NOT NULL REFERENCES servers (id) ON DELETE CASCADE,
    cidr      VARCHAR(64) NOT NULL,
    PRIMARY KEY (server_id, cidr)
);

CREATE TABLE server_trusted_domains (
    server_id   VARCHAR(36)  NOT NULL REFERENCES servers (id) ON DELETE CASCADE,
    domain_name VARCHAR(255) NOT NULL,
    PRIMARY KEY (server_id, domain_name)
);

CREATE TABLE server_facts (
    server_id  VARCHAR(36)   NOT NULL REFERENCES servers (id) ON DELETE CASCADE,
    fact_key   VARCHAR(63)   NOT NULL,
    fact_value VARCHAR(1024) NOT NULL,
    PRIMARY KEY (server_id, fact_key)
);

CREATE TABLE server_packages (
    server_id    VARCHAR(36)  NOT NULL REFERENCES servers (id) ON DELETE CASCADE,
    package_name VARCHAR(255) NOT NULL,
    PRIMARY KEY (server_id, package_name)
);

CREATE TABLE server_roles (
    server_id        VARCHAR(36) NOT NULL REFERENCES servers (id) ON DELETE CASCADE,
    role             VARCHAR(32) NOT NULL,
    transport_mode   VARCHAR(32),
    failover_network BOOLEAN     NOT NULL,
    encrypt_network  BOOLEAN     NOT NULL,
    evaluation       BOOLEAN     NOT NULL,
    PRIMARY KEY (server_id, role)
);
CREATE INDEX server_roles_role ON server_roles (role);

CREATE TABLE hosts (
    id                VARCHAR(36)  PRIMARY KEY,
    name              VARCHAR(63)  NOT NULL,
    name_key          VARCHAR(63)  NOT NULL,
    kind              VARCHAR(32)  NOT NULL,
    address           VARCHAR(253) NOT NULL,
    parent_id         VARCHAR(36)  REFERENCES hosts (id),
    platform_version  VARCHAR(255),
    domain_name       VARCHAR(255),
    managed_server_id VARCHAR(36)  REFERENCES servers (id),
    version           BIGINT       NOT NULL,
    CONSTRAINT hosts_name_unique UNIQUE (name_key)
);

CREATE TABLE host_storage (
    host_id      VARCHAR(36) NOT NULL REFERENCES hosts (id) ON DELETE CASCADE,
    position     INT         NOT NULL,
    name         VARCHAR(63) NOT NULL,
    kind         VARCHAR(32) NOT NULL,
    deduplicated BOOLEAN     NOT NULL,
    PRIMARY KEY (host_id, position)
);

CREATE TABLE vms (
    id              VARCHAR(36)  PRIMARY KEY,
    name            VARCHAR(63)  NOT NULL,
    name_key        VARCHAR(63)  NOT NULL,
    host_id         VARCHAR(36)  NOT NULL REFERENCES hosts (id),
    os_family       VARCHAR(16)  NOT NULL,
    os_distribution VARCHAR(64)  NOT NULL,
    os_version      VARCHAR(64)  NOT NULL,
    cred_user       VARCHAR(255),
    cred_gmsa       BOOLEAN      NOT NULL,
    vhd_set         BOOLEAN      NOT NULL,
    version         BIGINT       NOT NULL,
    CONSTRAINT vms_name_unique UNIQUE (name_key)
);
CREATE INDEX vms_host ON vms (host_id);

CREATE TABLE vm_networks (
    vm_id VARCHAR(36) NOT NULL REFERENCES vms (id) ON DELETE CASCADE,
    cidr  VARCHAR(64) NOT NULL,
    PRIMARY KEY (vm_id, cidr)
);

CREATE TABLE vm_disks (
    vm_id     VARCHAR(36)   NOT NULL REFERENCES vms (id) ON DELETE CASCADE,
    position  INT           NOT NULL,
    label     VARCHAR(63)   NOT NULL,
    capacity  BIGINT        NOT NULL,
    format    VARCHAR(16)   NOT NULL,
    location  VARCHAR(4096) NOT NULL,
    storage   VARCHAR(63),
    PRIMARY KEY (vm_id, position)
);
