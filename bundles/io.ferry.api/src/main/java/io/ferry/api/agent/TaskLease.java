package io.ferry.api.agent;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A task attempt held by the agent of a managed server until {@link #until()}, which the
 * agent's heartbeats extend ({@link TaskLeases#renew}).
 *
 * @param attempt    the task attempt
 * @param server     the managed server whose agent holds (or held) it
 * @param until      when the lease runs out unless renewed
 * @param candidates the servers the task was offered to, in preference order
 */
public record TaskLease(TaskAttempt attempt, String server, Instant until, List<String> candidates) {

    public TaskLease {
        Objects.requireNonNull(attempt, "attempt");
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(until, "until");
        candidates = List.copyOf(candidates);
    }
}
