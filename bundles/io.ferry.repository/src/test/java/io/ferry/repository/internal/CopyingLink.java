package io.ferry.repository.internal;

import io.ferry.api.repository.ChunkId;
import io.ferry.api.repository.RepositoryException;
import io.ferry.api.repository.RepositoryException.Reason;
import io.ferry.repository.remote.RepositoryImages;
import io.ferry.repository.remote.RepositoryStore;
import io.ferry.repository.remote.StoreLink;
import io.ferry.repository.remote.StoreSession;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A {@link StoreLink} in one JVM that behaves like a network: it calls a {@link RepositoryStore}
 * directly, but copies every buffer in both directions, answers on its own threads, counts the
 * calls, and can be told to break (every call fails, as when the connection is lost).
 */
final class CopyingLink implements StoreLink {

    private final RepositoryStore store;
    private final ExecutorService wire = Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "test-link");
        t.setDaemon(true);
        return t;
    });
    final AtomicInteger missingCalls = new AtomicInteger();
    final AtomicInteger missingIds = new AtomicInteger();
    final AtomicInteger putCalls = new AtomicInteger();
    final AtomicLong putBytes = new AtomicLong();
    final AtomicInteger commitCalls = new AtomicInteger();
    /**
     * Whether chunk images arrive as a repository agent receives them: in an aligned direct
     * buffer with room for the O_DIRECT padding, which holds garbage after the image.
     */
    volatile boolean directImages;
    /** Puts that succeed before the link breaks; negative: never breaks. */
    volatile int breakAfterPuts = -1;
    private volatile boolean broken;

    CopyingLink(RepositoryStore store) {
        this.store = store;
    }

    void heal() {
        broken = false;
        breakAfterPuts = -1;
    }

    @Override
    public CompletableFuture<RepositoryImages> images() {
        return send(store::images);
    }

    @Override
    public CompletableFuture<List<String>> backupIds() {
        return send(store::backupIds);
    }

    @Override
    public CompletableFuture<ByteBuffer> manifest(String backupId, boolean headerOnly) {
        return send(() -> store.manifest(backupId, headerOnly)).thenApply(CopyingLink::copy);
    }

    @Override
    public CompletableFuture<StoreSession> begin(StoreSession.Kind kind, String detail) {
        return send(() -> store.begin(kind, detail));
    }

    @Override
    public CompletableFuture<List<ChunkId>> missing(String session, List<ChunkId> ids) {
        missingCalls.incrementAndGet();
        missingIds.addAndGet(ids.size());
        List<ChunkId> sent = List.copyOf(ids);
        return send(() -> store.missing(session, sent)).thenApply(List::copyOf);
    }

    @Override
    public CompletableFuture<Void> putChunk(String session, ChunkId id, ByteBuffer sealedImage) {
        int n = putCalls.incrementAndGet();
        if (breakAfterPuts >= 0 && n > breakAfterPuts) {
            broken = true;
        }
        ByteBuffer sent = directImages ? alignedCopy(sealedImage) : copy(sealedImage);
        putBytes.addAndGet(sent.remaining());
        return send(() -> store.putChunk(session, id, sent));
    }

    @Override
    public CompletableFuture<ByteBuffer> chunk(String session, ChunkId id) {
        return send(() -> store.chunk(session, id)).thenApply(CopyingLink::copy);
    }

    @Override
    public CompletableFuture<Void> commit(String session, String backupId, ByteBuffer sealedManifest,
            List<ChunkId> referenced, Optional<Instant> lockUntil) {
        commitCalls.incrementAndGet();
        ByteBuffer sent = copy(sealedManifest);
        List<ChunkId> ids = List.copyOf(referenced);
        return send(() -> store.commit(session, backupId, sent, ids, lockUntil));
    }

    @Override
    public CompletableFuture<Void> end(String session) {
        return send(() -> store.end(session));
    }

    @Override
    public CompletableFuture<Void> deleteBackup(String backupId) {
        return send(() -> store.deleteBackup(backupId));
    }

    @Override
    public CompletableFuture<io.ferry.repository.remote.StorePruneResult> prune(List<String> backupIds, boolean dryRun) {
        List<String> sent = List.copyOf(backupIds);
        return send(() -> store.prune(sent, dryRun));
    }

    @Override
    public void close() {
        wire.shutdown();
    }

    private <T> CompletableFuture<T> send(Supplier<CompletableFuture<T>> call) {
        if (broken) {
            return CompletableFuture.failedFuture(new RepositoryException(Reason.IO, "connection to the store lost"));
        }
        return CompletableFuture.supplyAsync(call, wire).thenCompose(f -> f)
                .thenApplyAsync(r -> r, wire);
    }

    private static ByteBuffer alignedCopy(ByteBuffer b) {
        int padded = (b.remaining() + 4095) & -4096;
        ByteBuffer c = ByteBuffer.allocateDirect(padded + 4096).alignedSlice(4096);
        while (c.hasRemaining()) {
            c.put((byte) 0xA5);
        }
        c.clear().put(b.duplicate()).flip();
        return c;
    }

    private static ByteBuffer copy(ByteBuffer b) {
        ByteBuffer c = ByteBuffer.allocate(b.remaining());
        c.put(b.duplicate()).flip();
        return c;
    }
}
