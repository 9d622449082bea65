package io.ferry.plugin.proxmox.internal.qemu;

import io.ferry.api.ConflictException;
import io.ferry.api.session.ChangedBlockLedger;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Whether a disk's dirty bitmap can tell the next backup which blocks changed since the last
 * good one (issue 6, changed-block trust ledger). It can only when the ledger entry is trusted,
 * the bitmap it names is on the disk node, recording, consistent and persistent (on qcow2; other
 * formats cannot store bitmaps, so there a bitmap that still exists has seen every write since
 * it was created, and one lost by a restart is missing), and the disk has the size it had at
 * that backup. Otherwise the whole disk is read, and {@link #note} says
 * why, for the session. A pure function of its inputs ({@link #decide}).
 *
 * @param base the bitmap holding the changes since the last good backup; empty: read everything
 * @param note why the bitmap cannot be used (null when it can)
 */
public record ChangeTrust(Optional<String> base, String note) {

    /** The prefix of every bitmap Ferry creates; others (e.g. Proxmox VE's own) are never touched. */
    public static final String BITMAP_PREFIX = "ferry-";
    public static final String FIRST_BACKUP = "first backup of this disk";
    public static final String LAST_BACKUP_FAILED = "the last backup failed or was cancelled: ";
    public static final String LEDGER_UNTRUSTED = "the ledger says untrusted";

    public ChangeTrust {
        Objects.requireNonNull(base, "base");
        if (base.isPresent() == (note != null)) {
            throw new IllegalArgumentException("a usable bitmap has no note and an unusable one needs one");
        }
    }

    public boolean trusted() {
        return base.isPresent();
    }

    /** The name of the bitmap for the backup after {@code generation} good ones: {@code ferry-<generation>}. */
    public static String bitmapName(long generation) {
        return BITMAP_PREFIX + generation;
    }

    /**
     * @param entry     the disk's ledger entry, null when there is none
     * @param bitmaps   the dirty bitmaps on the disk's block node now
     * @param sizeBytes the disk's size now
     * @param format    the image format of the disk node ({@code qcow2}, {@code raw}, {@code vmdk}, ...)
     * @throws ConflictException the bitmap is busy: another backup of this disk is reading it now
     */
    public static ChangeTrust decide(ChangedBlockLedger entry, List<DirtyBitmap> bitmaps, long sizeBytes, String format) {
        boolean stored = FleecingBackup.storesBitmaps(format);
        if (entry == null || (!entry.trusted() && entry.backupId() == null && entry.note() == null)) {
            return full(FIRST_BACKUP);
        }
        if (!entry.trusted()) {
            return full(untrustedNote(entry.note()));
        }
        String name = entry.bitmap();
        Optional<DirtyBitmap> found = bitmaps.stream().filter(b -> b.name().equals(name)).findFirst();
        if (found.isEmpty() && !stored) {
            return full("bitmap " + name + " is missing: the VM was restarted since the last backup (a " + format + " disk"
                    + " cannot keep dirty bitmaps across restarts), or someone removed it");
        }
        if (found.isEmpty()) {
            return full("bitmap " + name + " is missing (QEMU writes it into the disk image only when it stops cleanly:"
                    + " the VM was stopped without a clean shutdown since it was created, or someone removed it)");
        }
        DirtyBitmap b = found.get();
        if (b.inconsistent()) {
            return full("the VM was restarted without a clean shutdown: bitmap " + name + " is inconsistent");
        }
        if (b.busy()) {
            throw new ConflictException("Bitmap " + name + " of disk " + entry.disk() + " is in use by another backup of"
                    + " this disk right now: wait until it has ended, then run this one again");
        }
        if (stored && !b.persistent()) {
            return full("bitmap " + name + " is not persistent: it would not survive a restart of the VM");
        }
        if (!b.recording()) {
            return full("bitmap " + name + " does not record writes (a backup was interrupted before it ended, or"
                    + " someone disabled it)");
        }
        if (entry.sizeBytes() != sizeBytes) {
            return full("disk resized from " + size(entry.sizeBytes()) + " to " + size(sizeBytes) + " ("
                    + entry.sizeBytes() + " to " + sizeBytes + " bytes)");
        }
        return new ChangeTrust(Optional.of(name), null);
    }

    private static String untrustedNote(String note) {
        if (note == null || note.isBlank()) {
            return LEDGER_UNTRUSTED + " (no reason recorded)";
        }
        // notes Ferry writes itself are already phrased for the session
        if (note.startsWith(LAST_BACKUP_FAILED) || note.startsWith(FIRST_BACKUP) || note.startsWith(LEDGER_UNTRUSTED)) {
            return note;
        }
        return LEDGER_UNTRUSTED + ": " + note;
    }

    private static ChangeTrust full(String note) {
        return new ChangeTrust(Optional.empty(), note);
    }

    private static String size(long bytes) {
        if (bytes % (1L << 30) == 0 && bytes > 0) {
            return (bytes >> 30) + " GiB";
        }
        if (bytes % (1L << 20) == 0 && bytes > 0) {
            return (bytes >> 20) + " MiB";
        }
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
    }
}
