package io.ferry.api.session;

import io.ferry.api.ValidationException;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link JobRepositoryService#restoreDisk} restores, and where.
 *
 * @param repository the repository server whose job repository holds the backup
 * @param backup     a backup id or a unique prefix of it; empty: the latest backup of {@code disk}
 * @param disk       a chain key ({@code VM/LABEL}); with {@code backup} it must be that backup's disk
 * @param target     a file name under the first restore root, an absolute path inside
 *                   {@code restore.roots}, or an NBD URI
 * @param overwrite  whether an existing file or export may be written over
 * @since 1.2
 */
public record DiskRestoreRequest(String repository, Optional<String> backup, Optional<String> disk, String target,
        boolean overwrite) {

    public DiskRestoreRequest {
        repository = required("repository", repository, "name the repository server (GET /api/v1/repositories,"
                + " ferry:job-list)");
        backup = stripped(backup);
        disk = stripped(disk);
        if (backup.isEmpty() && disk.isEmpty()) {
            throw new ValidationException("backup", "name the backup to restore (its id or a unique prefix) or a disk"
                    + " (VM/LABEL) for its latest backup");
        }
        target = required("target", target, "name the file to restore to, e.g. web-01-disk0.raw (under"
                + " restore.roots)");
    }

    private static String required(String field, String value, String hint) {
        if (value == null || value.isBlank()) {
            throw new ValidationException(field, "is missing: " + hint);
        }
        return value.strip();
    }

    private static Optional<String> stripped(Optional<String> value) {
        return Objects.requireNonNullElse(value, Optional.<String>empty()).map(String::strip).filter(s -> !s.isEmpty());
    }
}
