package io.ferry.repository.remote;

import java.util.List;
import java.util.Objects;

/**
 * What {@link StoreLink#prune} did (or, for a dry run, would do).
 *
 * @param removed       backups whose manifests were deleted
 * @param locked        backups asked for that the store kept: locked until a later date
 * @param removedChunks chunk files no remaining backup references, deleted
 * @param freedBytes    bytes of those files
 * @param dryRun        true when nothing was changed
 */
public record StorePruneResult(List<String> removed, List<String> locked, long removedChunks, long freedBytes,
        boolean dryRun) {
    public StorePruneResult {
        removed = List.copyOf(Objects.requireNonNull(removed, "removed"));
        locked = List.copyOf(Objects.requireNonNull(locked, "locked"));
    }
}
