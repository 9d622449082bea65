package io.ferry.api.session;

import io.ferry.api.mover.RestoreResult;
import io.ferry.api.repository.BackupInfo;
import java.util.Objects;

/**
 * What {@link JobRepositoryService#restoreDisk} did.
 *
 * @param repository the repository server
 * @param backup     the backup restored
 * @param result     bytes written, holes, elapsed time and the target written
 * @since 1.2
 */
public record DiskRestoreResult(String repository, BackupInfo backup, RestoreResult result) {
    public DiskRestoreResult {
        Objects.requireNonNull(repository, "repository");
        Objects.requireNonNull(backup, "backup");
        Objects.requireNonNull(result, "result");
    }
}
