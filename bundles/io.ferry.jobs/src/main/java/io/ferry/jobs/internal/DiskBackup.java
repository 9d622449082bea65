package io.ferry.jobs.internal;

import io.ferry.api.FerryException;
import io.ferry.api.NotFoundException;
import io.ferry.api.agent.AgentTasks;
import io.ferry.api.agent.DiskBackupOrder;
import io.ferry.api.mover.DataMover;
import io.ferry.api.mover.DiskSource;
import io.ferry.api.mover.DiskSources;
import io.ferry.api.mover.SourceOptions;
import io.ferry.api.repository.BackupInfo;
import io.ferry.api.repository.BackupRequest;
import io.ferry.api.repository.BackupStats;
import io.ferry.api.repository.ProgressListener;
import io.ferry.api.repository.Repository;
import io.ferry.api.repository.RepositoryException;
import io.ferry.api.session.ChangedBlockLedger;
import io.ferry.api.session.TaskRecord;
import io.ferry.api.session.TaskStatus;
import io.ferry.jobs.internal.VmViews.DiskRead;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The data part of one task: opens the disk's source (with its dirty bitmap when the
 * changed-block ledger vouches for it), backs it up into the job's repository with the
 * data mover and returns the finished task record with its figures. When the task's proxy has
 * an enrolled agent, the agent does the reading and writing on its machine ({@link AgentTasks});
 * what to read and which parent to pin is decided here all the same.
 *
 * <p>The parent of every incremental is pinned, never "whatever is newest": anyone may write
 * a backup of the same chain key into the job's repository between two runs
 * ({@code ferry:backup-disk --disk VM/LABEL}), and a dirty bitmap combined with another base
 * than the one it is relative to restores silently wrong data.
 * <ul>
 * <li>With a dirty bitmap, the parent is exactly the ledger's backup (the one the bitmap
 * records changes since). When that backup is gone from the repository or is of another
 * disk, the disk is read whole and the task's change note says why.</li>
 * <li>Without one (read whole, unchanged chunks deduplicated), the parent is the last
 * backup of the disk this job wrote (label {@code job}); the first backup of the disk by
 * the job is a full one, whatever else the repository holds.</li>
 * </ul>
 * A bitmap incremental the repository refuses to commit as corrupt (it would carry over a
 * chunk {@code ferry:verify} found damaged) is made again reading the disk whole, which
 * writes the chunk again and heals the older backups that use it.
 */
final class DiskBackup {

    private final DiskSources sources;
    private final DataMover mover;
    private final Supplier<AgentTasks> agents;
    private final Clock clock;

    /**
     * @param agents the agents of the proxies, or a supplier of null: a task whose proxy has an
     *               enrolled agent runs there, any other in this process (the backup server's own
     *               in-process agent)
     */
    DiskBackup(DiskSources sources, DataMover mover, Supplier<AgentTasks> agents, Clock clock) {
        this.sources = Objects.requireNonNull(sources, "sources");
        this.mover = Objects.requireNonNull(mover, "mover");
        this.agents = Objects.requireNonNull(agents, "agents");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Backs up {@code read} for the RUNNING task {@code task}; throws when the source cannot be
     * opened or read, or the backup was cancelled ({@code RepositoryException CANCELLED}).
     *
     * @param attempt 1, or more after the task failed over to another proxy
     */
    TaskRecord backUp(TaskRecord task, String session, String job, DiskRead read, Repository repository,
            ProgressListener listener, int attempt) {
        String key = ChainKeys.of(task.vm(), task.disk());
        DiskRead checked = checkBitmap(read, repository, key);
        String parent = parent(checked, repository, key, job);
        BackupInfo info;
        try {
            info = backUp(checked, parent, key, task, session, job, repository, listener, attempt);
        } catch (NotFoundException e) {
            if (parent == null || exists(repository, parent)) {
                throw e;
            }
            // the parent went away between the check and the start (a prune in another process)
            checked = checked.withoutBitmap("the parent backup " + parent + " of " + key + " was removed from the"
                    + " repository just before this backup started: read whole");
            parent = parent(checked, repository, key, job);
            info = backUp(checked, parent, key, task, session, job, repository, listener, attempt);
        } catch (RepositoryException e) {
            if (e.reason() != RepositoryException.Reason.CORRUPT || checked.bitmap() == null) {
                throw e;
            }
            // typically a chunk ferry:verify found damaged that the bitmap would carry over from the
            // parent unread; reading the disk whole writes it again and heals the older backups
            checked = checked.withoutBitmap("the incremental with dirty bitmap " + checked.bitmap() + " against "
                    + parent + " could not be committed (" + e.getMessage() + "): read whole");
            parent = parent(checked, repository, key, job);
            info = backUp(checked, parent, key, task, session, job, repository, listener, attempt);
        }
        BackupStats stats = info.stats();
        String note = checked.changeNote();
        if (checked.bitmap() != null && !stats.changeTracking().startsWith("dirty-bitmap:")) {
            note = "the parent backup " + parent + " of " + key + " has another size or chunk size than the disk now,"
                    + " so dirty bitmap " + checked.bitmap() + " could not be used: read whole";
        }
        TaskStatus status = task.warnings().isEmpty() ? TaskStatus.SUCCESS : TaskStatus.WARNING;
        return new TaskRecord(task.id(), task.vm(), task.disk(), status, task.proxy(), task.transportMode(),
                task.reason(), stats.changeTracking(), note, info.id(), info.size(), stats.readBytes(),
                stats.storedBytes(), stats.storedBytes(), stats.dataBytes(), stats.newBytes(), task.started(),
                clock.instant(), null, task.warnings());
    }

    private BackupInfo backUp(DiskRead checked, String parent, String key, TaskRecord task, String session,
            String job, Repository repository, ProgressListener listener, int attempt) {
        AgentTasks remote = agents.get();
        if (remote != null && task.proxy() != null && remote.enrolled(task.proxy())) {
            // the session's id makes the task's id unique on the agent: a late result of an earlier
            // session's task (lost, then retried) can never be taken for this one's
            DiskBackupOrder order = new DiskBackupOrder(session + "/" + task.id(), attempt, checked.location(),
                    checked.bitmap(), key, parent, labels(task, session, job));
            return remote.backUpDisk(task.proxy(), order, repository, listener);
        }
        SourceOptions options = SourceOptions.defaults().withDirtyBitmap(checked.bitmap());
        try (DiskSource source = sources.open(checked.location(), options)) {
            BackupRequest request = new BackupRequest(key, source.description(), source.size(), parent == null,
                    labels(task, session, job), parent);
            return mover.backup(source, repository, request, listener);
        } catch (IOException e) {
            throw new FerryException("Closing disk source " + checked.location() + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * The parent to pin: the ledger's backup for a bitmap read (checked by {@link #checkBitmap}),
     * else the job's own last backup of the disk; null for a full backup.
     */
    static String parent(DiskRead checked, Repository repository, String key, String job) {
        if (checked.bitmap() != null) {
            return checked.ledger().backupId();
        }
        return lastOfJob(repository, key, job).map(BackupInfo::id).orElse(null);
    }

    /** The newest backup of {@code key} that job {@code job} wrote. */
    static Optional<BackupInfo> lastOfJob(Repository repository, String key, String job) {
        List<BackupInfo> backups = repository.backups();
        for (int i = backups.size() - 1; i >= 0; i--) {
            BackupInfo b = backups.get(i);
            if (b.disk().equals(key) && job.equals(b.labels().get("job"))) {
                return Optional.of(b);
            }
        }
        return Optional.empty();
    }

    private static boolean exists(Repository repository, String id) {
        try {
            repository.backup(id);
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }

    /**
     * The read, without its bitmap when the ledger does not vouch for it against this
     * repository: the backup the bitmap is relative to must be there and be of this disk.
     * When it is there but a newer backup of the disk exists (written by someone else), the
     * bitmap is used against it all the same, and the change note says so.
     */
    static DiskRead checkBitmap(DiskRead read, Repository repository, String key) {
        if (read.bitmap() == null) {
            return read;
        }
        ChangedBlockLedger ledger = read.ledger();
        if (ledger == null || !ledger.trusted() || ledger.backupId() == null) {
            return read.withoutBitmap("the changed-block ledger of " + key + " does not vouch for dirty bitmap "
                    + read.bitmap() + ": read whole");
        }
        String parent = ledger.backupId();
        BackupInfo base;
        try {
            base = repository.backup(parent);
        } catch (NotFoundException e) {
            return read.withoutBitmap("the parent backup " + parent + " that dirty bitmap " + read.bitmap()
                    + " is relative to is gone from the repository: read whole");
        }
        if (!base.id().equals(parent) || !base.disk().equals(key)) {
            return read.withoutBitmap("the parent backup " + parent + " that dirty bitmap " + read.bitmap()
                    + " is relative to is of " + base.disk() + ", not " + key + ": read whole");
        }
        Optional<BackupInfo> newest = repository.latest(key);
        if (newest.isPresent() && !newest.get().id().equals(parent)) {
            return new DiskRead(read.label(), read.location(), read.bitmap(), "the parent backup " + parent
                    + " is not the newest backup of " + key + " (" + newest.get().id() + " was written since, not"
                    + " from this point-in-time chain): the incremental is made against " + parent + ", the backup"
                    + " dirty bitmap " + read.bitmap() + " is relative to", read.ledger(), read.problem());
        }
        return read;
    }

    private static Map<String, String> labels(TaskRecord task, String session, String job) {
        Map<String, String> labels = new TreeMap<>();
        labels.put("job", job);
        labels.put("session", session);
        labels.put("vm", task.vm());
        labels.put("disk", task.disk());
        if (task.proxy() != null) {
            labels.put("proxy", task.proxy());
        }
        if (task.transportMode() != null) {
            labels.put("mode", task.transportMode());
        }
        return labels;
    }
}
