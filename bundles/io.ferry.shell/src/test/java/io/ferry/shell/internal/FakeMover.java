package io.ferry.shell.internal;

import io.ferry.api.mover.DataMover;
import io.ferry.api.mover.DiskSource;
import io.ferry.api.mover.DiskSources;
import io.ferry.api.mover.DiskTarget;
import io.ferry.api.mover.Extent;
import io.ferry.api.mover.ExtentType;
import io.ferry.api.mover.RestoreResult;
import io.ferry.api.mover.SourceOptions;
import io.ferry.api.repository.BackupInfo;
import io.ferry.api.repository.BackupRequest;
import io.ferry.api.repository.BackupStats;
import io.ferry.api.repository.Progress;
import io.ferry.api.repository.ProgressListener;
import io.ferry.api.repository.Repository;
import io.ferry.api.repository.RepositoryException;
import io.ferry.api.repository.RepositoryException.Reason;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;

/**
 * Stand-in for the mover bundle: {@link DataMover} and {@link DiskSources}. A backup
 * "reads" the source in four progress steps and commits a backup to the
 * {@link FakeRepositories.Repo}; with {@link #waitForCancel} it instead polls the listener
 * from a worker thread, as the real pipeline does, until cancellation is requested.
 */
final class FakeMover implements DataMover {
    static final long SIZE = 64L << 20;

    final Sources sources = new Sources();
    final List<BackupRequest> requests = new ArrayList<>();
    final List<String> restores = new ArrayList<>();
    final List<Progress> progressSent = new ArrayList<>();
    /** Counted down when a cancellable backup is running. */
    final CountDownLatch running = new CountDownLatch(1);
    boolean waitForCancel;
    private int ids;

    @Override
    public BackupInfo backup(DiskSource source, Repository repository, BackupRequest request, ProgressListener listener) {
        requests.add(request);
        if (waitForCancel) {
            return cancellable(listener);
        }
        for (int i = 0; i <= 4; i++) {
            send(listener, new Progress("backup", request.size() * i / 4, request.size(), (16L << 20) * i / 4,
                    (4L << 20) * i / 4, Duration.ofMillis(2000L * i)));
        }
        FakeRepositories.Repo repo = (FakeRepositories.Repo) repository;
        Optional<BackupInfo> parent = request.full() ? Optional.empty()
                : request.parentId().isPresent() ? Optional.of(repo.backup(request.parent()))
                : repo.latest(request.disk());
        String tracking = parent.isEmpty() ? "full"
                : source.changedBlockTracking().map(b -> "dirty-bitmap:" + b).orElse("dedupe");
        Instant started = FakeRepositories.T0.plus(Duration.ofDays(1));
        BackupStats stats = new BackupStats(16L << 20, 24L << 20, request.size() - (24L << 20), 2, 4, 8L << 20,
                4L << 20, tracking);
        BackupInfo info = new BackupInfo("01JBK" + ++ids + "X7Q2M", request.disk(), request.source(), request.size(),
                4 << 20, started, started.plusSeconds(8), parent.map(BackupInfo::id).orElse(null), stats,
                request.labels());
        repo.commit(info);
        return info;
    }

    /** Polls for cancellation on another thread; {@code join()} ignores the caller's interruption, as the real wait does. */
    private BackupInfo cancellable(ProgressListener listener) {
        CompletableFuture<BackupInfo> work = CompletableFuture.supplyAsync(() -> {
            running.countDown();
            while (!listener.cancelRequested()) {
                LockSupport.parkNanos(1_000_000);
            }
            throw new RepositoryException(Reason.CANCELLED, "Backup cancelled: nothing was stored as a backup");
        });
        try {
            return work.join();
        } catch (CompletionException e) {
            throw (RuntimeException) e.getCause();
        }
    }

    @Override
    public RestoreResult restore(Repository repository, String backupId, DiskTarget target, ProgressListener listener) {
        restores.add(backupId + " -> " + target.description());
        BackupInfo info = repository.backup(backupId);
        send(listener, new Progress("restore", 0, info.size(), 0, 0, Duration.ZERO));
        send(listener, new Progress("restore", info.size(), info.size(), 0, 0, Duration.ofSeconds(4)));
        return new RestoreResult(info.id(), target.description(), info.size(), info.stats().dataBytes(),
                info.size() - info.stats().dataBytes(), Duration.ofMillis(4000));
    }

    private void send(ProgressListener listener, Progress progress) {
        progressSent.add(progress);
        listener.progress(progress);
    }

    /** Opens sources and targets by location, recording how. */
    static final class Sources implements DiskSources {
        final List<String> opened = new ArrayList<>();
        final List<SourceOptions> options = new ArrayList<>();
        final List<String> created = new ArrayList<>();
        int closed;

        @Override
        public DiskSource open(String location, SourceOptions sourceOptions) {
            opened.add(location);
            options.add(sourceOptions);
            return new Source(location, sourceOptions);
        }

        @Override
        public DiskTarget create(String location, long size, boolean overwrite, SourceOptions targetOptions) {
            created.add(location + " " + size + (overwrite ? " overwrite" : ""));
            options.add(targetOptions);
            return new Target(location, size);
        }

        final class Source implements DiskSource {
            private final String location;
            private final SourceOptions sourceOptions;

            Source(String location, SourceOptions sourceOptions) {
                this.location = location;
                this.sourceOptions = sourceOptions;
            }

            @Override
            public String description() {
                return location;
            }

            @Override
            public long size() {
                return SIZE;
            }

            @Override
            public List<Extent> extents(long offset, long length) {
                return List.of(new Extent(offset, length, ExtentType.DATA));
            }

            @Override
            public Optional<String> changedBlockTracking() {
                return sourceOptions.bitmap();
            }

            @Override
            public List<Extent> changed(long offset, long length) {
                return List.of();
            }

            @Override
            public void read(ByteBuffer dst, long offset) {
                throw new UnsupportedOperationException();
            }

            @Override
            public int maxParallelReads() {
                return 1;
            }

            @Override
            public void close() {
                closed++;
            }
        }

        final class Target implements DiskTarget {
            private final String location;
            private final long size;

            Target(String location, long size) {
                this.location = location;
                this.size = size;
            }

            @Override
            public String description() {
                return location;
            }

            @Override
            public long size() {
                return size;
            }

            @Override
            public boolean unwrittenReadsAsZero() {
                return true;
            }

            @Override
            public void write(ByteBuffer src, long offset) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void zero(long offset, long length) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
                closed++;
            }
        }
    }
}
