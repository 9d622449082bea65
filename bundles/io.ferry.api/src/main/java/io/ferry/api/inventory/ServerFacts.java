package io.ferry.api.inventory;

/**
 * Well-known keys of {@link ServerSpec#facts()}: capabilities of a server that Ferry
 * cannot discover here and that the administrator declares (or a discovery plugin
 * records). Keys are lower-case; values are text. Plugins may define more keys.
 */
public final class ServerFacts {
    /** PowerShell version installed, e.g. {@code 5.1} (PowerShell Direct needs 2.0 or later, seed 001). */
    public static final String POWERSHELL_VERSION = "powershell.version";
    /** Hyper-V version of the server, e.g. {@code 2022} (must equal the host's for off-host backup, seed 004). */
    public static final String HYPERV_VERSION = "hyperv.version";
    /** {@code true} when the Hyper-V role is enabled on this virtual machine (nested virtualization, seed 004). */
    public static final String NESTED_HYPERV = "hyperv.nested";
    /** {@code true} when the Data Deduplication feature is enabled (seed 004). */
    public static final String DEDUP_ENABLED = "dedup.enabled";
    /** {@code true} when a VSS hardware provider with transportable shadow copies is installed (seed 004). */
    public static final String VSS_TRANSPORTABLE = "vss.transportable";
    /** Comma-separated storage (CSV, datastore) names whose LUNs this server can read over SAN. */
    public static final String SAN_ACCESS = "san.access";
    /** Comma-separated SMB3 shares this server's LocalSystem account can read (seed 004). */
    public static final String SMB_LOCALSYSTEM_READ = "smb.localsystem-read";
    /** The ESXi host a proxy VM runs on (virtual appliance / hot-add mode, seed 003). */
    public static final String VMWARE_HOST = "vmware.host";
    /** Name of the Hyper-V cluster this server is a node of. */
    public static final String CLUSTER = "cluster";

    private ServerFacts() {
    }
}
