package io.ferry.mover.internal.pipeline;

import io.ferry.api.FerryException;
import io.ferry.api.ValidationException;
import io.ferry.api.mover.DiskTarget;
import io.ferry.api.mover.RestoreResult;
import io.ferry.api.repository.BackupInfo;
import io.ferry.api.repository.BackupReader;
import io.ferry.api.repository.ChunkId;
import io.ferry.api.repository.ProgressListener;
import io.ferry.api.repository.Repository;
import io.ferry.api.repository.RepositoryException;
import io.ferry.mover.internal.source.CancellableIo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One restore: chunks are read, decrypted and checked by {@code threads} workers and
 * written to the target; zero chunks are skipped on a target that reads unwritten bytes
 * as zeros (a new sparse file) and zeroed otherwise. On a sparse target, all-zero blocks
 * inside data chunks are not written either, so the restored file is at most as allocated
 * as the source was.
 */
public final class RestoreRun {

    /** Granularity of the all-zero block test on sparse targets (the file system block size). */
    static final int SPARSE_BLOCK = 4096;

    private final Repository repository;
    private final String backupId;
    private final DiskTarget target;
    private final ProgressListener listener;
    private final int threads;

    public RestoreRun(Repository repository, String backupId, DiskTarget target, ProgressListener listener,
            int threads) {
        this.repository = repository;
        this.backupId = backupId;
        this.target = target;
        this.listener = listener == null ? ProgressListener.NONE : listener;
        this.threads = Math.max(1, threads);
    }

    private record Task(long index, long offset, int length, ChunkId id) {
    }

    private record WorkerState(ByteBuffer buffer, ByteBuffer zeros) {
    }

    public RestoreResult run() {
        CancellableIo io = target instanceof CancellableIo c ? c : null;
        try (BackupReader reader = repository.openBackup(backupId)) {
            BackupInfo info = reader.info();
            if (target.size() < info.size()) {
                throw new ValidationException("target", target.description() + " has " + target.size()
                        + " bytes; backup " + info.id() + " needs " + info.size());
            }
            int chunkSize = info.chunkSize();
            boolean sparse = target.unwrittenReadsAsZero();
            ProgressTracker progress = new ProgressTracker("restore", info.size(), listener);
            if (io != null) {
                io.cancelWhen(progress::cancelRequested);
            }
            AtomicLong written = new AtomicLong();
            ByteBuffer zeros = ChunkBuffers.zeros(chunkSize);
            Workers<Task, WorkerState> workers = new Workers<>("ferry-restore", threads,
                    () -> new WorkerState(ChunkBuffers.allocate(chunkSize), zeros),
                    (task, state) -> written.addAndGet(restoreChunk(task, state, reader, sparse, progress)),
                    progress, () -> BackupRun.abort(io, "the restore stopped (cancelled, or another write failed)"));
            long zeroStart = -1;
            long zeroBytes = 0;
            try {
                long count = info.chunkCount();
                for (long index = 0; index < count; index++) {
                    long offset = index * chunkSize;
                    int length = (int) Math.min(chunkSize, info.size() - offset);
                    Optional<ChunkId> id = reader.chunk(index);
                    if (id.isEmpty()) {
                        zeroBytes += length;
                        if (zeroStart < 0) {
                            zeroStart = offset;
                        }
                        progress.add(length, 0, 0);
                        continue;
                    }
                    if (zeroStart >= 0) {
                        zeroRange(zeroStart, offset, sparse);
                        zeroStart = -1;
                    }
                    workers.submit(new Task(index, offset, length, id.get()));
                }
                if (zeroStart >= 0) {
                    zeroRange(zeroStart, info.size(), sparse);
                }
                workers.finish();
                target.flush();
            } catch (IOException e) {
                workers.stop();
                if (progress.cancelRequested() || Thread.currentThread().isInterrupted()) {
                    throw new RepositoryException(RepositoryException.Reason.CANCELLED, "Restore of " + info.id()
                            + " to " + target.description() + " cancelled; the target is incomplete.", e);
                }
                throw targetFailure(e);
            } catch (RuntimeException e) {
                workers.stop();
                if (e instanceof RepositoryException re && re.reason() == RepositoryException.Reason.CANCELLED) {
                    throw new RepositoryException(RepositoryException.Reason.CANCELLED, "Restore of " + info.id()
                            + " to " + target.description() + " cancelled; the target is incomplete.", e);
                }
                throw e;
            }
            progress.report();
            return new RestoreResult(info.id(), target.description(), info.size(), written.get(), zeroBytes,
                    progress.elapsed());
        } finally {
            if (io != null) {
                io.cancelWhen(() -> false);
            }
        }
    }

    private void zeroRange(long from, long to, boolean sparse) throws IOException {
        if (!sparse) {
            target.zero(from, to - from);
        }
    }

    private long restoreChunk(Task task, WorkerState state, BackupReader reader, boolean sparse,
            ProgressTracker progress) {
        ByteBuffer buf = state.buffer();
        buf.clear();
        reader.read(task.id(), buf);
        buf.flip();
        if (buf.remaining() != task.length()) {
            throw new RepositoryException(RepositoryException.Reason.CORRUPT, "chunk " + task.id().hex()
                    + " of backup " + backupId + " holds " + buf.remaining() + " bytes, expected " + task.length());
        }
        long written = 0;
        try {
            if (!sparse) {
                target.write(buf, task.offset());
                written = task.length();
            } else {
                written = writeNonZeroRuns(buf, task.offset(), state.zeros());
            }
        } catch (IOException e) {
            throw targetFailure(e);
        }
        progress.add(task.length(), written, 0);
        return written;
    }

    /** Writes the runs of {@code buf} that are not all-zero blocks; returns the bytes written. */
    private long writeNonZeroRuns(ByteBuffer buf, long offset, ByteBuffer zeros) throws IOException {
        return ChunkBuffers.nonZeroRuns(buf, zeros, SPARSE_BLOCK,
                (from, to) -> target.write(buf.duplicate().limit(to).position(from), offset + from));
    }

    private FerryException targetFailure(IOException e) {
        return new FerryException("Restore of " + backupId + " to " + target.description() + " failed: "
                + e.getMessage(), e);
    }
}
