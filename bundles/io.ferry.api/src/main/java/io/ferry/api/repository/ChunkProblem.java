package io.ferry.api.repository;

import java.util.List;
import java.util.Objects;

/**
 * A chunk that verify could not read back intact.
 *
 * @param chunk   the chunk id (hex)
 * @param problem "missing", or what failed: "authentication failed", "hash mismatch", "unreadable: ...";
 *                followed by "; moved aside as ID.bad, ..." when this verify moved the file
 *                aside, or "missing: moved aside as ID.bad by an earlier verify (...)" while
 *                no backup has written the chunk again
 * @param backups ids of the backups that reference it (the backups it breaks)
 */
public record ChunkProblem(String chunk, String problem, List<String> backups) {
    public ChunkProblem {
        Objects.requireNonNull(chunk, "chunk");
        Objects.requireNonNull(problem, "problem");
        backups = List.copyOf(backups);
    }
}
