package io.ferry.plugin.vmware.internal;

/** The product documentation files ({@code shared/seeds/}) the VMware rules come from. */
final class Seeds {
    /** Guest interaction proxies: LAN or VIX connection for VMware VMs. */
    static final String GUEST_INTERACTION = "001_7a67f23d89d19bc8.txt";
    /** VMware backup proxies and their transport modes. */
    static final String VMWARE_PROXIES = "003_4fc908c7710b8ec3.txt";

    private Seeds() {
    }
}
