package io.ferry.api.inventory;

/** How a VMware backup proxy reaches VM disk data (seed 003). */
public enum TransportMode {
    /** The proxy reads the datastore directly over SAN or NFS. */
    DIRECT_STORAGE_ACCESS,
    /** The proxy is a VM and hot-adds the disks (hot-add). */
    VIRTUAL_APPLIANCE,
    /** Over the ESXi management network (NBD). */
    NETWORK,
    /** Network mode with host-to-proxy traffic encryption (NBDSSL). */
    NETWORK_SSL,
    /** From a storage array snapshot; offered only where a storage plugin provides it. */
    BACKUP_FROM_STORAGE_SNAPSHOTS
}
