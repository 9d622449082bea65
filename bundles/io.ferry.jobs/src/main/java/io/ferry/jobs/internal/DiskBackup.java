package io.ferry.jobs.internal;

import io.ferry.api.FerryException;
import io.ferry.api.NotFoundException;
import io.ferry.api.mover.DataMover;
import io.ferry.api.mover.DiskSource;
import io.ferry.api.mover.DiskSources;
import io.ferry.api.mover.SourceOptions;
import io.ferry.api.repository.BackupInfo;
import io.ferry.api.repository.BackupRequest;
import io.ferry.api.repository.BackupStats;
import io.ferry.api.repository.ProgressListener;
import io.ferry.api.repository.Repository;
import io.ferry.api.session.ChangedBlockLedger;
import io.ferry.api.session.TaskRecord;
import io.ferry.api.session.TaskStatus;
import io.ferry.jobs.internal.VmViews.DiskRead;
import java.io.IOException;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The data part of one task: opens the disk's source (with its dirty bitmap when the
 * changed-block ledger vouches for it), backs it up into the job's repository with the
 * data mover and returns the finished task record with its figures.
 *
 * <p>A dirty bitmap is only used when the ledger entry the view was made with is trusted and
 * the backup it is relative to is still in the repository: the mover takes the newest
 * backup of the disk as the parent, and a bitmap relative to that backup or an older one
 * holds every change since the parent. Otherwise the disk is read whole, and the task's
 * change note says why.
 */
final class DiskBackup {

    private final DiskSources sources;
    private final DataMover mover;
    private final Clock clock;

    DiskBackup(DiskSources sources, DataMover mover, Clock clock) {
        this.sources = Objects.requireNonNull(sources, "sources");
        this.mover = Objects.requireNonNull(mover, "mover");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Backs up {@code read} for the RUNNING task {@code task}; throws when the source cannot be
     * opened or read, or the backup was cancelled ({@code RepositoryException CANCELLED}).
     */
    TaskRecord backUp(TaskRecord task, String session, String job, DiskRead read, Repository repository,
            ProgressListener listener) {
        String key = ChainKeys.of(task.vm(), task.disk());
        DiskRead checked = checkBitmap(read, repository, key);
        SourceOptions options = SourceOptions.defaults().withDirtyBitmap(checked.bitmap());
        BackupInfo info;
        try (DiskSource source = sources.open(checked.location(), options)) {
            BackupRequest request = new BackupRequest(key, source.description(), source.size(), false,
                    labels(task, session, job));
            info = mover.backup(source, repository, request, listener);
        } catch (IOException e) {
            throw new FerryException("Closing disk source " + checked.location() + " failed: " + e.getMessage(), e);
        }
        BackupStats stats = info.stats();
        String note = checked.changeNote();
        if (checked.bitmap() != null && !stats.changeTracking().startsWith("dirty-bitmap:")) {
            note = "the repository holds no earlier backup of " + key + " of the same size, so the dirty bitmap"
                    + " could not be used: read whole";
        }
        TaskStatus status = task.warnings().isEmpty() ? TaskStatus.SUCCESS : TaskStatus.WARNING;
        return new TaskRecord(task.id(), task.vm(), task.disk(), status, task.proxy(), task.transportMode(),
                task.reason(), stats.changeTracking(), note, info.id(), info.size(), stats.readBytes(),
                stats.storedBytes(), stats.storedBytes(), stats.dataBytes(), stats.newBytes(), task.started(),
                clock.instant(), null, task.warnings());
    }

    /** The read, without its bitmap when the ledger does not vouch for it against this repository. */
    static DiskRead checkBitmap(DiskRead read, Repository repository, String key) {
        if (read.bitmap() == null) {
            return read;
        }
        ChangedBlockLedger ledger = read.ledger();
        if (ledger == null || !ledger.trusted() || ledger.backupId() == null) {
            return read.withoutBitmap("the changed-block ledger of " + key + " does not vouch for dirty bitmap "
                    + read.bitmap() + ": read whole");
        }
        try {
            BackupInfo base = repository.backup(ledger.backupId());
            if (!base.disk().equals(key)) {
                return read.withoutBitmap("dirty bitmap " + read.bitmap() + " is relative to backup "
                        + ledger.backupId() + ", which is of " + base.disk() + ", not " + key + ": read whole");
            }
        } catch (NotFoundException e) {
            return read.withoutBitmap("dirty bitmap " + read.bitmap() + " is relative to backup " + ledger.backupId()
                    + ", which is no longer in the repository: read whole");
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
