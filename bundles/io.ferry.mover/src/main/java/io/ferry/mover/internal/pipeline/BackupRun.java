package io.ferry.mover.internal.pipeline;

import io.ferry.api.FerryException;
import io.ferry.api.ValidationException;
import io.ferry.api.mover.DiskSource;
import io.ferry.api.repository.BackupInfo;
import io.ferry.api.repository.BackupRequest;
import io.ferry.api.repository.BackupWriter;
import io.ferry.api.repository.ChunkId;
import io.ferry.api.repository.ProgressListener;
import io.ferry.api.repository.Repository;
import io.ferry.api.repository.RepositoryException;
import io.ferry.api.repository.StoredChunk;
import io.ferry.mover.internal.source.CancellableIo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.Semaphore;

/**
 * One backup of one disk: plans chunk by chunk ({@link ChunkPlan}), reads what must be
 * read with {@code threads} workers (each with one aligned chunk buffer), skips chunks
 * that turn out to be all zeros, stores the rest and commits the manifest last.
 *
 * <p>A source of this bundle that waits on a server ({@link CancellableIo}, NBD) checks the
 * listener's cancel between poll slices, and is aborted when the run fails: a cancelled or
 * failed backup ends within a fraction of a second even while reads wait on a hung server,
 * and closing the writer releases the repository at once.
 */
public final class BackupRun {

    private final DiskSource source;
    private final Repository repository;
    private final BackupRequest request;
    private final ProgressListener listener;
    private final int threads;

    public BackupRun(DiskSource source, Repository repository, BackupRequest request, ProgressListener listener,
            int threads) {
        this.source = source;
        this.repository = repository;
        this.request = request;
        this.listener = listener == null ? ProgressListener.NONE : listener;
        this.threads = Math.max(1, threads);
        this.reads = new Semaphore(Math.max(1, source.maxParallelReads()), true);
    }

    /** Per-worker state: one chunk buffer and a view of the shared zero buffer. */
    private record WorkerState(ByteBuffer buffer, ByteBuffer zeros) {
    }

    /** At most {@link DiskSource#maxParallelReads()} reads at once, whatever the number of workers. */
    private final Semaphore reads;

    public BackupInfo run() {
        if (request.size() != source.size()) {
            throw new ValidationException("size", "the request says " + request.size() + " bytes but "
                    + source.description() + " has " + source.size());
        }
        CancellableIo io = source instanceof CancellableIo c ? c : null;
        ProgressTracker progress = new ProgressTracker("backup", source.size(), listener);
        if (io != null) {
            io.cancelWhen(progress::cancelRequested);
        }
        try (BackupWriter writer = repository.startBackup(request)) {
            int chunkSize = writer.chunkSize();
            Optional<BackupInfo> parent = writer.parent();
            Optional<String> bitmap = source.changedBlockTracking();
            boolean useChangedBlocks = bitmap.isPresent() && parent.isPresent()
                    && parent.get().size() == source.size() && parent.get().chunkSize() == chunkSize;
            String tracking = useChangedBlocks ? "dirty-bitmap:" + bitmap.get()
                    : parent.isPresent() ? "dedupe" : "full";
            ChunkPlan plan = new ChunkPlan(source, chunkSize, useChangedBlocks);
            ByteBuffer zeros = ChunkBuffers.zeros(chunkSize);
            Workers<ChunkPlan.Step, WorkerState> workers = new Workers<>("ferry-backup", threads,
                    () -> new WorkerState(ChunkBuffers.allocate(chunkSize), zeros),
                    (step, state) -> backupChunk(step, state, writer, progress), progress,
                    () -> abort(io, "the backup stopped (cancelled, or another read failed)"));
            try {
                while (plan.hasNext()) {
                    ChunkPlan.Step step = plan.next();
                    switch (step.action()) {
                        case ZERO -> {
                            writer.put(step.index(), Optional.empty());
                            progress.add(step.length(), 0, 0);
                        }
                        case CARRY_OVER -> {
                            writer.put(step.index(), writer.parentChunk(step.index()));
                            progress.add(step.length(), 0, 0);
                        }
                        case READ -> workers.submit(step);
                    }
                    workers.checkHealthy();
                }
                workers.finish();
            } catch (ChunkPlan.SourceException e) {
                workers.stop();
                if (progress.cancelRequested() || Thread.currentThread().isInterrupted()) {
                    throw describe(Workers.cancelled());
                }
                throw sourceFailure(e.getCause(), "reading the extent map");
            } catch (RuntimeException e) {
                workers.stop();
                throw describe(e);
            }
            BackupInfo info = writer.commit(progress.read(), tracking);
            progress.report();
            return info;
        } finally {
            if (io != null) {
                io.cancelWhen(() -> false);
            }
        }
    }

    /** Ends the waits of the source's readers: the run is over, nobody uses what they would read. */
    static void abort(CancellableIo io, String reason) {
        if (io != null) {
            io.abort(reason);
        }
    }

    private void backupChunk(ChunkPlan.Step step, WorkerState state, BackupWriter writer, ProgressTracker progress)
            throws IOException {
        ByteBuffer buf = state.buffer();
        buf.clear().limit(step.length());
        if (!step.fullyData()) {
            ChunkBuffers.fill(buf, 0, step.length(), state.zeros());
        }
        try {
            reads.acquire();
            try {
                for (ChunkPlan.Range r : step.data()) {
                    source.read(buf.duplicate().position(r.from()).limit(r.to()), step.offset() + r.from());
                }
            } finally {
                reads.release();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Workers.cancelled();
        } catch (IOException e) {
            throw sourceFailure(e, "reading " + step.length() + " bytes at offset " + step.offset());
        }
        long read = step.dataBytes();
        buf.position(0).limit(step.length());
        if (ChunkBuffers.isZero(buf, state.zeros())) {
            writer.put(step.index(), Optional.empty());
            progress.add(step.length(), read, 0);
            return;
        }
        StoredChunk stored = writer.store(buf);
        writer.put(step.index(), Optional.<ChunkId>of(stored.id()));
        progress.add(step.length(), read, stored.storedBytes());
    }

    private FerryException sourceFailure(IOException e, String what) {
        return new FerryException("Backup of " + source.description() + " failed " + what + ": " + e.getMessage()
                + ". Nothing of this backup is visible; the repository is unchanged apart from chunks the next"
                + " prune removes.", e);
    }

    private RuntimeException describe(RuntimeException e) {
        if (e instanceof RepositoryException re && re.reason() == RepositoryException.Reason.CANCELLED) {
            return new RepositoryException(RepositoryException.Reason.CANCELLED, "Backup of "
                    + source.description() + " cancelled; nothing of it is visible in the repository.", e);
        }
        return e;
    }
}
