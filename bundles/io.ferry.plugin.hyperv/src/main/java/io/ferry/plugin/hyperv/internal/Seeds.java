package io.ferry.plugin.hyperv.internal;

/** The product documentation files ({@code shared/seeds/}) the Hyper-V rules come from. */
final class Seeds {
    /** Guest interaction proxies: LAN connection, PowerShell Direct for Hyper-V VMs. */
    static final String GUEST_INTERACTION = "001_7a67f23d89d19bc8.txt";
    /** Off-host backup proxies: general, CSV (SAN) and SMB3 requirements, VHD Set limitation. */
    static final String OFFHOST = "004_896724e719374b4d.txt";

    private Seeds() {
    }
}
