package io.ferry.repository.internal;

import io.ferry.api.NotFoundException;
import io.ferry.api.ValidationException;
import io.ferry.api.repository.ChunkId;
import io.ferry.api.repository.RepositoryException;
import io.ferry.api.repository.RepositoryException.Reason;
import io.ferry.repository.remote.ImmutableBackupException;
import io.ferry.repository.remote.RepositoryImages;
import io.ferry.repository.remote.RepositoryStore;
import io.ferry.repository.remote.StorePruneResult;
import io.ferry.repository.remote.StoreRules;
import io.ferry.repository.remote.StoreSession;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The storage side of a split repository (see {@link RepositoryStore}): stores sealed chunk
 * and manifest images in a repository directory of today's format, with the same files, temp
 * files, fsyncs and renames as a local backup, and never holds a key. Every input from the
 * link is checked before it touches the disk: ids and backup ids by pattern, chunk images by
 * header and length, manifests by structure and size. Thread-safe.
 */
public final class FileRepositoryStore implements RepositoryStore {

    private static final Logger LOG = LoggerFactory.getLogger(FileRepositoryStore.class);
    /** The largest manifest image the store takes or hands out (a 32 TiB disk at 4 MiB chunks: 256 MiB). */
    static final int MAX_MANIFEST = 256 << 20;
    private static final int MAX_SMALL_FILE = NewRepository.MAX_IMAGE;
    private static final DateTimeFormatter ID_TIME =
            DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final Path root;
    private final Path tmpDir;
    private final Path backupsDir;
    private final int chunkSize;
    private final Duration idleTimeout;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final RepositoryLock lock;
    private final ChunkStore chunks;
    private final DamagedChunks damaged;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    /** Chunk directories that received a renamed file not yet made durable by a directory fsync. */
    private final Set<Path> unsyncedDirs = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService reaper;
    /** Idle write buffers (the temp file is written from them before putChunk returns). */
    private final java.util.concurrent.ConcurrentLinkedDeque<ByteBuffer> buffers =
            new java.util.concurrent.ConcurrentLinkedDeque<>();
    private static final int MAX_IDLE_BUFFERS = 8;
    private volatile Suspects suspects = new Suspects(null, -1, Set.of());
    private volatile boolean closed;

    private record Suspects(FileTime modified, long size, Set<ChunkId> ids) {
    }

    /** One open session: its lease of the writer lock and the uploads it started. */
    private static final class Session {
        final StoreSession info;
        final RepositoryLock.Lease lease;
        final Queue<CompletableFuture<Void>> puts = new ConcurrentLinkedQueue<>();
        volatile long lastUsed = System.nanoTime();
        /** Set while a commit runs: such a session is never ended as idle. */
        volatile boolean committing;

        Session(StoreSession info, RepositoryLock.Lease lease) {
            this.info = info;
            this.lease = lease;
        }
    }

    private FileRepositoryStore(Path root, int chunkSize, Duration idleTimeout, Clock clock, RepositoryLock lock) {
        this.root = root;
        this.tmpDir = root.resolve("tmp");
        this.backupsDir = root.resolve("backups");
        this.chunkSize = chunkSize;
        this.idleTimeout = idleTimeout;
        this.clock = clock;
        this.lock = lock;
        this.chunks = new ChunkStore(root.resolve("chunks"), tmpDir, null, lock);
        this.damaged = new DamagedChunks(root, tmpDir);
        this.reaper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ferry-store-sessions");
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(1, Math.min(idleTimeout.toMillis() / 4, 30_000));
        reaper.scheduleWithFixedDelay(this::endIdleSessions, period, period, TimeUnit.MILLISECONDS);
    }

    /** Opens {@code dir} for storing; see {@link RepositoryStore#open(Path)}. */
    public static FileRepositoryStore open(Path dir, Duration idleTimeout) {
        return open(dir, idleTimeout, Clock.systemUTC());
    }

    static FileRepositoryStore open(Path dir, Duration idleTimeout, Clock clock) {
        return open(dir, idleTimeout, clock, real -> new RepositoryLock(real, hostName(), clock));
    }

    /** With {@code locks} giving the writer lock of a directory (by its real path). */
    static FileRepositoryStore open(Path dir, Duration idleTimeout, Clock clock,
            java.util.function.Function<Path, RepositoryLock> locks) {
        checkIdleTimeout(idleTimeout);
        Path root = dir.toAbsolutePath().normalize();
        String text = readSmall(root.resolve("config"), () -> new RepositoryException(Reason.NOT_A_REPOSITORY,
                "no Ferry repository at " + root + " (no config file); create one with ferry:repo-init or check the path"));
        Map<String, Object> fields;
        long version;
        try {
            fields = FlatJson.parse(text);
            version = RepositoryConfig.versionOf(fields);
        } catch (IllegalArgumentException e) {
            throw new RepositoryException(Reason.NOT_A_REPOSITORY, "no Ferry repository at " + root
                    + " (its config file is not a Ferry repository config: " + e.getMessage() + ")");
        }
        if (version > RepositoryConfig.FORMAT_VERSION) {
            throw new RepositoryException(Reason.UNSUPPORTED_VERSION, "repository " + root + " has format version "
                    + version + ", but this Ferry reads only format version " + RepositoryConfig.FORMAT_VERSION
                    + "; use a newer Ferry");
        }
        RepositoryConfig config;
        try {
            config = RepositoryConfig.fromFields(fields);
        } catch (IllegalArgumentException e) {
            throw new RepositoryException(Reason.CORRUPT, "the config file of repository " + root + " is damaged: "
                    + e.getMessage());
        }
        if (!Files.isRegularFile(root.resolve("keys").resolve("key"))) {
            throw new RepositoryException(Reason.CORRUPT, "repository " + root + " has no key file keys/key; restore"
                    + " it from a copy (without it the data cannot be decrypted)");
        }
        StorePolicy.read(root); // a broken policy file is reported now, not at the first delete
        try {
            Path real = root.toRealPath();
            return new FileRepositoryStore(real, config.chunkSize(), idleTimeout, clock, locks.apply(real));
        } catch (IOException e) {
            throw new RepositoryException(Reason.IO, "cannot open repository " + root + ": " + e.getMessage(), e);
        }
    }

    /**
     * Creates a repository in {@code dir} (new or empty) from images made on the key side, and
     * opens it; see {@link RepositoryStore#create(Path, RepositoryImages)}.
     */
    public static FileRepositoryStore create(Path dir, RepositoryImages images, Duration idleTimeout) {
        Clock clock = Clock.systemUTC();
        return create(dir, images, idleTimeout, clock, real -> new RepositoryLock(real, hostName(), clock));
    }

    static FileRepositoryStore create(Path dir, RepositoryImages images, Duration idleTimeout, Clock clock,
            java.util.function.Function<Path, RepositoryLock> locks) {
        Objects.requireNonNull(dir, "dir");
        checkIdleTimeout(idleTimeout);
        RepositoryConfig config = NewRepository.check(images);
        Path root = dir.toAbsolutePath().normalize();
        NewRepository.lay(root, images.config(), images.keyFile());
        LOG.info("Created repository {} from images made elsewhere (id {}, chunk size {})", root, config.id(),
                config.chunkSize());
        return open(root, idleTimeout, clock, locks);
    }

    /** See {@link RepositoryStore#writeRules}. */
    public static void writeRules(Path dir, StoreRules rules) {
        Path root = dir.toAbsolutePath().normalize();
        StorePolicy.write(root, rules);
        LOG.info("Store rules of repository {} set: {}", root, rules);
    }

    /** See {@link RepositoryStore#rules}. */
    public static StoreRules rules(Path dir) {
        return StorePolicy.read(dir.toAbsolutePath().normalize()).rules();
    }

    private static void checkIdleTimeout(Duration idleTimeout) {
        if (idleTimeout == null || idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("the idle timeout of store sessions must be positive, not " + idleTimeout);
        }
    }

    @Override
    public Path root() {
        return root;
    }

    @Override
    public CompletableFuture<RepositoryImages> images() {
        return call(() -> new RepositoryImages(readSmall(root.resolve("config"), () -> notFound("config")),
                readSmall(root.resolve("keys").resolve("key"), () -> notFound("keys/key"))));
    }

    @Override
    public CompletableFuture<List<String>> backupIds() {
        return call(() -> {
            List<String> ids = new ArrayList<>();
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(backupsDir)) {
                for (Path p : entries) {
                    String name = p.getFileName().toString();
                    if (ManifestStore.ID.matcher(name).matches()) {
                        ids.add(name);
                    }
                }
            } catch (IOException e) {
                throw io("cannot list the backups", e);
            }
            return List.copyOf(new TreeSet<>(ids));
        });
    }

    @Override
    public CompletableFuture<ByteBuffer> manifest(String backupId, boolean headerOnly) {
        return call(() -> {
            checkBackupId(backupId);
            ByteBuffer image;
            try {
                image = readFile(backupsDir.resolve(backupId), MAX_MANIFEST, "manifest");
            } catch (NoSuchFileException e) {
                throw new NotFoundException("No backup '" + backupId + "' in repository " + root);
            } catch (IOException e) {
                throw io("cannot read the manifest of backup " + backupId, e);
            }
            if (!headerOnly) {
                return image;
            }
            try {
                return image.limit(ManifestStore.headerImageLength(image));
            } catch (IntegrityException e) {
                throw new RepositoryException(Reason.CORRUPT, "the manifest of backup " + backupId + " in repository "
                        + root + " cannot be read (" + e.problem() + "); run ferry:verify");
            }
        });
    }

    @Override
    public CompletableFuture<StoreSession> begin(StoreSession.Kind kind, String detail) {
        return call(() -> {
            requireOpen();
            String who = describeCaller(detail);
            String token = token();
            Instant started = clock.instant();
            if (kind == StoreSession.Kind.RESTORE) {
                RepositoryLock.Lease lease = lock.shared("restore", "restore for " + who);
                sessions.put(token, new Session(new StoreSession(token, kind, "", started), lease));
                return sessions.get(token).info;
            }
            String id = newBackupId(started);
            RepositoryLock.Lease lease;
            try {
                lease = lock.shared("backup", "backup " + id + " for " + who);
            } catch (RuntimeException e) {
                lock.releaseBackupId(id);
                throw e;
            }
            try {
                Files.createDirectories(tmpDir);
            } catch (IOException e) {
                lease.close();
                lock.releaseBackupId(id);
                throw io("cannot start backup " + id, e);
            }
            Session s = new Session(new StoreSession(token, kind, id, started), lease);
            sessions.put(token, s);
            return s.info;
        });
    }

    @Override
    public CompletableFuture<List<ChunkId>> missing(String session, List<ChunkId> ids) {
        return call(() -> {
            session(session, null);
            if (ids.size() > MAX_MISSING_BATCH) {
                throw new ValidationException("ids", "at most " + MAX_MISSING_BATCH + " chunk ids per call, not "
                        + ids.size());
            }
            Set<ChunkId> suspect = suspects();
            List<ChunkId> missing = new ArrayList<>();
            for (ChunkId id : ids) {
                if (!stored(id, suspect)) {
                    missing.add(id);
                }
            }
            return missing;
        });
    }

    @Override
    public CompletableFuture<Void> putChunk(String session, ChunkId id, ByteBuffer sealedImage) {
        try {
            Session s = session(session, StoreSession.Kind.BACKUP);
            ByteBuffer image = sealedImage.slice();
            String problem = ChunkCodec.checkSealedImage(image, chunkSize);
            if (problem != null) {
                throw new ValidationException("chunk", "chunk " + id.hex() + " for backup " + s.info.backupId()
                        + " was refused by repository " + root + ": " + problem);
            }
            boolean suspect = suspects().contains(id) && !chunks.isConfirmed(id);
            CompletableFuture<Void> durable;
            if (writableInPlace(sealedImage)) {
                // a repository agent's upload, received into such a buffer: written as it is, no copy
                durable = chunks.storeSealed(id, sealedImage.duplicate(), suspect, unsyncedDirs);
            } else {
                ByteBuffer direct = borrowBuffer();
                try {
                    // into an aligned direct buffer: the temp file is then written with O_DIRECT, as a local chunk is
                    direct.clear();
                    direct.put(image.duplicate()).flip();
                    durable = chunks.storeSealed(id, direct, suspect, unsyncedDirs);
                } finally {
                    releaseBuffer(direct);
                }
            }
            s.puts.add(durable);
            return durable.exceptionallyCompose(e -> CompletableFuture.failedFuture(
                    io("cannot store chunk " + id.hex() + " of backup " + s.info.backupId(), ioCause(e))));
        } catch (IOException e) {
            return CompletableFuture.failedFuture(io("cannot store chunk " + id.hex(), e));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Whether {@code b} can be written with O_DIRECT as it is (see {@link RepositoryStore#putChunk}):
     * direct, at position 0, aligned, with room for the padding after its limit.
     */
    private static boolean writableInPlace(ByteBuffer b) {
        return b.isDirect() && b.position() == 0 && b.alignmentOffset(0, DurableFiles.DIRECT_ALIGNMENT) == 0
                && ((b.limit() + DurableFiles.DIRECT_ALIGNMENT - 1) & -DurableFiles.DIRECT_ALIGNMENT) <= b.capacity();
    }

    /** An aligned direct buffer with room for a chunk image and its O_DIRECT padding. */
    private ByteBuffer borrowBuffer() {
        ByteBuffer b = buffers.pollFirst();
        if (b != null) {
            return b;
        }
        int size = (ChunkCodec.OVERHEAD + chunkSize + DurableFiles.DIRECT_ALIGNMENT - 1) & -DurableFiles.DIRECT_ALIGNMENT;
        return ByteBuffer.allocateDirect(size + DurableFiles.DIRECT_ALIGNMENT).alignedSlice(DurableFiles.DIRECT_ALIGNMENT);
    }

    /** Keeps a few buffers for the next uploads; the rest go to the garbage collector. */
    private void releaseBuffer(ByteBuffer b) {
        if (buffers.size() < MAX_IDLE_BUFFERS) {
            buffers.addFirst(b);
        }
    }

    @Override
    public CompletableFuture<ByteBuffer> chunk(String session, ChunkId id) {
        return call(() -> {
            session(session, null);
            try {
                return readFile(chunks.path(id), ChunkCodec.OVERHEAD + chunkSize, "chunk file");
            } catch (NoSuchFileException e) {
                throw new RepositoryException(Reason.CORRUPT, "chunk " + id.hex() + " is missing in repository "
                        + root + "; run ferry:verify to see which backups are affected");
            } catch (IOException e) {
                throw io("cannot read chunk " + id.hex(), e);
            }
        });
    }

    @Override
    public CompletableFuture<Void> commit(String session, String backupId, ByteBuffer sealedManifest,
            List<ChunkId> referenced, Optional<Instant> lockUntil) {
        return call(() -> {
            Session s = session(session, StoreSession.Kind.BACKUP);
            synchronized (s) {
                if (sessions.get(session) != s) {
                    throw new RepositoryException(Reason.CANCELLED, "the session of backup " + s.info.backupId()
                            + " ended before its commit; nothing of it is visible: start again");
                }
                s.committing = true; // from here on only the commit ends the session
            }
            try {
                commit(s, backupId, sealedManifest.slice(), referenced, lockUntil);
                return null;
            } finally {
                synchronized (s) {
                    s.committing = false;
                    end(s);
                }
            }
        });
    }

    private void commit(Session s, String backupId, ByteBuffer image, List<ChunkId> referenced,
            Optional<Instant> lockUntil) {
        String id = s.info.backupId();
        if (!id.equals(backupId)) {
            throw new ValidationException("backupId", "the session is for backup " + id + ", not " + backupId);
        }
        if (image.remaining() > MAX_MANIFEST) {
            throw new ValidationException("manifest", "the manifest of backup " + id + " has " + image.remaining()
                    + " bytes, more than the " + MAX_MANIFEST + " a repository store takes");
        }
        int headerLength;
        try {
            headerLength = ManifestStore.checkStructure(image);
        } catch (IntegrityException e) {
            throw new ValidationException("manifest", "the manifest of backup " + id + " was refused by repository "
                    + root + ": " + e.problem());
        }
        long tableLength = image.limit() - ManifestStore.FIXED_HEADER - 2L * (12 + 16) - headerLength;
        if (referenced.size() > tableLength / ChunkId.LENGTH + 1) {
            throw new ValidationException("referenced", referenced.size() + " chunks referenced, more than a chunk"
                    + " table of " + tableLength + " bytes can hold");
        }
        StorePolicy policy = StorePolicy.read(root);
        Instant now = clock.instant();
        if (lockUntil.isPresent() && lockUntil.get().isAfter(now.plus(policy.maxLock()))) {
            throw new ValidationException("lockUntil", "backup " + id + " cannot be locked until " + lockUntil.get()
                    + ": repository " + root + " allows locks of at most " + policy.maxLock().toDays() + " days");
        }
        // the server's minimum lock applies whatever the key side asked for
        Optional<Instant> until = policy.lockUntil(now, lockUntil);
        try {
            awaitPuts(s);
            syncChunkDirectories();
            Set<ChunkId> suspect = suspects();
            for (ChunkId chunk : new HashSet<>(referenced)) {
                if (!stored(chunk, suspect)) {
                    throw new RepositoryException(Reason.CORRUPT, "cannot commit backup " + id + " in repository "
                            + root + ": chunk " + chunk.hex() + " that it references is not stored (never uploaded,"
                            + " or moved aside by ferry:verify); nothing of the backup is visible: run it again");
                }
            }
            synchronized (this) {
                Path target = backupsDir.resolve(id);
                if (Files.exists(target)) {
                    throw new ValidationException("backupId", "backup " + id + " already exists in repository " + root);
                }
                // the store's own records first: what the backup references (for a prune without the
                // key) and its lock date; the manifest last
                ReferenceRecords.write(root, tmpDir, id, referenced);
                if (until.isPresent() && until.get().isAfter(now)) {
                    StorePolicy.writeLock(root, tmpDir, id, until.get());
                }
                DurableFiles.write(tmpDir, target, image);
                DurableFiles.syncDirectory(backupsDir);
            }
            LOG.info("Committed backup {} in repository {} ({} chunks referenced{})", id, root, referenced.size(),
                    until.map(t -> ", locked until " + t).orElse(""));
        } catch (IOException e) {
            throw io("cannot commit backup " + id + " (the backup is not visible; run it again)", e);
        }
    }

    private void awaitPuts(Session s) throws IOException {
        for (CompletableFuture<Void> f : s.puts) {
            try {
                f.join();
            } catch (CompletionException e) {
                throw ioCause(e);
            }
        }
    }

    /** fsyncs the chunk directories that received files since the last sync, then {@code chunks/}. */
    private void syncChunkDirectories() throws IOException {
        List<Path> dirs = new ArrayList<>(unsyncedDirs);
        if (dirs.isEmpty()) {
            return;
        }
        dirs.forEach(unsyncedDirs::remove);
        try {
            chunks.syncDirectories(dirs);
            DurableFiles.syncDirectory(chunks.dir());
        } catch (IOException e) {
            unsyncedDirs.addAll(dirs);
            throw e;
        }
    }

    @Override
    public CompletableFuture<Void> end(String session) {
        return call(() -> {
            Session s = session == null ? null : sessions.get(session);
            // a commit in progress keeps its lock until it has finished (it ends the session itself)
            if (s != null) {
                synchronized (s) {
                    if (!s.committing) {
                        end(s);
                    }
                }
            }
            return null;
        });
    }

    private void end(Session s) {
        if (sessions.remove(s.info.token(), s)) {
            if (s.info.kind() == StoreSession.Kind.BACKUP) {
                // let its uploads land before the lock goes, so none appears after a prune that follows
                for (CompletableFuture<Void> f : s.puts) {
                    try {
                        f.get(30, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        if (e instanceof InterruptedException) {
                            Thread.currentThread().interrupt();
                            break;
                        }
                    }
                }
                lock.releaseBackupId(s.info.backupId());
            }
            s.lease.close();
        }
    }

    @Override
    public CompletableFuture<Void> deleteBackup(String backupId) {
        return call(() -> {
            checkBackupId(backupId);
            StorePolicy policy = StorePolicy.read(root);
            if (policy.appendOnly()) {
                throw new ImmutableBackupException("Repository " + root + " is append-only (" + StorePolicy.FILE
                        + " on the repository server): backup " + backupId + " cannot be deleted");
            }
            try (RepositoryLock.Lease lease = lock.exclusive(LockHolder.PRUNE, "delete of backup " + backupId)) {
                Optional<Instant> until = StorePolicy.lockedUntil(root, backupId);
                if (until.isPresent() && until.get().isAfter(clock.instant())) {
                    throw new ImmutableBackupException("Backup " + backupId + " in repository " + root
                            + " is immutable until " + until.get() + ": it cannot be deleted before then");
                }
                Path manifest = backupsDir.resolve(backupId);
                if (!Files.exists(manifest)) {
                    throw new NotFoundException("No backup '" + backupId + "' in repository " + root);
                }
                Files.delete(manifest);
                DurableFiles.syncDirectory(backupsDir);
                Files.deleteIfExists(root.resolve(StorePolicy.RETENTION_DIR).resolve(backupId));
                ReferenceRecords.delete(root, backupId);
                LOG.info("Deleted backup {} in repository {} (its chunks go with the next prune)", backupId, root);
                return null;
            } catch (IOException e) {
                throw io("cannot delete backup " + backupId, e);
            }
        });
    }

    @Override
    public CompletableFuture<StorePruneResult> prune(List<String> backupIds, boolean dryRun) {
        return call(() -> {
            backupIds.forEach(FileRepositoryStore::checkBackupId);
            StorePolicy policy = StorePolicy.read(root);
            if (policy.appendOnly() && !backupIds.isEmpty()) {
                throw new ImmutableBackupException("Repository " + root + " is append-only (" + StorePolicy.FILE
                        + " on the repository server): a prune cannot delete backups " + backupIds
                        + "; nothing was changed");
            }
            try (RepositoryLock.Lease lease = lock.exclusive(LockHolder.PRUNE,
                    dryRun ? "prune (dry run) through a link" : "prune through a link")) {
                return pruneLocked(backupIds, dryRun);
            } catch (IOException e) {
                throw io("cannot prune", e);
            }
        });
    }

    private StorePruneResult pruneLocked(List<String> backupIds, boolean dryRun) throws IOException {
        Set<String> all = new TreeSet<>(backupIds().join());
        Instant now = clock.instant();
        List<String> removed = new ArrayList<>();
        List<String> locked = new ArrayList<>();
        for (String id : new TreeSet<>(backupIds)) {
            if (!all.contains(id)) {
                continue; // gone already
            }
            if (StorePolicy.lockedUntil(root, id).filter(now::isBefore).isPresent()) {
                locked.add(id);
            } else {
                removed.add(id);
            }
        }
        // mark first, from the records of the backups that stay: refuse before anything is deleted
        ChunkIdSet marked = new ChunkIdSet();
        for (String id : all) {
            if (!removed.contains(id) && ReferenceRecords.markInto(root, id, marked).isEmpty()) {
                throw new RepositoryException(Reason.IO, "cannot prune repository " + root + " through a link: backup "
                        + id + " was written by a local Ferry and has no reference record, so the chunks it uses are"
                        + " unknown without the key; prune where the repository is, with the password (ferry:prune);"
                        + " nothing was changed");
            }
        }
        if (!dryRun) {
            for (String id : removed) {
                Files.deleteIfExists(backupsDir.resolve(id));
            }
            DurableFiles.syncDirectory(backupsDir);
            for (String id : removed) {
                ReferenceRecords.delete(root, id);
                Files.deleteIfExists(root.resolve(StorePolicy.RETENTION_DIR).resolve(id));
            }
        }
        long[] swept = sweep(marked, dryRun);
        if (!dryRun) {
            Map<ChunkId, DamagedChunks.Damage> record = damaged.read();
            if (record.keySet().removeIf(c -> !marked.contains(c.toBytes(), 0))) {
                damaged.write(record);
            }
            cleanTmp();
        }
        LOG.info("Pruned repository {} through a link{}: {} backups removed, {} kept as locked, {} chunks ({} bytes)",
                root, dryRun ? " (dry run)" : "", removed.size(), locked.size(), swept[0], swept[1]);
        return new StorePruneResult(removed, locked, swept[0], swept[1], dryRun);
    }

    /** Deletes (or counts) chunk files not in {@code marked}, and moved-aside ones no longer needed; {count, bytes}. */
    private long[] sweep(ChunkIdSet marked, boolean dryRun) throws IOException {
        long count = 0;
        long bytes = 0;
        if (!Files.isDirectory(chunks.dir())) {
            return new long[] {0, 0};
        }
        List<Path> dirs;
        try (var entries = Files.list(chunks.dir())) {
            dirs = entries.filter(p -> p.getFileName().toString().matches("[0-9a-f]{2}") && Files.isDirectory(p))
                    .sorted().toList();
        }
        for (Path dir : dirs) {
            long[] swept = Pruner.sweep(dir, marked, dryRun);
            count += swept[0];
            bytes += swept[1];
        }
        return new long[] {count, bytes};
    }

    /** Leftovers of interrupted writes; no writer exists under the exclusive lock. */
    private void cleanTmp() throws IOException {
        if (!Files.isDirectory(tmpDir)) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(tmpDir)) {
            for (Path f : files) {
                if (Files.isRegularFile(f)) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        reaper.shutdownNow();
        for (Session s : List.copyOf(sessions.values())) {
            end(s);
        }
        chunks.close();
    }

    /** Ends sessions nobody used for longer than the idle timeout (their key side is gone). */
    void endIdleSessions() {
        long now = System.nanoTime();
        for (Session s : List.copyOf(sessions.values())) {
            synchronized (s) {
                if (s.committing || now - s.lastUsed <= idleTimeout.toNanos()) {
                    continue;
                }
                LOG.warn("Ending session {} of repository {} ({} {}): idle for more than {}", s.info.token(), root,
                        s.info.kind(), s.info.backupId(), idleTimeout);
                end(s);
            }
        }
    }

    /** Number of open sessions (for tests). */
    int openSessions() {
        return sessions.size();
    }

    private boolean stored(ChunkId id, Set<ChunkId> suspect) {
        if (suspect.contains(id) && !chunks.isConfirmed(id)) {
            return false;
        }
        return Files.exists(chunks.path(id));
    }

    /** The chunks listed in {@code damaged}, re-read when the file changed. */
    private Set<ChunkId> suspects() {
        try {
            FileTime modified;
            long size;
            try {
                modified = Files.getLastModifiedTime(damaged.file());
                size = Files.size(damaged.file());
            } catch (NoSuchFileException e) {
                return Set.of();
            }
            Suspects cached = suspects;
            if (modified.equals(cached.modified()) && size == cached.size()) {
                return cached.ids();
            }
            Suspects fresh = new Suspects(modified, size, damaged.suspects());
            suspects = fresh;
            return fresh.ids();
        } catch (IOException e) {
            throw io("cannot read " + damaged.file(), e);
        }
    }

    private Session session(String token, StoreSession.Kind kind) {
        requireOpen();
        Session s = token == null ? null : sessions.get(token);
        if (s == null) {
            throw new RepositoryException(Reason.CANCELLED, "no open session '" + token + "' in repository " + root
                    + " (ended, idle for more than " + idleTimeout + ", or the repository server restarted);"
                    + " nothing of it is visible: start again");
        }
        if (kind != null && s.info.kind() != kind) {
            throw new ValidationException("session", "session " + token + " is a " + s.info.kind() + " session");
        }
        s.lastUsed = System.nanoTime();
        return s;
    }

    /** What a remote caller says about itself, for lock messages and logs: printable, at most 200 characters. */
    private static String describeCaller(String detail) {
        if (detail == null || detail.isBlank()) {
            return "a remote client";
        }
        String printable = detail.strip().replaceAll("[^\\p{Print}]", "?");
        return printable.length() > 200 ? printable.substring(0, 200) + "..." : printable;
    }

    private String newBackupId(Instant started) {
        String time = ID_TIME.format(started);
        while (true) {
            byte[] r = new byte[3];
            random.nextBytes(r);
            String id = time + "-" + HexFormat.of().formatHex(r);
            if (!Files.exists(backupsDir.resolve(id)) && lock.reserveBackupId(id)) {
                return id;
            }
        }
    }

    private String token() {
        byte[] r = new byte[16];
        random.nextBytes(r);
        return HexFormat.of().formatHex(r);
    }

    private static void checkBackupId(String backupId) {
        if (backupId == null || !ManifestStore.ID.matcher(backupId).matches()) {
            throw new ValidationException("backupId", "'" + backupId + "' is not a backup id (YYYYMMDDTHHMMSSZ-xxxxxx)");
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new RepositoryException(Reason.CANCELLED, "the store of repository " + root + " was closed");
        }
    }

    private static ByteBuffer readFile(Path file, int max, String what) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > max) {
                throw new IOException(file + ": the " + what + " has " + size + " bytes, more than the " + max
                        + " it can have");
            }
            ByteBuffer buf = ByteBuffer.allocate((int) size);
            while (buf.hasRemaining() && ch.read(buf) >= 0) {
                // keep reading
            }
            if (buf.hasRemaining()) {
                throw new IOException(file + " shrank while it was read");
            }
            return buf.flip();
        }
    }

    private static String readSmall(Path file, Supplier<RuntimeException> absent) {
        try {
            return StandardCharsets.UTF_8.decode(readFile(file, MAX_SMALL_FILE, "file")).toString();
        } catch (NoSuchFileException e) {
            throw absent.get();
        } catch (IOException e) {
            throw new RepositoryException(Reason.IO, "cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private RepositoryException notFound(String file) {
        return new RepositoryException(Reason.CORRUPT, "repository " + root + " has no " + file);
    }

    private RepositoryException io(String what, IOException e) {
        return new RepositoryException(Reason.IO, what + " in repository " + root + ": " + e.getMessage(), e);
    }

    private static IOException ioCause(Throwable e) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        return cause instanceof IOException io ? io : new IOException(String.valueOf(cause), cause);
    }

    private static <T> CompletableFuture<T> call(Supplier<T> body) {
        try {
            return CompletableFuture.completedFuture(body.get());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown-host";
        }
    }
}
