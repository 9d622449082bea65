package io.ferry.repository.internal;

import io.ferry.api.NotFoundException;
import io.ferry.api.repository.BackupInfo;
import io.ferry.api.repository.BackupReader;
import io.ferry.api.repository.BackupRequest;
import io.ferry.api.repository.BackupWriter;
import io.ferry.api.repository.ChunkId;
import io.ferry.api.repository.ChunkProblem;
import io.ferry.api.repository.ProgressListener;
import io.ferry.api.repository.PruneReport;
import io.ferry.api.repository.Repository;
import io.ferry.api.repository.RepositoryException;
import io.ferry.api.repository.RepositoryException.Reason;
import io.ferry.api.repository.RepositoryInfo;
import io.ferry.api.repository.RetentionPolicy;
import io.ferry.api.repository.VerifyReport;
import io.ferry.repository.remote.RemoteOptions;
import io.ferry.repository.remote.RepositoryImages;
import io.ferry.repository.remote.StoreLink;
import io.ferry.repository.remote.StorePruneResult;
import io.ferry.repository.remote.StoreSession;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The key side of a split repository: a {@link Repository} on a {@link StoreLink}. It holds
 * the master keys and does everything that needs them (chunk ids, compression, encryption,
 * manifests); the store behind the link keeps the files. Thread-safe.
 */
public final class RemoteRepository implements Repository {

    /** Header fetches in flight while listing backups. */
    private static final int LISTING_WINDOW = 32;

    private final StoreLink link;
    private final RemoteOptions options;
    private final RepositoryConfig config;
    private final KeyFile keyFile;
    private final ChunkCodecPool codecs;
    private final ManifestStore manifests;
    private final Map<String, BackupInfo> headers = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Runs continuations of link calls (never the link's own threads, never nested on the caller's stack). */
    private final java.util.concurrent.ExecutorService callbacks = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "ferry-remote-repository");
        t.setDaemon(true);
        return t;
    });

    /** Tokens of the open sessions (writers and readers), kept alive while they make no other call. */
    private final java.util.Set<String> openSessions = ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.ScheduledExecutorService keepAlive =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "ferry-remote-keep-alive");
                t.setDaemon(true);
                return t;
            });

    private RemoteRepository(StoreLink link, RemoteOptions options, RepositoryConfig config, KeyFile keyFile,
            MasterKeys keys) {
        this.link = link;
        this.options = options;
        this.config = config;
        this.keyFile = keyFile;
        SecureRandom random = new SecureRandom();
        int parallelism = Runtime.getRuntime().availableProcessors();
        this.codecs = new ChunkCodecPool(keys, config.chunkSize(), RepositoryServiceImpl.loadLz4(), random,
                Math.max(4, 2 * parallelism));
        // no directory: used only to seal and open manifest images
        this.manifests = new ManifestStore(null, null, keys, random);
        long every = options.keepAlive().toMillis();
        keepAlive.scheduleWithFixedDelay(this::keepSessionsAlive, every, every, TimeUnit.MILLISECONDS);
    }

    /** An empty {@code missing} call per open session: the store ends sessions nobody uses. */
    private void keepSessionsAlive() {
        for (String token : List.copyOf(openSessions)) {
            try {
                link.missing(token, List.of());
            } catch (RuntimeException e) {
                // the next real call reports a broken link
            }
        }
    }

    /** A session is open (kept alive until {@link #endQuietly}). */
    StoreSession opened(StoreSession session) {
        openSessions.add(session.token());
        return session;
    }

    /** A session ended by the store (a commit ends it). */
    void ended(StoreSession session) {
        openSessions.remove(session.token());
    }

    /** Opens the repository behind {@code link} with encoded key material (see {@link RemoteKeys}). */
    public static RemoteRepository open(StoreLink link, byte[] encodedKeys, RemoteOptions options) {
        RepositoryImages images = await(link.images(), options, "read the repository's config");
        Map<String, Object> fields = RemoteKeys.configFields(images);
        RepositoryConfig config = RemoteKeys.config(fields);
        KeyFile keyFile;
        try {
            keyFile = KeyFile.parse(images.keyFile());
        } catch (IllegalArgumentException e) {
            throw new RepositoryException(Reason.CORRUPT, "the key file of repository " + config.id()
                    + " is damaged: " + e.getMessage(), e);
        }
        MasterKeys keys = RemoteKeys.keys(encodedKeys, config, fields);
        return new RemoteRepository(link, options, config, keyFile, keys);
    }

    StoreLink link() {
        return link;
    }

    java.util.concurrent.Executor callbacks() {
        return callbacks;
    }

    RemoteOptions options() {
        return options;
    }

    RepositoryConfig config() {
        return config;
    }

    ChunkCodecPool codecs() {
        return codecs;
    }

    ManifestStore manifests() {
        return manifests;
    }

    String describe() {
        return "repository " + config.id() + " (remote)";
    }

    /**
     * What {@code ferry:repo-info} shows, as far as the key side knows it: the path is
     * {@code remote/<repository id>}, chunk counts and stored bytes are not known here (0).
     */
    @Override
    public RepositoryInfo info() {
        requireOpen();
        List<BackupInfo> backups = listing().backups();
        return new RepositoryInfo(Path.of("remote", config.id()), config.id(), config.version(), config.chunkSize(),
                config.created(), config.encryption(), config.compression(), FileRepository.kdfDescription(keyFile),
                backups.size(), 0, 0, backups.stream().mapToLong(BackupInfo::size).sum());
    }

    @Override
    public List<BackupInfo> backups() {
        requireOpen();
        return listing().backups();
    }

    @Override
    public BackupInfo backup(String idOrPrefix) {
        requireOpen();
        ManifestStore.Listing listing = listing();
        String id = resolve(listing, idOrPrefix);
        return listing.backups().stream().filter(b -> b.id().equals(id)).findFirst()
                .orElseThrow(() -> unreadable(id, listing.unreadable().get(id)));
    }

    @Override
    public Optional<BackupInfo> latest(String disk) {
        requireOpen();
        return listing().latest(disk);
    }


    @Override
    public BackupWriter startBackup(BackupRequest request) {
        requireOpen();
        Objects.requireNonNull(request, "request");
        StoreSession session = opened(await(link.begin(StoreSession.Kind.BACKUP, "disk '" + request.disk() + "'"),
                options, "start a backup of disk '" + request.disk() + "'"));
        try {
            // listed under the session's lock: a prune that just finished may have removed backups
            Optional<BackupInfo> parent = listing().parentOf(request, describe());
            ChunkTable parentTable = parent.isPresent() ? read(parent.get().id()).table() : null;
            return new RemoteBackupWriter(this, session, request, parent, parentTable);
        } catch (RuntimeException e) {
            endQuietly(session);
            throw e;
        }
    }


    @Override
    public BackupReader openBackup(String idOrPrefix) {
        requireOpen();
        StoreSession session = opened(await(link.begin(StoreSession.Kind.RESTORE, "restore of backup " + idOrPrefix),
                options, "start a restore of backup " + idOrPrefix));
        try {
            String id = resolve(listing(), idOrPrefix);
            return new RemoteBackupReader(this, session, read(id));
        } catch (RuntimeException e) {
            endQuietly(session);
            throw e;
        }
    }

    /** The whole manifest of a backup, fetched and decrypted. */
    private Manifest read(String id) {
        ByteBuffer image = await(link.manifest(id, false), options, "read the manifest of backup " + id);
        try {
            Manifest manifest = manifests.open(id, image);
            headers.putIfAbsent(id, manifest.info());
            return manifest;
        } catch (IntegrityException e) {
            throw unreadable(id, e.problem());
        }
    }

    /**
     * Reads every chunk of the given backups (all when empty) through the link and checks it
     * here (decrypt, decompress, recompute the id), several at a time, under a restore session
     * (no prune meanwhile). Read-only: a damaged chunk is reported with the backups it breaks,
     * but neither recorded nor moved aside (the store does not take that from a link; a verify
     * where the repository is heals).
     */
    @Override
    public VerifyReport verify(List<String> backupIds, ProgressListener listener) {
        requireOpen();
        Objects.requireNonNull(backupIds, "backupIds");
        Objects.requireNonNull(listener, "listener");
        StoreSession session = opened(await(link.begin(StoreSession.Kind.RESTORE, "verify"), options, "start a verify"));
        try {
            ManifestStore.Listing listing = listing();
            List<String> chosen = backupIds.isEmpty() ? List.copyOf(listing.allIds())
                    : backupIds.stream().map(b -> resolve(listing, b)).distinct().toList();
            List<ChunkProblem> problems = new ArrayList<>();
            Map<String, ChunkTable> tables = new LinkedHashMap<>();
            ChunkIdSet distinct = new ChunkIdSet();
            long total = 0;
            for (String id : listing.allIds()) {
                String unreadable = listing.unreadable().get(id);
                Manifest manifest = null;
                if (unreadable == null) {
                    try {
                        manifest = manifests.open(id, await(link.manifest(id, false), options, "read backup " + id));
                    } catch (IntegrityException e) {
                        unreadable = e.problem();
                    }
                }
                if (manifest == null) {
                    if (chosen.contains(id)) {
                        problems.add(new ChunkProblem("manifest " + id, "unreadable manifest: " + unreadable, List.of(id)));
                    }
                    continue;
                }
                tables.put(id, manifest.table());
                if (!chosen.contains(id)) {
                    continue;
                }
                ChunkTable table = manifest.table();
                for (long i = 0; i < table.count(); i++) {
                    if (table.isData(i) && distinct.add(table.page(i), ChunkTable.offsetInPage(i))) {
                        total += manifest.chunkLength(i);
                    }
                }
            }
            Map<ChunkId, String> bad = new ConcurrentHashMap<>();
            long stored = check(session, distinct, new ProgressTicker("verify", total, listener), bad);
            for (ChunkId chunk : new java.util.TreeSet<>(bad.keySet())) {
                byte[] raw = chunk.toBytes();
                List<String> users = new ArrayList<>();
                tables.forEach((id, table) -> {
                    for (long i = 0; i < table.count(); i++) {
                        if (table.isData(i) && java.util.Arrays.equals(table.page(i), ChunkTable.offsetInPage(i),
                                ChunkTable.offsetInPage(i) + ChunkId.LENGTH, raw, 0, ChunkId.LENGTH)) {
                            users.add(id);
                            return;
                        }
                    }
                });
                problems.add(new ChunkProblem(chunk.hex(), bad.get(chunk), users));
            }
            problems.sort(java.util.Comparator.comparing(ChunkProblem::chunk));
            return new VerifyReport(chosen, distinct.size(), stored, problems);
        } finally {
            endQuietly(session);
        }
    }

    /** Fetches and checks every chunk of {@code distinct}, {@code uploadsInFlight} at a time; returns the bytes read. */
    private long check(StoreSession session, ChunkIdSet distinct, ProgressTicker ticker, Map<ChunkId, String> bad) {
        java.util.concurrent.atomic.AtomicInteger cursor = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicLong stored = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicReference<RuntimeException> failure = new java.util.concurrent.atomic.AtomicReference<>();
        List<CompletableFuture<Void>> tasks = new ArrayList<>();
        for (int t = 0; t < Math.max(1, Math.min(options.uploadsInFlight(), distinct.size())); t++) {
            tasks.add(CompletableFuture.runAsync(() -> {
                ByteBuffer plain = ByteBuffer.allocate(config.chunkSize());
                int slot;
                while (failure.get() == null && (slot = nextUsed(distinct, cursor)) >= 0) {
                    if (ticker.cancelRequested()) {
                        failure.compareAndSet(null, new RepositoryException(Reason.CANCELLED, "verify of " + describe()
                                + " was cancelled; nothing was changed"));
                        return;
                    }
                    ChunkId id;
                    synchronized (distinct) {
                        id = distinct.get(slot);
                    }
                    ByteBuffer sealed;
                    try {
                        sealed = await(link.chunk(session.token(), id), options, "read chunk " + id.hex());
                    } catch (RepositoryException e) {
                        if (e.reason() == Reason.CORRUPT) {
                            bad.put(id, IntegrityException.MISSING);
                            continue;
                        }
                        failure.compareAndSet(null, e);
                        return;
                    }
                    int size = sealed.remaining();
                    ChunkCodec codec = codecs.borrow();
                    try {
                        ByteBuffer image = codec.image();
                        image.clear();
                        if (size > image.capacity()) {
                            throw IntegrityException.unreadable("the file has " + size + " bytes, more than a chunk can have");
                        }
                        image.put(sealed).flip();
                        plain.clear();
                        codec.open(id, plain);
                        stored.addAndGet(size);
                        ticker.advance(plain.position(), size, 0);
                    } catch (IntegrityException e) {
                        bad.put(id, e.problem());
                    } finally {
                        codecs.release(codec);
                    }
                }
            }, callbacks));
        }
        for (CompletableFuture<Void> task : tasks) {
            task.join();
        }
        ticker.finish();
        if (failure.get() != null) {
            throw failure.get();
        }
        return stored.get();
    }

    private static int nextUsed(ChunkIdSet set, java.util.concurrent.atomic.AtomicInteger cursor) {
        while (true) {
            int slot = cursor.getAndIncrement();
            if (slot >= set.capacity()) {
                return -1;
            }
            if (set.isUsed(slot)) {
                return slot;
            }
        }
    }

    /**
     * Applies the retention policy per disk here (the headers are encrypted) and asks the store
     * to delete the backups not kept and collect garbage by its reference records. Backups the
     * store keeps because they are locked are reported as kept; an append-only store refuses.
     */
    @Override
    public PruneReport prune(RetentionPolicy policy, boolean dryRun, ProgressListener listener) {
        requireOpen();
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(listener, "listener");
        ManifestStore.Listing listing = listing();
        if (!listing.unreadable().isEmpty()) {
            throw new RepositoryException(Reason.CORRUPT, "cannot prune " + describe() + ": the manifests of "
                    + listing.unreadable() + " cannot be read; run ferry:verify where the repository is (nothing was changed)");
        }
        Map<String, List<BackupInfo>> byDisk = new TreeMap<>();
        listing.backups().forEach(b -> byDisk.computeIfAbsent(b.disk(), d -> new ArrayList<>()).add(b));
        Retention retention = new Retention(policy);
        java.util.Set<String> keep = new java.util.HashSet<>();
        byDisk.values().forEach(list -> keep.addAll(retention.keep(list)));
        List<String> remove = listing.backups().stream().map(BackupInfo::id).filter(id -> !keep.contains(id)).toList();
        if (listener.cancelRequested()) {
            throw new RepositoryException(Reason.CANCELLED, "prune of " + describe() + " was cancelled; nothing was changed");
        }
        StorePruneResult result = await(link.prune(remove, dryRun), options, "prune");
        List<String> kept = listing.backups().stream().map(BackupInfo::id).filter(id -> !result.removed().contains(id))
                .toList();
        result.removed().forEach(headers::remove);
        return new PruneReport(result.removed(), kept, result.removedChunks(), result.freedBytes(), dryRun);
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            codecs.clear();
            callbacks.shutdown();
            keepAlive.shutdownNow();
            link.close();
        }
    }

    /** The backups behind the link: headers fetched (pipelined) for ids not seen yet. */
    ManifestStore.Listing listing() {
        List<String> ids = await(link.backupIds(), options, "list the backups");
        headers.keySet().retainAll(ids);
        Map<String, String> unreadable = new TreeMap<>();
        List<String> todo = ids.stream().filter(id -> !headers.containsKey(id)).toList();
        for (int from = 0; from < todo.size(); from += LISTING_WINDOW) {
            Map<String, CompletableFuture<ByteBuffer>> window = new LinkedHashMap<>();
            for (String id : todo.subList(from, Math.min(todo.size(), from + LISTING_WINDOW))) {
                window.put(id, link.manifest(id, true));
            }
            window.forEach((id, f) -> {
                try {
                    ByteBuffer image = await(f, options, "read the manifest of backup " + id);
                    headers.put(id, manifests.openHeader(id, image, image.limit()));
                } catch (NotFoundException e) {
                    // deleted since the listing
                } catch (IntegrityException e) {
                    unreadable.put(id, e.problem());
                } catch (RepositoryException e) {
                    if (e.reason() != Reason.CORRUPT) {
                        throw e;
                    }
                    unreadable.put(id, e.getMessage());
                }
            });
        }
        List<BackupInfo> backups = new ArrayList<>();
        for (String id : ids) {
            BackupInfo info = headers.get(id);
            if (info != null) {
                backups.add(info);
            }
        }
        backups.sort(ManifestStore.OLDEST_FIRST);
        return new ManifestStore.Listing(backups, unreadable);
    }

    String resolve(ManifestStore.Listing listing, String idOrPrefix) {
        return listing.resolve(idOrPrefix, describe());
    }

    private RepositoryException unreadable(String id, String problem) {
        return new RepositoryException(Reason.CORRUPT, "the manifest of backup " + id + " in " + describe()
                + " cannot be read (" + problem + "); run ferry:verify where the repository is");
    }

    void endQuietly(StoreSession session) {
        ended(session);
        try {
            link.end(session.token()).get(options.callTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            // the store ends idle sessions itself
        }
    }

    /**
     * Waits for a link call with the options' deadline. The store's exceptions are rethrown as
     * they are; a timeout or a transport failure becomes {@code IO} naming what was being done.
     */
    public static <T> T await(CompletableFuture<T> future, RemoteOptions options, String what) {
        try {
            return future.get(options.callTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.cancel(true);
            throw new RepositoryException(Reason.CANCELLED, "interrupted while waiting to " + what, e);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new RepositoryException(Reason.IO, "the repository store did not answer within "
                    + options.callTimeout().toSeconds() + " s when asked to " + what, e);
        } catch (ExecutionException e) {
            throw rethrow(e.getCause(), what);
        }
    }

    static RuntimeException rethrow(Throwable cause, String what) {
        if (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof RuntimeException re) {
            return re;
        }
        return new RepositoryException(Reason.IO, "cannot " + what + " in the repository store: " + cause, cause);
    }

    private void requireOpen() {
        if (closed.get()) {
            throw new IllegalStateException(describe() + " was closed");
        }
    }
}
