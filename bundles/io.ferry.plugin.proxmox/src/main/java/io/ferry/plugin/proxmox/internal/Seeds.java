package io.ferry.plugin.proxmox.internal;

/** The product documentation files ({@code shared/seeds/}) the Proxmox VE rules come from. */
final class Seeds {
    /** Proxmox VE backup job, guest interaction proxy step: Windows VMs need a Windows server. */
    static final String PVE_GUEST_PROXY = "000_6fa5d5cd4044af24.txt";
    /** General-purpose backup proxies: Windows or Linux; storage snapshot integration needs Windows. */
    static final String GENERAL_PURPOSE_PROXIES = "002_d60b83a366957625.txt";

    private Seeds() {
    }
}
