package io.ferry.api.agent;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Which agent runs which task, kept in the catalog so that every manager node sees the same
 * state (issue "Real proxies": task leases claimable with {@code SELECT ... FOR UPDATE SKIP
 * LOCKED}). The manager {@link #offer offers} a task attempt to the servers the plan allows,
 * in preference order; an agent {@link #claim claims} offered tasks, taking a lease that its
 * heartbeats {@link #renew renew}; the manager periodically {@link #expire expires} leases
 * that were not renewed in time (a lost agent) and fails or re-offers those tasks; the agent's
 * result {@link #complete completes} the attempt once.
 *
 * <p>An offered task goes to its most preferred candidate whose agent is live (heartbeat
 * within the lease duration); a less preferred candidate claims it only while the ones before
 * it are not. This is Ferry's own coordination: no roles are checked.
 */
@ProviderType
public interface TaskLeases {

    /**
     * Offers a task attempt to the agents of {@code candidates} (managed server names, most
     * preferred first). Offering a newer attempt of a task replaces the older one (whose result
     * is refused from then on); offering the same attempt again with the same candidates does
     * nothing.
     *
     * @throws io.ferry.api.ConflictException when the task already has this attempt with other
     *                                        candidates, or a newer attempt
     * @throws io.ferry.api.NotFoundException when a candidate is not in the inventory
     */
    void offer(TaskAttempt attempt, List<String> candidates);

    /**
     * Takes up to {@code max} offered tasks for the agent of {@code server}, oldest offer
     * first. Concurrent claimers never get the same task.
     */
    List<TaskLease> claim(String server, int max);

    /**
     * Extends every lease held by the agent of {@code server} by the lease duration (its
     * heartbeat).
     *
     * @return the leases it holds now
     */
    List<TaskLease> renew(String server);

    /**
     * Ends the leases whose time ran out and returns them, each once (also with several
     * manager nodes expiring concurrently). Their results are refused from then on; the
     * manager fails the task with the reason or offers a new attempt to another candidate.
     */
    List<TaskLease> expire();

    /**
     * Records that the agent of {@code server} finished the attempt.
     *
     * @return true the first time, false for a repeated completion of the same attempt by the
     *         same server (a retried result message: nothing changes)
     * @throws StaleAttemptException when the attempt is not the task's current one, its lease
     *                               expired, or another server holds it
     * @throws io.ferry.api.NotFoundException when the task was never offered (or is forgotten)
     */
    boolean complete(TaskAttempt attempt, String server);

    /**
     * Forgets every task of a session (finished, stopped or deleted): its leases end and late
     * results are refused as unknown.
     *
     * @return how many tasks were forgotten
     */
    int forget(String sessionId);
}
