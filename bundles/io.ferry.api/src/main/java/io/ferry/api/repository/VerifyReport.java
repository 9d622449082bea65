package io.ferry.api.repository;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Result of a verify.
 *
 * <p>Verify heals what it can: a chunk file that fails its check is moved aside (renamed to
 * {@code <id>.bad}), so that the next backup carrying the same data writes it again, which
 * repairs every backup that references it (chunk ids are content-addressed). The next
 * verify reports those backups as healed.
 *
 * @param backups       ids of the backups checked
 * @param chunks        distinct chunks read back and checked
 * @param bytes         stored bytes read
 * @param problems      chunks that failed, each with the backups it breaks
 * @param movedAside    ids (hex) of the chunk files this verify found damaged and moved aside
 * @param healedChunks  ids (hex) of chunks an earlier verify found missing or damaged that
 *                      are now intact (written again by a later backup)
 * @param healedBackups ids of checked backups that an earlier verify found broken and that
 *                      are now intact
 * @since 1.1.0 ({@code movedAside}, {@code healedChunks}, {@code healedBackups})
 */
public record VerifyReport(List<String> backups, long chunks, long bytes, List<ChunkProblem> problems,
        List<String> movedAside, List<String> healedChunks, List<String> healedBackups) {

    public VerifyReport {
        backups = List.copyOf(backups);
        problems = List.copyOf(problems);
        movedAside = List.copyOf(movedAside);
        healedChunks = List.copyOf(healedChunks);
        healedBackups = List.copyOf(healedBackups);
    }

    /** A report without healing information. */
    public VerifyReport(List<String> backups, long chunks, long bytes, List<ChunkProblem> problems) {
        this(backups, chunks, bytes, problems, List.of(), List.of(), List.of());
    }

    public boolean ok() {
        return problems.isEmpty();
    }

    /** The backups that cannot be restored intact (still damaged). */
    public Set<String> brokenBackups() {
        TreeSet<String> broken = new TreeSet<>();
        problems.forEach(p -> broken.addAll(p.backups()));
        return broken;
    }
}
