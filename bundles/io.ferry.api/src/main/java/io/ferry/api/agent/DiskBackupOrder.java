package io.ferry.api.agent;

import java.util.Map;
import java.util.Objects;

/**
 * One disk to back up on an agent. The agent opens the source itself (its size and
 * description come from its reading), and writes the backup {@code disk} with the given
 * parent and labels, as {@link io.ferry.api.repository.BackupRequest} does in-process.
 *
 * @param taskId      the session's task id
 * @param attempt     the attempt (1 for the first); the agent's result is applied once per task and attempt
 * @param location    where the agent reads the disk (an NBD URI or a file path), as the transport mode gives it
 * @param dirtyBitmap the dirty bitmap that names the changed blocks, or null to read the disk whole
 * @param disk        the backup's chain key ({@code VM/DISK})
 * @param parent      the pinned parent backup id, or null for a full backup
 * @param labels      the backup's labels (job, session, vm, disk, proxy, mode)
 */
public record DiskBackupOrder(String taskId, int attempt, String location, String dirtyBitmap, String disk,
        String parent, Map<String, String> labels) {

    public DiskBackupOrder {
        Objects.requireNonNull(taskId, "taskId");
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(disk, "disk");
        labels = Map.copyOf(labels);
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt " + attempt + " is not 1 or more");
        }
    }
}
