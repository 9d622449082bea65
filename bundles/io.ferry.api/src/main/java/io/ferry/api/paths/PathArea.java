package io.ferry.api.paths;

/**
 * What a path is for. Each area has its own roots, set by {@link #setting()} in
 * configuration PID {@value PathPolicy#PID} ({@code etc/io.ferry.paths.cfg}); the default is
 * {@link #defaultRoot()} under {@code ${karaf.data}}.
 */
public enum PathArea {

    /** Disk sources that are local files or block devices. */
    DISK_SOURCES("disk.roots", "disk sources", "${karaf.data}/ferry/disks"),
    /**
     * Unix sockets of NBD servers ({@code nbd+unix://...?socket=}). The default is Ferry's own
     * data directory, where the scratch directories of point-in-time exports live.
     */
    NBD_SOCKETS("socket.roots", "NBD sockets", "${karaf.data}/ferry"),
    /** Restore targets: files, devices and the directories a VM is restored into. */
    RESTORE_TARGETS("restore.roots", "restore targets", "${karaf.data}/ferry/restores"),
    /** Inventory import and export files; the default includes the shipped {@code samples/}. */
    TRANSFER_FILES("transfer.roots", "import and export files", "${karaf.data}/ferry/transfer, ${karaf.home}/samples"),
    /** Password files given to repository commands (the job repositories need none). */
    PASSWORD_FILES("password.roots", "password files", "${karaf.data}/ferry/password-files"),
    /** Repository directories. */
    REPOSITORIES("repository.roots", "repositories", "${karaf.data}/ferry/repositories");

    private final String setting;
    private final String description;
    private final String defaultRoot;

    PathArea(String setting, String description, String defaultRoot) {
        this.setting = setting;
        this.description = description;
        this.defaultRoot = defaultRoot;
    }

    /** The configuration key listing this area's roots, e.g. {@code restore.roots}. */
    public String setting() {
        return setting;
    }

    /** For messages: "restore targets". */
    public String description() {
        return description;
    }

    /**
     * The roots used when {@link #setting()} is not configured, comma-separated;
     * {@code ${name}} is a system property.
     */
    public String defaultRoot() {
        return defaultRoot;
    }
}
