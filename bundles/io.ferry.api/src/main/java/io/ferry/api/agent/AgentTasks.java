package io.ferry.api.agent;

import io.ferry.api.repository.BackupInfo;
import io.ferry.api.repository.ProgressListener;
import io.ferry.api.repository.Repository;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Runs the data work of a job's task on the agent of the proxy the plan chose (manager side).
 * The job runner decides what to back up (source, parent, change tracking) exactly as for
 * its in-process path; this service hands the work to the agent, serves the repository to it
 * for the task's duration, streams its progress back and returns when the agent reports the
 * result.
 */
@ProviderType
public interface AgentTasks {

    /** Whether {@code server} has an enrolled agent (connected or not). */
    boolean enrolled(String server);

    /** Whether the agent of {@code server} is connected now. */
    boolean connected(String server);

    /**
     * Backs up one disk on the agent of {@code server} into {@code repository} (open on this
     * manager) and returns the committed backup. The task holds a lease that the agent's
     * heartbeats extend; when they stop the lease expires and this throws
     * {@link AgentLostException}. {@code listener} receives the agent's progress, and its
     * {@link ProgressListener#cancelRequested()} is passed on to the agent, which stops the
     * work; then this throws a {@code RepositoryException} of reason {@code CANCELLED}.
     *
     * @throws AgentLostException when the agent is not connected or is lost during the task
     * @throws io.ferry.api.FerryException with the agent's reason when the work failed there
     */
    BackupInfo backUpDisk(String server, DiskBackupOrder order, Repository repository, ProgressListener listener);
}
