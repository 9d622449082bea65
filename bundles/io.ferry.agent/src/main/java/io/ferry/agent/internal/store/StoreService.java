package io.ferry.agent.internal.store;

import com.google.protobuf.ByteString;
import io.ferry.agent.protocol.v1.BackupIdsReply;
import io.ferry.agent.protocol.v1.BeginRequest;
import io.ferry.agent.protocol.v1.Blob;
import io.ferry.agent.protocol.v1.ChunkIds;
import io.ferry.agent.protocol.v1.ChunkRequest;
import io.ferry.agent.protocol.v1.CommitRequest;
import io.ferry.agent.protocol.v1.CreateRequest;
import io.ferry.agent.protocol.v1.DeleteBackupRequest;
import io.ferry.agent.protocol.v1.Done;
import io.ferry.agent.protocol.v1.ImagesReply;
import io.ferry.agent.protocol.v1.ManifestRequest;
import io.ferry.agent.protocol.v1.MissingRequest;
import io.ferry.agent.protocol.v1.PruneReply;
import io.ferry.agent.protocol.v1.PruneRequest;
import io.ferry.agent.protocol.v1.PutChunkRequest;
import io.ferry.agent.protocol.v1.RepositoryStoreGrpc;
import io.ferry.agent.protocol.v1.SessionRef;
import io.ferry.agent.protocol.v1.SessionReply;
import io.ferry.agent.protocol.v1.StoreRef;
import io.ferry.api.ValidationException;
import io.ferry.api.repository.ChunkId;
import io.ferry.repository.remote.RepositoryImages;
import io.ferry.repository.remote.RepositoryStore;
import io.ferry.repository.remote.RepositoryStores;
import io.ferry.repository.remote.StoreSession;
import io.grpc.stub.StreamObserver;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The storage side of repositories over gRPC: each call names a handle that the
 * {@link StoreAccess} resolves for the caller's certificate (a task's grant, or a repository
 * name when the manager calls a repository agent), and is passed to the {@link RepositoryStore}
 * of that directory. The store checks every chunk image and manifest it is given and applies
 * its own rules (append-only, lock dates); nothing here decrypts anything.
 */
public final class StoreService implements RepositoryStoreGrpc.AsyncService, io.grpc.BindableService, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StoreService.class);

    private final StoreAccess access;
    private final RepositoryStores stores;
    private final Supplier<String> caller;
    private final Map<Path, RepositoryStore> open = new ConcurrentHashMap<>();

    /**
     * @param caller who calls (from the certificate), for the session's lock detail
     */
    public StoreService(StoreAccess access, RepositoryStores stores, Supplier<String> caller) {
        this.access = Objects.requireNonNull(access, "access");
        this.stores = Objects.requireNonNull(stores, "stores");
        this.caller = Objects.requireNonNull(caller, "caller");
    }

    private RepositoryStore store(String handle) {
        return open.computeIfAbsent(access.directory(handle), stores::openStore);
    }

    private RepositoryStore managedStore(String handle) {
        return open.computeIfAbsent(access.managed(handle), stores::openStore);
    }

    @Override
    public void images(StoreRef request, StreamObserver<ImagesReply> out) {
        answer(out, () -> store(request.getRepository()).images(), i -> ImagesReply.newBuilder()
                .setConfig(i.config()).setKeyFile(i.keyFile()).build());
    }

    @Override
    public void backupIds(StoreRef request, StreamObserver<BackupIdsReply> out) {
        answer(out, () -> store(request.getRepository()).backupIds(), ids -> BackupIdsReply.newBuilder()
                .addAllIds(ids).build());
    }

    @Override
    public void manifest(ManifestRequest request, StreamObserver<Blob> out) {
        answer(out, () -> store(request.getRepository()).manifest(request.getBackupId(), request.getHeaderOnly()),
                StoreService::blob);
    }

    @Override
    public void begin(BeginRequest request, StreamObserver<SessionReply> out) {
        answer(out, () -> store(request.getRepository()).begin(kind(request.getKind()),
                caller.get() + ": " + request.getDetail()), s -> SessionReply.newBuilder()
                        .setToken(s.token()).setKind(s.kind().name()).setBackupId(s.backupId())
                        .setStartedUnixMillis(s.started().toEpochMilli()).build());
    }

    @Override
    public void missing(MissingRequest request, StreamObserver<ChunkIds> out) {
        answer(out, () -> store(request.getRepository()).missing(request.getSession(), ids(request.getIdsList())),
                StoreService::chunkIds);
    }

    @Override
    public void putChunk(PutChunkRequest request, StreamObserver<Done> out) {
        answer(out, () -> store(request.getRepository()).putChunk(request.getSession(), id(request.getId()),
                request.getImage().asReadOnlyByteBuffer()), v -> Done.getDefaultInstance());
    }

    /**
     * The generated service with {@code PutChunk} read by {@link ChunkUploads}: each chunk image
     * arrives in an aligned direct buffer, given back to the pool when the store has answered.
     */
    @Override
    public io.grpc.ServerServiceDefinition bindService() {
        io.grpc.ServerServiceDefinition generated = RepositoryStoreGrpc.bindService(this);
        String put = RepositoryStoreGrpc.getPutChunkMethod().getFullMethodName();
        io.grpc.ServerServiceDefinition.Builder b = io.grpc.ServerServiceDefinition.builder(
                generated.getServiceDescriptor().getName());
        for (io.grpc.ServerMethodDefinition<?, ?> m : generated.getMethods()) {
            if (!m.getMethodDescriptor().getFullMethodName().equals(put)) {
                b.addMethod(m);
            }
        }
        return b.addMethod(ChunkUploads.method(), io.grpc.stub.ServerCalls.asyncUnaryCall(this::putChunk)).build();
    }

    void putChunk(ChunkUploads.Received request, StreamObserver<Done> out) {
        ByteBuffer image = request.image();
        PutChunkRequest fields = request.fields();
        CompletableFuture<Void> stored;
        try {
            stored = store(fields.getRepository()).putChunk(fields.getSession(), id(fields.getId()), image.duplicate());
        } catch (RuntimeException e) {
            ChunkUploads.release(image);
            out.onError(StoreErrors.toStatus(e));
            return;
        }
        // the store reads the buffer until its future completes, not after
        answer(out, () -> stored.whenComplete((v, e) -> ChunkUploads.release(image)), v -> Done.getDefaultInstance());
    }

    @Override
    public void chunk(ChunkRequest request, StreamObserver<Blob> out) {
        answer(out, () -> store(request.getRepository()).chunk(request.getSession(), id(request.getId())),
                StoreService::blob);
    }

    @Override
    public void commit(CommitRequest request, StreamObserver<Done> out) {
        Optional<Instant> lock = request.getLockUntilUnixMillis() == 0 ? Optional.empty()
                : Optional.of(Instant.ofEpochMilli(request.getLockUntilUnixMillis()));
        answer(out, () -> store(request.getRepository()).commit(request.getSession(), request.getBackupId(),
                request.getManifest().asReadOnlyByteBuffer(), ids(request.getReferencedList()), lock),
                v -> Done.getDefaultInstance());
    }

    @Override
    public void end(SessionRef request, StreamObserver<Done> out) {
        answer(out, () -> store(request.getRepository()).end(request.getSession()), v -> Done.getDefaultInstance());
    }

    @Override
    public void create(CreateRequest request, StreamObserver<Done> out) {
        try {
            Path dir = access.managed(request.getRepository());
            synchronized (open) {
                RepositoryStore created = stores.create(dir, new RepositoryImages(request.getConfig(),
                        request.getKeyFile()));
                RepositoryStore before = open.put(dir, created);
                if (before != null) {
                    before.close();
                }
            }
            access.created(dir);
            LOG.info("Created repository {} in {} for {}", request.getRepository(), dir, caller.get());
            out.onNext(Done.getDefaultInstance());
            out.onCompleted();
        } catch (RuntimeException e) {
            out.onError(StoreErrors.toStatus(e));
        }
    }

    @Override
    public void deleteBackup(DeleteBackupRequest request, StreamObserver<Done> out) {
        answer(out, () -> managedStore(request.getRepository()).deleteBackup(request.getBackupId()),
                v -> Done.getDefaultInstance());
    }

    @Override
    public void prune(PruneRequest request, StreamObserver<PruneReply> out) {
        answer(out, () -> managedStore(request.getRepository()).prune(List.copyOf(request.getBackupIdsList()),
                request.getDryRun()), r -> PruneReply.newBuilder().addAllRemoved(r.removed())
                        .addAllLocked(r.locked()).setRemovedChunks(r.removedChunks()).setFreedBytes(r.freedBytes())
                        .setDryRun(r.dryRun()).build());
    }

    private static <T, R> void answer(StreamObserver<R> out, Supplier<CompletableFuture<T>> call, Function<T, R> reply) {
        CompletableFuture<T> future;
        try {
            future = call.get();
        } catch (RuntimeException e) {
            out.onError(StoreErrors.toStatus(e));
            return;
        }
        future.whenComplete((value, failure) -> {
            if (failure != null) {
                out.onError(StoreErrors.toStatus(failure));
                return;
            }
            R message;
            try {
                message = reply.apply(value);
            } catch (RuntimeException e) {
                out.onError(StoreErrors.toStatus(e));
                return;
            }
            out.onNext(message);
            out.onCompleted();
        });
    }

    static StoreSession.Kind kind(String text) {
        try {
            return StoreSession.Kind.valueOf(text);
        } catch (IllegalArgumentException e) {
            throw new ValidationException("kind", "a store session is BACKUP or RESTORE, not '" + text + "'");
        }
    }

    static Blob blob(ByteBuffer data) {
        return Blob.newBuilder().setData(ByteString.copyFrom(data)).build();
    }

    static ChunkId id(ByteString bytes) {
        if (bytes.size() != ChunkId.LENGTH) {
            throw new ValidationException("id", "a chunk id has " + ChunkId.LENGTH + " bytes, not " + bytes.size());
        }
        return ChunkId.of(bytes.toByteArray());
    }

    static List<ChunkId> ids(List<ByteString> list) {
        List<ChunkId> ids = new ArrayList<>(list.size());
        for (ByteString b : list) {
            ids.add(id(b));
        }
        return ids;
    }

    static ChunkIds chunkIds(List<ChunkId> ids) {
        ChunkIds.Builder b = ChunkIds.newBuilder();
        for (ChunkId id : ids) {
            b.addIds(ByteString.copyFrom(id.toBytes()));
        }
        return b.build();
    }

    @Override
    public void close() {
        for (RepositoryStore store : open.values()) {
            try {
                store.close();
            } catch (RuntimeException e) {
                LOG.warn("Closing the store of {} failed", store.root(), e);
            }
        }
        open.clear();
    }
}
