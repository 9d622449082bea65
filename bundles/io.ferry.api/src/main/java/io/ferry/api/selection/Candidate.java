package io.ferry.api.selection;

import java.util.List;
import java.util.Objects;

/**
 * A server considered for a piece of work, with every rule's verdict.
 *
 * @param server       server name
 * @param eligible     passed every rule
 * @param tier         priority tier, lower is better (guest interaction: 1 same network
 *                     non-backup-server ... 4 other network backup server, seed 001; proxies: 0)
 * @param runningTasks tasks the server runs (load, for tie-breaking)
 * @param taskSlots    the server's max concurrent tasks
 * @param verdicts     each rule's verdict, in evaluation order
 */
public record Candidate(String server, boolean eligible, int tier, int runningTasks, int taskSlots,
        List<RuleVerdict> verdicts) {
    public Candidate {
        Objects.requireNonNull(server, "server");
        verdicts = List.copyOf(verdicts);
    }

    /** The failed verdicts: why this server was not chosen. */
    public List<RuleVerdict> failures() {
        return verdicts.stream().filter(v -> !v.passed()).toList();
    }
}
