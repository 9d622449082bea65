package io.ferry.api.repository;

import io.ferry.api.ValidationException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What a new backup is of.
 *
 * @param disk   the chain key: backups of the same disk form an incremental chain and are
 *               pruned together. Letters, digits and {@code . _ - / :}, e.g. {@code "web-01/disk0"}.
 * @param source where the data came from, for people (a URI without secrets)
 * @param size   the disk size in bytes
 * @param full   true to ignore earlier backups of the disk (no parent); false to use an
 *               earlier backup as the parent: {@code parent} when given, else the latest
 *               complete backup of the disk
 * @param labels free-form key/value pairs kept in the manifest (job, session, VM, ...)
 * @param parent the exact id of the backup to use as the parent, or null for the latest
 *               complete backup of the disk. A caller whose changed blocks are relative to
 *               one backup (a dirty bitmap) names it here, so that a backup of the same disk
 *               written by someone else in between is never taken as the base. The
 *               repository refuses the request when that backup is gone
 *               ({@code NotFoundException}) or is of another disk ({@code ValidationException}).
 *               Must be null when {@code full} is true.
 * @since 1.1.0 ({@code parent})
 */
public record BackupRequest(String disk, String source, long size, boolean full, Map<String, String> labels,
        String parent) {

    private static final Pattern DISK = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/-]{0,199}");
    private static final Pattern BACKUP_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,199}");

    public BackupRequest {
        if (disk == null || !DISK.matcher(disk).matches()) {
            throw new ValidationException("disk", "'" + disk + "' is not a valid disk key: use 1-200 letters,"
                    + " digits, '.', '_', ':', '/' or '-', starting with a letter or digit");
        }
        Objects.requireNonNull(source, "source");
        if (size < 0) {
            throw new ValidationException("size", "disk size " + size + " is negative");
        }
        labels = Map.copyOf(new TreeMap<>(labels == null ? Map.of() : labels));
        if (parent != null) {
            if (!BACKUP_ID.matcher(parent).matches()) {
                throw new ValidationException("parent", "'" + parent + "' is not a backup id");
            }
            if (full) {
                throw new ValidationException("parent", "a full backup has no parent, but backup " + parent
                        + " was named as the parent of a backup of disk '" + disk + "'");
            }
        }
    }

    /** A request without a named parent (the latest complete backup of the disk is the parent unless {@code full}). */
    public BackupRequest(String disk, String source, long size, boolean full, Map<String, String> labels) {
        this(disk, source, size, full, labels, null);
    }

    public static BackupRequest of(String disk, String source, long size) {
        return new BackupRequest(disk, source, size, false, Map.of());
    }

    /** The same request, full or not; a full request names no parent. */
    public BackupRequest withFull(boolean value) {
        return new BackupRequest(disk, source, size, value, labels, value ? null : parent);
    }

    public BackupRequest withLabels(Map<String, String> value) {
        return new BackupRequest(disk, source, size, full, value, parent);
    }

    /**
     * The same request with {@code backupId} as its exact parent (not full); null for the
     * latest complete backup of the disk.
     *
     * @since 1.1.0
     */
    public BackupRequest withParent(String backupId) {
        return new BackupRequest(disk, source, size, backupId == null && full, labels, backupId);
    }

    /**
     * The named parent, if any.
     *
     * @since 1.1.0
     */
    public Optional<String> parentId() {
        return Optional.ofNullable(parent);
    }
}
