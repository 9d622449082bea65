package io.ferry.api.inventory;

/** The roles a managed server can hold in the backup infrastructure. */
public enum RoleType {
    /** The server that runs Ferry's core; exactly one exists (seeds 002, 003). */
    BACKUP_SERVER,
    /** Reads VMware VM data through a transport mode (seed 003). */
    VMWARE_PROXY,
    /** Reads Hyper-V VM data off the production host (seed 004). */
    HYPERV_OFFHOST_PROXY,
    /** Moves data for unstructured-data and agent jobs (seed 002). */
    GENERAL_PURPOSE_PROXY,
    /** Deploys guest processing components in VMs; every managed server holds it (seed 001). */
    GUEST_INTERACTION,
    /** Stores backups. */
    REPOSITORY;

    /** Roles the administrator assigns and removes explicitly (all but GUEST_INTERACTION and BACKUP_SERVER). */
    public boolean isAssignable() {
        return this != GUEST_INTERACTION && this != BACKUP_SERVER;
    }
}
