package io.ferry.api.inventory;

/** On-disk format of a virtual disk. */
public enum DiskFormat {
    RAW,
    /** QEMU / Proxmox VE. */
    QCOW2,
    /** VMware. */
    VMDK,
    /** Hyper-V. */
    VHDX,
    /** Hyper-V, legacy. */
    VHD
}
