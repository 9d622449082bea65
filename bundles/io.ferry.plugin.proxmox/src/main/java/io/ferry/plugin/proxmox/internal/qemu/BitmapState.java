package io.ferry.plugin.proxmox.internal.qemu;

/**
 * Whether a dirty bitmap can serve as the base of an incremental backup. Anything but
 * {@link #USABLE} and {@link #BUSY} means the bitmap cannot tell which blocks changed since
 * the last backup, so the next backup must read the whole disk.
 */
public enum BitmapState {
    /** Exists, records writes and is consistent: an incremental backup can use it. */
    USABLE(false),
    /** Usable, but an export or job holds it now (another backup of this disk is running). */
    BUSY(false),
    /** Not on the node: first backup, another tool removed it, or the disk was replaced. */
    MISSING(true),
    /** QEMU stopped without closing the image cleanly while the bitmap was in use. */
    INCONSISTENT(true),
    /** Exists but does not record: a backup was interrupted between start and commit/abort. */
    NOT_RECORDING(true);

    private final boolean fullBackupRequired;

    BitmapState(boolean fullBackupRequired) {
        this.fullBackupRequired = fullBackupRequired;
    }

    public boolean fullBackupRequired() {
        return fullBackupRequired;
    }

    static BitmapState of(DirtyBitmap bitmap) {
        if (bitmap.inconsistent()) {
            return INCONSISTENT;
        }
        if (!bitmap.recording()) {
            return NOT_RECORDING;
        }
        return bitmap.busy() ? BUSY : USABLE;
    }
}
