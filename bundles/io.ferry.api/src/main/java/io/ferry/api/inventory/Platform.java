package io.ferry.api.inventory;

/** A virtualization platform Ferry protects; each is served by a plugin bundle. */
public enum Platform {
    VMWARE,
    HYPERV,
    PROXMOX
}
