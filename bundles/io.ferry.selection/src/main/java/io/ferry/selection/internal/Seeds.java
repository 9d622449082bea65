package io.ferry.selection.internal;

/** The product documentation files ({@code shared/seeds/}) the core rules come from. */
final class Seeds {
    /** Step 5c. Choose Guest Interaction Proxy: the "prefer the following servers" list, Linux cannot serve Windows. */
    static final String CHOOSE_GUEST_PROXY = "000_6fa5d5cd4044af24.txt";
    /** Guest Interaction Proxies: tiers, load, gMSA, RHEL 9 packages, failover to the backup server. */
    static final String GUEST_INTERACTION = "001_7a67f23d89d19bc8.txt";
    /** Both guest interaction seeds, for the rule they both state. */
    static final String GUEST_INTERACTION_BOTH = CHOOSE_GUEST_PROXY + ", " + GUEST_INTERACTION;

    private Seeds() {
    }
}
