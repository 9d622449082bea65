package io.ferry.plugin.proxmox.internal.qemu;

/** The guest's file system freeze state as {@code guest-fsfreeze-status} reports it. */
public enum FreezeStatus {
    THAWED,
    FROZEN
}
