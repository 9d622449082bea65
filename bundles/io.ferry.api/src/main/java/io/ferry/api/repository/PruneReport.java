package io.ferry.api.repository;

import java.util.List;

/**
 * What a prune removed (or, for a dry run, would remove).
 *
 * @param removedBackups ids of the backups removed
 * @param keptBackups    ids of the backups kept
 * @param removedChunks  chunks no remaining backup references, deleted
 * @param freedBytes     bytes of the deleted chunk files
 * @param dryRun         true when nothing was changed
 */
public record PruneReport(List<String> removedBackups, List<String> keptBackups, long removedChunks,
        long freedBytes, boolean dryRun) {
    public PruneReport {
        removedBackups = List.copyOf(removedBackups);
        keptBackups = List.copyOf(keptBackups);
    }
}
