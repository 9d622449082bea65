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

/**
 * One backup being written: stores chunks (from any thread), fills the chunk table and
 * writes the manifest on commit. Holds the shared repository lock until closed or
 * committed. After a failed store or commit only {@link #close()} is allowed.
 */
final class FileBackupWriter implements BackupWriter {

    private enum State { OPEN, FAILED, COMMITTED, CLOSED }

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
        if (parentTable == null || index < 0 || index >= parentTable.count() || index >= table.count()) {
            return Optional.empty();
        }
        // a chunk whose length differs (the disk grew or shrank) is not the same chunk
        if (Manifest.chunkLength(parent.get(), index) != chunkLength(index)) {
            return Optional.empty();
        }
        return parentTable.get(index);
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
                ChunkStore.awaitDurable(durable);
                for (Path dir : touchedDirs) {
                    DurableFiles.syncDirectory(dir);
                }
                if (!touchedDirs.isEmpty()) {
                    DurableFiles.syncDirectory(repository.chunks().dir());
                }
                checkNotMovedAside();
                BackupInfo info = new BackupInfo(id, request.disk(), request.source(), request.size(), chunkSize,
                        started, repository.lock().now(), parent.map(BackupInfo::id).orElse(null),
                        stats(readBytes, changeTracking), request.labels());
                repository.manifests().write(new Manifest(info, table));
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
     * A verify that ran while this backup was written may have moved aside a chunk this
     * backup took as stored (or carried over from its parent). Committing would make a backup
     * that is broken from the start: refuse, so that the next run writes the chunk again.
     */
    private void checkNotMovedAside() throws IOException {
        Set<ChunkId> recorded = new java.util.HashSet<>(repository.damaged().suspects());
        recorded.removeAll(suspects);
        recorded.removeAll(added);
        if (recorded.isEmpty()) {
            return;
        }
        ChunkIdSet watch = new ChunkIdSet();
        recorded.forEach(c -> watch.add(c.toBytes(), 0));
        for (long i = 0; i < table.count(); i++) {
            if (table.isData(i) && watch.contains(table.page(i), ChunkTable.offsetInPage(i))) {
                ChunkId chunk = table.get(i).orElseThrow();
                if (!java.nio.file.Files.exists(repository.chunks().path(chunk))) {
                    throw new RepositoryException(Reason.CORRUPT, "cannot commit backup " + id + " in repository "
                            + repository.root() + ": a verify found chunk " + chunk.hex() + " (index " + i + ") damaged"
                            + " and moved it aside while this backup ran; run the backup again (it writes the chunk"
                            + " again, which also heals the older backups that use it)");
                }
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
            }
            release();
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
