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
import io.ferry.repository.remote.RemoteOptions;
import io.ferry.repository.remote.StoreLink;
import io.ferry.repository.remote.StoreSession;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One backup written through a {@link StoreLink}. {@link #store} addresses a chunk and, unless
 * the store is known to have it, seals it (the same {@link ChunkCodec} as a local backup) and
 * queues it; full batches of ids go to {@link StoreLink#missing} (several batches in flight),
 * and only the missing sealed images are uploaded (a bounded number in flight, a bounded number
 * of bytes held). The parent's chunk ids are asked about in batches when the writer starts, so
 * that unchanged data is neither sealed nor sent. {@link #commit} waits for every upload's
 * acknowledgement, seals the manifest and sends it with the ids it references: the store writes
 * it last.
 *
 * <p>What {@link #store} returns is provisional for chunks it queued: {@code added} and
 * {@code storedBytes} say what would be written if the store lacks the chunk; the stats in the
 * committed manifest count what was really uploaded. A lock date for the store (immutability)
 * is asked for with the request label {@value #LOCK_UNTIL_LABEL} (an ISO-8601 instant).
 */
final class RemoteBackupWriter implements BackupWriter {

    /** Request label that asks the store to lock the backup until the given instant. */
    static final String LOCK_UNTIL_LABEL = "ferry.lock-until";

    private enum State { OPEN, FAILED, COMMITTED, CLOSED }

    /**
     * Buffers for sealed chunks waiting for their upload, reused across backups: a new 4 MiB
     * array per chunk is a humongous allocation in G1, which filled the old generation and
     * cost a proxy's agent up to 2-3 s of concurrent-marking and GC CPU per 4 GiB disk. Idle
     * arrays are held softly (at most 16), so the collector can still take them.
     */
    static final class Images {
        private static final java.util.Deque<java.lang.ref.SoftReference<byte[]>> IDLE =
                new java.util.concurrent.ConcurrentLinkedDeque<>();
        private static final java.util.concurrent.atomic.AtomicInteger COUNT =
                new java.util.concurrent.atomic.AtomicInteger();
        private static final int MAX_IDLE = 16;

        private Images() {
        }

        /** A heap buffer of {@code length} bytes (limit) on an array of {@code capacity} bytes. */
        static ByteBuffer borrow(int capacity, int length) {
            java.lang.ref.SoftReference<byte[]> ref;
            while ((ref = IDLE.pollFirst()) != null) {
                COUNT.decrementAndGet();
                byte[] a = ref.get();
                if (a != null && a.length == capacity) {
                    return ByteBuffer.wrap(a, 0, length).slice();
                }
            }
            return ByteBuffer.wrap(new byte[capacity], 0, length).slice();
        }

        /** Gives a buffer of {@link #borrow} back; nothing may read it any more. */
        static void release(ByteBuffer b) {
            if (b.hasArray() && COUNT.incrementAndGet() <= MAX_IDLE) {
                IDLE.addFirst(new java.lang.ref.SoftReference<>(b.array()));
            } else if (b.hasArray()) {
                COUNT.decrementAndGet();
            }
        }
    }

    /** A sealed chunk waiting for the store's answer or its upload. */
    private record Pending(ChunkId id, ByteBuffer image, int length, boolean compressed, int permits) {
    }

    private final RemoteRepository repository;
    private final StoreLink link;
    private final RemoteOptions options;
    private final StoreSession session;
    private final String id;
    private final BackupRequest request;
    private final Optional<BackupInfo> parent;
    private final ChunkTable parentTable;
    private final Optional<Instant> lockUntil;
    private final int chunkSize;
    private final ChunkTable table;
    /**
     * Chunks not to seal again: the store has them (the parent's, as it answered) or this writer
     * queued them already. Compact (about 50 bytes per id: a 2 TiB disk at 4 MiB chunks costs
     * about 25 MiB); guarded by itself.
     */
    private final ChunkIdSet known = new ChunkIdSet();
    /** Chunks whose upload the store acknowledged; guarded by itself. */
    private final ChunkIdSet uploaded = new ChunkIdSet();
    private final AtomicLong uploadedBytes = new AtomicLong();
    private final AtomicLong uploadedSealedBytes = new AtomicLong();
    private final Queue<CompletableFuture<Void>> work = new ConcurrentLinkedQueue<>();
    private final Semaphore batchesInFlight;
    private final Semaphore memory;
    private final int memoryPermits;
    private final Object batchLock = new Object();
    private List<Pending> batch = new ArrayList<>();
    private final Object uploadLock = new Object();
    private final ArrayDeque<Pending> uploadQueue = new ArrayDeque<>();
    private int uploading;
    private final CompletableFuture<Void> prefetch;
    private final AtomicLong missingCalls = new AtomicLong();
    private volatile State state = State.OPEN;
    private volatile RuntimeException failure;

    RemoteBackupWriter(RemoteRepository repository, StoreSession session, BackupRequest request,
            Optional<BackupInfo> parent, ChunkTable parentTable) {
        this.repository = repository;
        this.link = repository.link();
        this.options = repository.options();
        this.session = session;
        this.id = session.backupId();
        this.request = request;
        this.parent = parent;
        this.parentTable = parentTable;
        this.lockUntil = lockUntil(request);
        this.chunkSize = repository.config().chunkSize();
        this.table = new ChunkTable((request.size() + chunkSize - 1) / chunkSize);
        this.batchesInFlight = new Semaphore(options.missingBatch() > 0 ? options.batchesInFlight() : 1);
        this.memoryPermits = (int) Math.max(1, Math.min(Integer.MAX_VALUE, options.maxBytesInFlight() >> 10));
        this.memory = new Semaphore(memoryPermits);
        this.prefetch = prefetchParent();
    }

    private static Optional<Instant> lockUntil(BackupRequest request) {
        String text = request.labels().get(LOCK_UNTIL_LABEL);
        if (text == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(text));
        } catch (DateTimeParseException e) {
            throw new ValidationException("labels." + LOCK_UNTIL_LABEL, "'" + text + "' is not an ISO-8601 instant"
                    + " such as 2027-01-31T00:00:00Z");
        }
    }

    /** Asks the store about the parent's chunks, {@code batchesInFlight} batches at a time, without blocking. */
    private CompletableFuture<Void> prefetchParent() {
        if (parentTable == null) {
            return CompletableFuture.completedFuture(null);
        }
        Set<ChunkId> ids = new LinkedHashSet<>();
        for (long i = 0; i < parentTable.count(); i++) {
            parentTable.get(i).ifPresent(ids::add);
        }
        List<ChunkId> all = List.copyOf(ids);
        List<List<ChunkId>> batches = new ArrayList<>();
        for (int from = 0; from < all.size(); from += options.missingBatch()) {
            batches.add(all.subList(from, Math.min(all.size(), from + options.missingBatch())));
        }
        List<CompletableFuture<Void>> chains = new ArrayList<>();
        for (int lane = 0; lane < Math.min(options.batchesInFlight(), batches.size()); lane++) {
            chains.add(chain(batches, lane));
        }
        return CompletableFuture.allOf(chains.toArray(CompletableFuture[]::new));
    }

    private CompletableFuture<Void> chain(List<List<ChunkId>> batches, int index) {
        if (index >= batches.size()) {
            return CompletableFuture.completedFuture(null);
        }
        List<ChunkId> ids = batches.get(index);
        missingCalls.incrementAndGet();
        // async: a link that answers at once must not nest one stack frame per batch
        return link.missing(session.token(), ids).thenComposeAsync(missing -> {
            Set<ChunkId> absent = Set.copyOf(missing);
            synchronized (known) {
                for (ChunkId c : ids) {
                    if (!absent.contains(c)) {
                        known.add(c.toBytes(), 0);
                    }
                }
            }
            return chain(batches, index + options.batchesInFlight());
        }, repository.callbacks());
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
        int length = data.remaining();
        if (length <= 0 || length > chunkSize) {
            throw new ValidationException("data", "a chunk has 1 to " + chunkSize + " bytes, not " + length);
        }
        awaitPrefetch();
        ChunkCodec codec = repository.codecs().borrow();
        Pending pending;
        try {
            ChunkId chunk = codec.address(data);
            boolean fresh;
            synchronized (known) {
                fresh = known.add(chunk.toBytes(), 0);
            }
            if (!fresh) {
                data.position(data.limit());
                return new StoredChunk(chunk, length, false, 0, false);
            }
            ChunkCodec.Sealed sealed;
            try {
                sealed = codec.seal(chunk, data);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot encrypt chunk " + chunk + ": " + e.getMessage(), e);
            }
            int permits = Math.min(memoryPermits, (sealed.length() + 1023) >> 10);
            acquireMemory(permits);
            ByteBuffer image = Images.borrow(ChunkCodec.OVERHEAD + chunkSize, sealed.length());
            image.put(codec.image().duplicate().position(0).limit(sealed.length())).flip();
            pending = new Pending(chunk, image, length, sealed.compressed(), permits);
        } finally {
            repository.codecs().release(codec);
        }
        data.position(data.limit());
        List<Pending> full = null;
        synchronized (batchLock) {
            batch.add(pending);
            if (batch.size() >= options.missingBatch()) {
                full = batch;
                batch = new ArrayList<>();
            }
        }
        if (full != null) {
            dispatch(full);
        }
        return new StoredChunk(pending.id(), length, true, pending.image().remaining(), pending.compressed());
    }

    private void awaitPrefetch() {
        if (prefetch.isDone() && !prefetch.isCompletedExceptionally()) {
            return;
        }
        try {
            RemoteRepository.await(prefetch, options, "ask which chunks of the parent backup are stored");
        } catch (RuntimeException e) {
            throw fail(e);
        }
    }

    /** Takes memory for one sealed chunk; sends the partial batch first when memory is short (it holds some). */
    private void acquireMemory(int permits) {
        if (memory.tryAcquire(permits)) {
            return;
        }
        flush();
        try {
            if (!memory.tryAcquire(permits, options.callTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                throw fail(new RepositoryException(Reason.IO, "backup " + id + " in " + repository.describe()
                        + ": the store acknowledged no upload within " + options.callTimeout().toSeconds() + " s"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw fail(new RepositoryException(Reason.CANCELLED, "backup " + id + " was interrupted", e));
        }
        checkFailure();
    }

    private void flush() {
        List<Pending> partial;
        synchronized (batchLock) {
            if (batch.isEmpty()) {
                return;
            }
            partial = batch;
            batch = new ArrayList<>();
        }
        dispatch(partial);
    }

    /** Asks the store which of a batch it lacks (bounded number of batches in flight), then uploads those. */
    private void dispatch(List<Pending> chunks) {
        try {
            if (!batchesInFlight.tryAcquire(options.callTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                release(chunks);
                throw fail(new RepositoryException(Reason.IO, "backup " + id + " in " + repository.describe()
                        + ": the store answered no chunk query within " + options.callTimeout().toSeconds() + " s"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            release(chunks);
            throw fail(new RepositoryException(Reason.CANCELLED, "backup " + id + " was interrupted", e));
        }
        List<ChunkId> ids = chunks.stream().map(Pending::id).toList();
        missingCalls.incrementAndGet();
        CompletableFuture<List<ChunkId>> answer = link.missing(session.token(), ids)
                .orTimeout(options.callTimeout().toMillis(), TimeUnit.MILLISECONDS);
        answer.whenComplete((r, e) -> {
            batchesInFlight.release();
            if (e != null) {
                release(chunks); // nothing of the batch is uploaded
            }
        });
        CompletableFuture<Void> done = answer.thenCompose(missing -> {
            Set<ChunkId> absent = Set.copyOf(missing);
            List<CompletableFuture<Void>> uploads = new ArrayList<>();
            for (Pending p : chunks) {
                if (absent.contains(p.id())) {
                    uploads.add(upload(p));
                } else {
                    memory.release(p.permits());
                    Images.release(p.image());
                }
            }
            return CompletableFuture.allOf(uploads.toArray(CompletableFuture[]::new));
        });
        done.whenComplete((r, e) -> {
            if (e != null) {
                failure = failure != null ? failure : RemoteRepository.rethrow(e, "store chunks of backup " + id);
                state = state == State.OPEN ? State.FAILED : state;
            }
        });
        work.add(done);
    }

    private void release(List<Pending> chunks) {
        chunks.forEach(p -> memory.release(p.permits()));
    }

    /** Queues an upload; at most {@code uploadsInFlight} run at once. */
    private CompletableFuture<Void> upload(Pending p) {
        CompletableFuture<Void> acked = new CompletableFuture<>();
        synchronized (uploadLock) {
            uploadQueue.add(p);
            pending.put(p.id(), acked);
        }
        pump();
        return acked;
    }

    private final Map<ChunkId, CompletableFuture<Void>> pending = new ConcurrentHashMap<>();

    /**
     * Starts queued uploads up to the limit. Not recursive: an upload acknowledged at once (on
     * this thread) only marks that another round is due, which the running loop takes.
     */
    private void pump() {
        synchronized (uploadLock) {
            if (pumping) {
                pumpAgain = true;
                return;
            }
            pumping = true;
        }
        while (true) {
            Pending next;
            synchronized (uploadLock) {
                if (uploading >= options.uploadsInFlight() || uploadQueue.isEmpty()) {
                    if (!pumpAgain) {
                        pumping = false;
                        return;
                    }
                    pumpAgain = false;
                    continue;
                }
                next = uploadQueue.poll();
                uploading++;
            }
            startUpload(next);
        }
    }

    private boolean pumping;
    private boolean pumpAgain;

    private void startUpload(Pending next) {
        CompletableFuture<Void> acked = pending.remove(next.id());
        CompletableFuture<Void> put;
        if (state == State.CLOSED || failure != null) {
            put = CompletableFuture.failedFuture(failure != null ? failure
                    : new RepositoryException(Reason.CANCELLED, "backup " + id + " was closed"));
        } else {
            put = link.putChunk(session.token(), next.id(), next.image().duplicate())
                    .orTimeout(options.callTimeout().toMillis(), TimeUnit.MILLISECONDS);
        }
        put.whenComplete((r, e) -> {
            memory.release(next.permits());
            synchronized (uploadLock) {
                uploading--;
            }
            if (e == null) {
                synchronized (uploaded) {
                    uploaded.add(next.id().toBytes(), 0);
                }
                uploadedBytes.addAndGet(next.length());
                uploadedSealedBytes.addAndGet(next.image().remaining());
                // the store has it: the link no longer reads the buffer (after a failure it may, so no reuse then)
                Images.release(next.image());
                acked.complete(null);
            } else {
                acked.completeExceptionally(e);
            }
            pump();
        });
    }

    @Override
    public void put(long index, Optional<ChunkId> chunk) {
        ensureWritable();
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
        synchronized (table) {
            ensureWritable();
            try {
                flush();
                awaitPrefetch();
                for (CompletableFuture<Void> f : work) {
                    RemoteRepository.await(f, options, "store the chunks of backup " + id);
                }
                checkFailure();
                checkCarriedOverChunksAreStored();
                BackupInfo info = new BackupInfo(id, request.disk(), request.source(), request.size(), chunkSize,
                        session.started(), Instant.now(), parent.map(BackupInfo::id).orElse(null),
                        stats(readBytes, changeTracking), request.labels());
                ByteBuffer image = repository.manifests().seal(new Manifest(info, table));
                Set<ChunkId> referenced = new LinkedHashSet<>();
                for (long i = 0; i < table.count(); i++) {
                    table.get(i).ifPresent(referenced::add);
                }
                try {
                    RemoteRepository.await(link.commit(session.token(), id, image, List.copyOf(referenced), lockUntil),
                            options, "commit backup " + id);
                } finally {
                    repository.ended(session); // the store ends the session with the commit, whatever its outcome
                }
                state = State.COMMITTED;
                return info;
            } catch (RuntimeException e) {
                throw fail(e);
            }
        }
    }

    /**
     * Every chunk in the table was stored by this writer or reported stored by the store; one
     * that is neither was carried over from the parent (changed-block tracking) although the
     * store lacks it (a verify moved it aside): refused here with what to do, as a local backup
     * refuses it. The store checks again at commit.
     */
    private void checkCarriedOverChunksAreStored() {
        synchronized (known) {
            for (long i = 0; i < table.count(); i++) {
                if (table.isData(i) && !known.contains(table.page(i), ChunkTable.offsetInPage(i))) {
                    ChunkId chunk = table.get(i).orElseThrow();
                    boolean carried = parentChunk(i).filter(chunk::equals).isPresent();
                    throw new RepositoryException(Reason.CORRUPT, "cannot commit backup " + id + " in "
                            + repository.describe() + ": chunk " + chunk.hex() + " (index " + i + ") is not stored"
                            + (carried ? ", and this backup carried it over from its parent "
                                    + parent.map(BackupInfo::id).orElse("") + " without reading it (changed-block"
                                    + " tracking); run the backup again reading the whole disk: that writes the chunk"
                                    + " again, which also heals the older backups that use it"
                                    : "; it was neither stored by this backup nor found in the repository"));
                }
            }
        }
    }

    private BackupStats stats(long readBytes, String changeTracking) {
        long dataBytes = 0;
        long reused = 0;
        synchronized (uploaded) {
            for (long i = 0; i < table.count(); i++) {
                if (table.isData(i)) {
                    dataBytes += chunkLength(i);
                    if (!uploaded.contains(table.page(i), ChunkTable.offsetInPage(i))) {
                        reused++;
                    }
                }
            }
            return new BackupStats(readBytes, dataBytes, request.size() - dataBytes, uploaded.size(), reused,
                    uploadedBytes.get(), uploadedSealedBytes.get(), changeTracking);
        }
    }

    /** Number of {@link StoreLink#missing} calls this writer made (for tests). */
    long missingCalls() {
        return missingCalls.get();
    }

    @Override
    public void close() {
        synchronized (table) {
            if (state == State.COMMITTED || state == State.CLOSED) {
                return;
            }
            state = State.CLOSED;
        }
        synchronized (batchLock) {
            release(batch);
            batch = new ArrayList<>();
        }
        repository.endQuietly(session);
    }

    private void checkFailure() {
        if (failure != null) {
            throw fail(failure);
        }
    }

    private RuntimeException fail(RuntimeException e) {
        if (failure == null) {
            failure = e;
        }
        if (state == State.OPEN) {
            state = State.FAILED;
        }
        return e;
    }

    private void ensureWritable() {
        switch (state) {
            case OPEN -> checkFailure();
            case FAILED -> throw new RepositoryException(Reason.IO, "backup " + id + " cannot go on after an earlier"
                    + " error (" + failure.getMessage() + "); close it and start a new backup", failure);
            case COMMITTED -> throw new IllegalStateException("backup " + id + " was already committed");
            case CLOSED -> throw new IllegalStateException("backup " + id + " was closed");
        }
    }

    @Override
    public String toString() {
        return "backup " + id + " of disk '" + request.disk() + "' (remote)";
    }
}
