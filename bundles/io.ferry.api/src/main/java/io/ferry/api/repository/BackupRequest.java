package io.ferry.api.repository;

import io.ferry.api.ValidationException;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What a new backup is of.
 *
 * @param disk   the chain key: backups of the same disk form an incremental chain and are
 *               pruned together. Letters, digits and {@code . _ - / :}, e.g. {@code "web-01/disk0"}.
 * @param source where the data came from, for people (a URI without secrets)
 * @param size   the disk size in bytes
 * @param full   true to ignore earlier backups of the disk (no parent); false to use the
 *               latest complete backup of the disk as the parent
 * @param labels free-form key/value pairs kept in the manifest (job, session, VM, ...)
 */
public record BackupRequest(String disk, String source, long size, boolean full, Map<String, String> labels) {

    private static final Pattern DISK = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/-]{0,199}");

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
    }

    public static BackupRequest of(String disk, String source, long size) {
        return new BackupRequest(disk, source, size, false, Map.of());
    }

    public BackupRequest withFull(boolean value) {
        return new BackupRequest(disk, source, size, value, labels);
    }

    public BackupRequest withLabels(Map<String, String> value) {
        return new BackupRequest(disk, source, size, full, value);
    }
}
