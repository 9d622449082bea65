package io.ferry.api.session;

import java.time.Instant;
import java.util.Objects;

/**
 * What Ferry knows about one disk's changed-block tracking (a QEMU dirty bitmap, VMware
 * CBT, Hyper-V RCT): the bitmap that records changes since the last good backup, and
 * whether it can be trusted. An incremental read is only done when it is trusted; every
 * event that may have lost changes (VM restarted with a non-persistent bitmap, disk
 * resized, a failed or cancelled backup, a missing or inconsistent bitmap) makes it
 * untrusted, and the next backup reads the whole disk and says why (issue 6).
 *
 * @param disk         chain key ("vm/disk", as the repository's disk key)
 * @param bitmap       name of the bitmap recording changes since {@code backupId}, or null
 * @param generation   counts good backups taken with this ledger; bitmap names derive from it
 * @param backupId     the last good backup the bitmap is relative to, or null
 * @param sizeBytes    the disk size at that backup (a resize invalidates the bitmap)
 * @param trusted      true when the next backup may read only the changed blocks
 * @param note         why it is not trusted (null when trusted)
 * @param updated      when this entry was written
 */
public record ChangedBlockLedger(String disk, String bitmap, long generation, String backupId, long sizeBytes,
        boolean trusted, String note, Instant updated) {

    public ChangedBlockLedger {
        Objects.requireNonNull(disk, "disk");
        Objects.requireNonNull(updated, "updated");
        if (trusted && (bitmap == null || backupId == null)) {
            throw new IllegalArgumentException("a trusted ledger entry needs a bitmap and a backup");
        }
    }

    /** The same entry, untrusted for {@code reason}. */
    public ChangedBlockLedger untrusted(String reason, Instant at) {
        return new ChangedBlockLedger(disk, bitmap, generation, backupId, sizeBytes, false, reason, at);
    }
}
