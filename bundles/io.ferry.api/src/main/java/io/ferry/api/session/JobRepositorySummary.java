package io.ferry.api.session;

import io.ferry.api.repository.RepositoryInfo;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A repository server the jobs store to.
 *
 * @param server the repository server's name
 * @param jobs   the jobs that store there, in name order
 * @param info   the repository's figures (path, backups, stored bytes), empty while no job has stored there
 * @since 1.2
 */
public record JobRepositorySummary(String server, List<String> jobs, Optional<RepositoryInfo> info) {
    public JobRepositorySummary {
        Objects.requireNonNull(server, "server");
        jobs = List.copyOf(jobs);
        Objects.requireNonNull(info, "info");
    }
}
