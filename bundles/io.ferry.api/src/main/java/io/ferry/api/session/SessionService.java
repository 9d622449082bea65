package io.ferry.api.session;

import io.ferry.api.repository.ProgressListener;
import io.ferry.api.repository.Repository;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Runs backup jobs (bundle {@code io.ferry.jobs}). A run plans the job with the selection
 * service, does the guest processing of each VM on its guest interaction proxy (failover
 * to the backup server, seed 001), and runs one task per disk within each proxy's task
 * slots (queueing when they are full; seed 002/003), writing each disk into the job's
 * repository with the data mover. Runs of one job never overlap.
 */
@ProviderType
public interface SessionService {

    /**
     * Starts a run of a job now and returns at once with the RUNNING session. Throws
     * {@code ConflictException} when the job is already running, {@code NotFoundException}
     * when there is no such job.
     */
    Session start(String jobNameOrId, String trigger);

    /** Starts a new session that runs only the FAILED and STOPPED tasks of a finished one. */
    Session retry(String sessionIdOrPrefix);

    /** Stops a running session (by session id/prefix or job name): running tasks are cancelled, queued ones dropped. */
    Session stop(String sessionOrJob);

    /** Waits until a session has finished (or the timeout passes) and returns its latest state. */
    Session await(String sessionId, Duration timeout) throws InterruptedException;

    /** Live progress of the tasks of a running session (empty list when it is not running here). */
    List<TaskProgress> progress(String sessionId);

    Optional<Session> session(String idOrPrefix);

    /** Newest first; of one job when {@code job} is not null. */
    List<Session> sessions(String job, int limit);

    /**
     * Restores every disk of a VM from a session (the latest successful one when
     * {@code session} is null) to {@code target}: a directory (one sparse file per disk,
     * named VM-DISK.raw) or an NBD URI prefix (one export per disk label).
     */
    VmRestoreResult restoreVm(String vm, String session, String target, boolean overwrite,
            ProgressListener listener);

    /**
     * The repository the jobs that store to {@code repositoryServer} write into, opened by the
     * job runner with its own password, which no user sees or needs (since 1.1). Each call on
     * the returned repository is checked against the caller's role as usual (listing: viewer,
     * backup and verify: operator, restore and prune: admin); opening it needs the viewer role.
     * Closing the returned handle leaves the runner's repository open. Throws
     * {@code NotFoundException} when there is no such server or no job has stored there yet.
     */
    Repository jobRepository(String repositoryServer);
}
