package io.ferry.repository.internal;

import io.ferry.api.ValidationException;
import io.ferry.api.repository.BackupInfo;
import io.ferry.api.repository.BackupRequest;
import io.ferry.api.repository.BackupStats;
import io.ferry.api.repository.BackupWriter;
import io.ferry.api.repository.ChunkId;
import io.ferry.api.repository.RepositoryException;
import io.ferry.api.repository.RepositoryException.Reason;
import io.ferry.api.repository.StoredChunk;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One backup being written: stores chunks (from any thread), fills the chunk table and
 * writes the manifest on commit. Holds the shared repository lock until closed or
 * committed. After a failed store or commit only {@link #close()} is allowed.
 */
final class FileBackupWriter implements BackupWriter {

    private static final Logger LOG = LoggerFactory.getLogger(FileBackupWriter.class);

    private enum State { OPEN, FAILED, COMMITTED, CLOSED }

    private static final java.time.Duration CLOSE_WAIT = java.time.Duration.ofSeconds(30);

    private final FileRepository repository;
    private final RepositoryLock.Lease lease;
    private final String id;
    private final BackupRequest request;
    private final Instant started;
    private final Optional<BackupInfo> parent;
    private final ChunkTable parentTable;
    /** Chunks recorded as damaged when this backup started: never taken as stored unchecked. */
    private final Set<ChunkId> suspects;
    private final int chunkSize;
    private final ChunkTable table;
    private final Set<Path> touchedDirs = ConcurrentHashMap.newKeySet();
    /** One future per chunk this backup needs written; commit waits for all (fsync + rename done). */
    private final java.util.Queue<java.util.concurrent.CompletableFuture<Void>> durable =
            new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final Set<ChunkId> added = ConcurrentHashMap.newKeySet();
    private final AtomicLong newBytes = new AtomicLong();
    private final AtomicLong storedBytes = new AtomicLong();
    private volatile State state = State.OPEN;
    private volatile RepositoryException failure;

    FileBackupWriter(FileRepository repository, RepositoryLock.Lease lease, String id, BackupRequest request,
            Instant started, Optional<BackupInfo> parent, ChunkTable parentTable, Set<ChunkId> suspects) {
        this.repository = repository;
        this.lease = lease;
        this.id = id;
        this.request = request;
        this.started = started;
        this.parent = parent;
        this.parentTable = parentTable;
        this.suspects = Set.copyOf(suspects);
        this.chunkSize = repository.config().chunkSize();
        this.table = new ChunkTable((request.size() + chunkSize - 1) / chunkSize);
    }

    @Override
    public int chunkSize() {
        return chunkSize;
    }

    @Override
    public long size() {
        return request.size();
    }

    @Override
    public Optional<BackupInfo> parent() {
        return parent;
    }

    @Override
    public Optional<ChunkId> parentChunk(long index) {
        return parent.isEmpty() ? Optional.empty()
                : Manifest.parentChunk(parent.get(), parentTable, index, request.size(), chunkSize);
    }

    private int chunkLength(long index) {
        return (int) Math.min(chunkSize, request.size() - index * chunkSize);
    }

    @Override
    public StoredChunk store(ByteBuffer data) {
        ensureWritable();
        Objects.requireNonNull(data, "data");
        int length = data.remaining();
        if (length <= 0 || length > chunkSize) {
            throw new ValidationException("data", "a chunk has 1 to " + chunkSize + " bytes, not " + length);
        }
        try {
            StoredChunk chunk = repository.chunks().store(data, touchedDirs, durable, suspects);
            if (chunk.added()) {
                added.add(chunk.id());
                newBytes.addAndGet(length);
                storedBytes.addAndGet(chunk.storedBytes());
            }
            return chunk;
        } catch (IOException e) {
            throw fail(new RepositoryException(Reason.IO, "cannot store a chunk of backup " + id + " in repository "
                    + repository.root() + ": " + e.getMessage()
                    + " (free space or fix the file system; nothing of this backup is visible: close it and run it again)", e));
        }
    }

    @Override
    public void put(long index, Optional<ChunkId> chunk) {
        ensureWritable();
        Objects.requireNonNull(chunk, "chunk");
        if (index < 0 || index >= table.count()) {
            throw new ValidationException("index", "chunk index " + index + " is outside 0.." + (table.count() - 1)
                    + " of backup " + id);
        }
        synchronized (table) {
            table.set(index, chunk.orElse(null));
        }
    }

    @Override
    public BackupInfo commit(long readBytes, String changeTracking) {
        Objects.requireNonNull(changeTracking, "changeTracking");
        synchronized (table) {
            ensureWritable();
            try {
                long t0 = System.nanoTime();
                ChunkStore.awaitDurable(durable);
                long t1 = System.nanoTime();
                repository.chunks().syncDirectories(touchedDirs);
                if (!touchedDirs.isEmpty()) {
                    DurableFiles.syncDirectory(repository.chunks().dir());
                }
                long t2 = System.nanoTime();
                checkNotMovedAside();
                BackupInfo info = new BackupInfo(id, request.disk(), request.source(), request.size(), chunkSize,
                        started, repository.lock().now(), parent.map(BackupInfo::id).orElse(null),
                        stats(readBytes, changeTracking), request.labels());
                repository.manifests().write(new Manifest(info, table));
                if (LOG.isDebugEnabled()) {
                    LOG.debug("commit of {}: {} ms waiting for {} chunk files to be durable, {} ms syncing {} directories,"
                            + " {} ms check and manifest; writers waited {} ms in all for the sync threads",
                            id, (t1 - t0) / 1_000_000, durable.size(), (t2 - t1) / 1_000_000, touchedDirs.size(),
                            (System.nanoTime() - t2) / 1_000_000, repository.chunks().syncBackPressureNanos() / 1_000_000);
                }
                state = State.COMMITTED;
                release();
                return info;
            } catch (RepositoryException e) {
                throw fail(e);
            } catch (IOException e) {
                throw fail(new RepositoryException(Reason.IO, "cannot commit backup " + id + " in repository "
                        + repository.root() + ": " + e.getMessage()
                        + " (free space or fix the file system; the backup is not visible: close it and run it again)", e));
            }
        }
    }

    /**
     * Never commits a backup that is broken from the start. A chunk recorded as damaged (when
     * this backup started, or by a verify that ran meanwhile) that this backup did not write or
     * check itself must be there and intact: it may have been taken as stored from the dedupe
     * cache, or carried over from the parent unread (dirty bitmap). Otherwise the commit is
     * refused; reading the data again writes the chunk again and heals the older backups.
     */
    private void checkNotMovedAside() throws IOException {
        Set<ChunkId> watched = new java.util.HashSet<>(repository.damaged().suspects());
        watched.addAll(suspects);
        watched.removeAll(added);
        watched.removeIf(repository.chunks()::isConfirmed);
        if (watched.isEmpty()) {
            return;
        }
        ChunkIdSet watch = new ChunkIdSet();
        watched.forEach(c -> watch.add(c.toBytes(), 0));
        Set<ChunkId> checked = new java.util.HashSet<>();
        for (long i = 0; i < table.count(); i++) {
            if (!table.isData(i) || !watch.contains(table.page(i), ChunkTable.offsetInPage(i))) {
                continue;
            }
            ChunkId chunk = table.get(i).orElseThrow();
            if (checked.add(chunk) && !repository.chunks().intact(chunk)) {
                boolean carried = parentTable != null && parentChunk(i).filter(chunk::equals).isPresent();
                throw new RepositoryException(Reason.CORRUPT, "cannot commit backup " + id + " in repository "
                        + repository.root() + ": chunk " + chunk.hex() + " (index " + i + ") is recorded as damaged"
                        + " by ferry:verify and is not stored intact, and this backup " + (carried
                                ? "carried it over from its parent " + parent.map(BackupInfo::id).orElse("")
                                        + " without reading it (changed-block tracking)"
                                : "took it as stored before a verify moved it aside")
                        + "; run the backup again reading the whole disk: that writes the chunk again, which also"
                        + " heals the older backups that use it");
            }
        }
    }

    private BackupStats stats(long readBytes, String changeTracking) {
        long dataBytes = 0;
        long reused = 0;
        for (long i = 0; i < table.count(); i++) {
            if (table.isData(i)) {
                dataBytes += chunkLength(i);
                if (!added.contains(table.get(i).orElseThrow())) {
                    reused++;
                }
            }
        }
        return new BackupStats(readBytes, dataBytes, request.size() - dataBytes, added.size(), reused,
                newBytes.get(), storedBytes.get(), changeTracking);
    }

    @Override
    public void close() {
        synchronized (table) {
            if (state == State.OPEN || state == State.FAILED) {
                state = State.CLOSED;
                awaitPendingWrites();
            }
            release();
        }
    }

    /**
     * Lets the chunk files this backup handed to the sync threads land (bounded wait, failures
     * ignored) before the lock is released, so that none appears after a prune that starts
     * right after this close, and the abandoned chunks are in place for the next backup.
     */
    private void awaitPendingWrites() {
        long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
        for (java.util.concurrent.CompletableFuture<Void> f : durable) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            try {
                f.get(left, java.util.concurrent.TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                // abandoned anyway: a chunk that did not land is simply not there
            }
        }
    }

    private void release() {
        lease.close();
        repository.lock().releaseBackupId(id);
    }

    private RepositoryException fail(RepositoryException e) {
        failure = e;
        state = State.FAILED;
        return e;
    }

    private void ensureWritable() {
        switch (state) {
            case OPEN -> { }
            case FAILED -> throw new RepositoryException(Reason.IO, "backup " + id + " cannot go on after an earlier"
                    + " error (" + failure.getMessage() + "); close it and start a new backup", failure);
            case COMMITTED -> throw new IllegalStateException("backup " + id + " was already committed");
            case CLOSED -> throw new IllegalStateException("backup " + id + " was closed");
        }
    }

    @Override
    public String toString() {
        return "backup " + id + " of disk '" + request.disk() + "'";
    }
}
