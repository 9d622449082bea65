package io.ferry.agent.internal.store;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.ferry.agent.protocol.v1.BeginRequest;
import io.ferry.agent.protocol.v1.ChunkRequest;
import io.ferry.agent.protocol.v1.CommitRequest;
import io.ferry.agent.protocol.v1.CreateRequest;
import io.ferry.agent.protocol.v1.DeleteBackupRequest;
import io.ferry.agent.protocol.v1.PruneRequest;
import io.ferry.agent.protocol.v1.ManifestRequest;
import io.ferry.agent.protocol.v1.MissingRequest;
import io.ferry.agent.protocol.v1.PutChunkRequest;
import io.ferry.agent.protocol.v1.RepositoryStoreGrpc;
import io.ferry.agent.protocol.v1.SessionRef;
import io.ferry.agent.protocol.v1.StoreRef;
import io.ferry.api.repository.ChunkId;
import io.ferry.api.repository.RepositoryException;
import io.ferry.repository.remote.RepositoryImages;
import io.ferry.repository.remote.StoreLink;
import io.ferry.repository.remote.StorePruneResult;
import io.ferry.repository.remote.StoreSession;
import io.grpc.ManagedChannel;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The key side's {@link StoreLink} to a repository served over gRPC ({@link StoreService}):
 * every call is an asynchronous unary call with its own deadline, so the key side's batches of
 * {@code missing} questions and chunk uploads are in flight together on one HTTP/2 connection
 * (pipelined, never one round trip per chunk). Deleting, pruning and creating are for the
 * manager calling a repository agent; a proxy's agent is refused them.
 */
public final class GrpcStoreLink implements StoreLink {

    /** Largest message either side accepts: a sealed 4 MiB chunk, or a manifest of a large disk. */
    public static final int MAX_MESSAGE_BYTES = 64 << 20;

    /**
     * HTTP/2 flow-control window of store connections, both ends: several 4 MiB chunks in flight
     * without waiting for window updates (gRPC's default is 1 MiB).
     */
    public static final int FLOW_CONTROL_WINDOW = 32 << 20;

    private final ManagedChannel channel;
    private final boolean ownsChannel;
    private final String repository;
    private final Duration deadline;
    private final RepositoryStoreGrpc.RepositoryStoreFutureStub stub;

    /**
     * @param channel     a mutual-TLS channel to the store's endpoint
     * @param ownsChannel whether {@link #close()} shuts the channel down
     * @param repository  the handle the task named
     * @param deadline    the longest any one call may take
     */
    public GrpcStoreLink(ManagedChannel channel, boolean ownsChannel, String repository, Duration deadline) {
        this(channel, ownsChannel, repository, deadline, false);
    }

    /**
     * @param waitForReady whether a call made while the store is unreachable waits (within its
     *                     deadline) for the connection to come back instead of failing at once:
     *                     the manager's long-lived links to repository agents, which outlive
     *                     a restart of the agent
     */
    public GrpcStoreLink(ManagedChannel channel, boolean ownsChannel, String repository, Duration deadline,
            boolean waitForReady) {
        this.channel = Objects.requireNonNull(channel, "channel");
        this.ownsChannel = ownsChannel;
        this.repository = Objects.requireNonNull(repository, "repository");
        this.deadline = Objects.requireNonNull(deadline, "deadline");
        RepositoryStoreGrpc.RepositoryStoreFutureStub s = RepositoryStoreGrpc.newFutureStub(channel)
                .withMaxInboundMessageSize(MAX_MESSAGE_BYTES).withMaxOutboundMessageSize(MAX_MESSAGE_BYTES);
        this.stub = waitForReady ? s.withWaitForReady() : s;
    }

    private RepositoryStoreGrpc.RepositoryStoreFutureStub call() {
        return stub.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static <T, R> CompletableFuture<R> adapt(ListenableFuture<T> call, Function<T, R> convert, String what) {
        CompletableFuture<R> result = new CompletableFuture<>();
        Futures.addCallback(call, new FutureCallback<T>() {
            @Override
            public void onSuccess(T value) {
                try {
                    result.complete(convert.apply(value));
                } catch (RuntimeException e) {
                    result.completeExceptionally(e);
                }
            }

            @Override
            public void onFailure(Throwable t) {
                result.completeExceptionally(StoreErrors.fromStatus(t, what));
            }
        }, MoreExecutors.directExecutor());
        return result;
    }

    private StoreRef ref() {
        return StoreRef.newBuilder().setRepository(repository).build();
    }

    @Override
    public CompletableFuture<RepositoryImages> images() {
        return adapt(call().images(ref()), r -> new RepositoryImages(r.getConfig(), r.getKeyFile()),
                "reading the repository's key file");
    }

    @Override
    public CompletableFuture<List<String>> backupIds() {
        return adapt(call().backupIds(ref()), r -> List.copyOf(r.getIdsList()), "listing the backups");
    }

    @Override
    public CompletableFuture<ByteBuffer> manifest(String backupId, boolean headerOnly) {
        return adapt(call().manifest(ManifestRequest.newBuilder().setRepository(repository).setBackupId(backupId)
                .setHeaderOnly(headerOnly).build()), b -> ByteBuffer.wrap(b.getData().toByteArray()),
                "reading backup " + backupId);
    }

    @Override
    public CompletableFuture<StoreSession> begin(StoreSession.Kind kind, String detail) {
        return adapt(call().begin(BeginRequest.newBuilder().setRepository(repository).setKind(kind.name())
                .setDetail(detail).build()), r -> new StoreSession(r.getToken(), StoreService.kind(r.getKind()),
                        r.getBackupId(), Instant.ofEpochMilli(r.getStartedUnixMillis())),
                "beginning a " + kind.name().toLowerCase(java.util.Locale.ROOT) + " session");
    }

    @Override
    public CompletableFuture<List<ChunkId>> missing(String session, List<ChunkId> ids) {
        MissingRequest.Builder b = MissingRequest.newBuilder().setRepository(repository).setSession(session);
        for (ChunkId id : ids) {
            b.addIds(ByteString.copyFrom(id.toBytes()));
        }
        return adapt(call().missing(b.build()), r -> StoreService.ids(r.getIdsList()), "asking for missing chunks");
    }

    @Override
    public CompletableFuture<Void> putChunk(String session, ChunkId id, ByteBuffer sealedImage) {
        return adapt(call().putChunk(PutChunkRequest.newBuilder().setRepository(repository).setSession(session)
                // not copied: the key side keeps the buffer unchanged until this call's future completes
                .setId(ByteString.copyFrom(id.toBytes())).setImage(UnsafeByteOperations.unsafeWrap(sealedImage))
                .build()),
                d -> null, "uploading chunk " + id.hex());
    }

    @Override
    public CompletableFuture<ByteBuffer> chunk(String session, ChunkId id) {
        return adapt(call().chunk(ChunkRequest.newBuilder().setRepository(repository).setSession(session)
                .setId(ByteString.copyFrom(id.toBytes())).build()), b -> ByteBuffer.wrap(b.getData().toByteArray()),
                "reading chunk " + id.hex());
    }

    @Override
    public CompletableFuture<Void> commit(String session, String backupId, ByteBuffer sealedManifest,
            List<ChunkId> referenced, Optional<Instant> lockUntil) {
        CommitRequest.Builder b = CommitRequest.newBuilder().setRepository(repository).setSession(session)
                .setBackupId(backupId).setManifest(ByteString.copyFrom(sealedManifest))
                .setLockUntilUnixMillis(lockUntil.map(Instant::toEpochMilli).orElse(0L));
        List<ByteString> ids = new ArrayList<>(referenced.size());
        for (ChunkId id : referenced) {
            ids.add(ByteString.copyFrom(id.toBytes()));
        }
        b.addAllReferenced(ids);
        return adapt(call().commit(b.build()), d -> null, "committing backup " + backupId);
    }

    @Override
    public CompletableFuture<Void> end(String session) {
        return adapt(call().end(SessionRef.newBuilder().setRepository(repository).setSession(session).build()),
                d -> null, "ending a store session");
    }

    @Override
    public CompletableFuture<Void> deleteBackup(String backupId) {
        return adapt(call().deleteBackup(DeleteBackupRequest.newBuilder().setRepository(repository)
                .setBackupId(backupId).build()), d -> null, "deleting backup " + backupId);
    }

    @Override
    public CompletableFuture<StorePruneResult> prune(List<String> backupIds, boolean dryRun) {
        return adapt(call().prune(PruneRequest.newBuilder().setRepository(repository).addAllBackupIds(backupIds)
                .setDryRun(dryRun).build()), r -> new StorePruneResult(r.getRemovedList(), r.getLockedList(),
                        r.getRemovedChunks(), r.getFreedBytes(), r.getDryRun()), "pruning");
    }

    /**
     * Creates the repository this link names from images made on the key side (a repository
     * agent's, asked by the manager). Fails with {@code ALREADY_EXISTS} when it exists.
     */
    public CompletableFuture<Void> create(RepositoryImages images) {
        return adapt(call().create(CreateRequest.newBuilder().setRepository(repository).setConfig(images.config())
                .setKeyFile(images.keyFile()).build()), d -> null, "creating the repository");
    }

    @Override
    public void close() {
        if (ownsChannel) {
            channel.shutdown();
        }
    }
}
