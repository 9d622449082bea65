package io.ferry.api.repository;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Result of a verify.
 *
 * @param backups  ids of the backups checked
 * @param chunks   distinct chunks read back and checked
 * @param bytes    stored bytes read
 * @param problems chunks that failed, each with the backups it breaks
 */
public record VerifyReport(List<String> backups, long chunks, long bytes, List<ChunkProblem> problems) {
    public VerifyReport {
        backups = List.copyOf(backups);
        problems = List.copyOf(problems);
    }

    public boolean ok() {
        return problems.isEmpty();
    }

    /** The backups that cannot be restored intact. */
    public Set<String> brokenBackups() {
        TreeSet<String> broken = new TreeSet<>();
        problems.forEach(p -> broken.addAll(p.backups()));
        return broken;
    }
}
