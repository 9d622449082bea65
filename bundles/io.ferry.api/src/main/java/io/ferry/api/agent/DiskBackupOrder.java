package io.ferry.api.agent;

import io.ferry.api.repository.BackupRequest;
import java.util.Objects;

/**
 * One disk to back up on an agent.
 *
 * @param taskId      the session's task id
 * @param attempt     the attempt (1 for the first); the agent's result is applied once per task and attempt
 * @param location    where the agent reads the disk (an NBD URI or a file path), as the transport mode gives it
 * @param dirtyBitmap the dirty bitmap that names the changed blocks, or null to read the disk whole
 * @param request     the backup to write (chain key, parent, labels; {@code source} and {@code size} as the
 *                    manager saw them, the agent's own reading wins)
 */
public record DiskBackupOrder(String taskId, int attempt, String location, String dirtyBitmap, BackupRequest request) {

    public DiskBackupOrder {
        Objects.requireNonNull(taskId, "taskId");
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(request, "request");
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt " + attempt + " is not 1 or more");
        }
    }
}
