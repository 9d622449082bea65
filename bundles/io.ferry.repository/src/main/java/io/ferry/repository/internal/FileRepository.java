package io.ferry.repository.internal;

import io.ferry.api.audit.Audit;
import io.ferry.api.audit.AuditLog;
import io.ferry.api.repository.BackupInfo;
import io.ferry.api.repository.BackupReader;
import io.ferry.api.repository.BackupRequest;
import io.ferry.api.repository.BackupWriter;
import io.ferry.api.repository.ProgressListener;
import io.ferry.api.repository.PruneReport;
import io.ferry.api.repository.Repository;
import io.ferry.api.repository.RepositoryException;
import io.ferry.api.repository.RepositoryException.Reason;
import io.ferry.api.repository.RepositoryInfo;
import io.ferry.api.repository.RetentionPolicy;
import io.ferry.api.repository.VerifyReport;
import io.ferry.api.security.FerryRole;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

/** A repository directory opened with the right password. Thread-safe. */
final class FileRepository implements Repository {

    static final Pattern CHUNK_NAME = Pattern.compile("[0-9a-f]{64}");
    private static final DateTimeFormatter ID_TIME =
            DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final Path root;
    private final RepositoryConfig config;
    private final KeyFile keyFile;
    private final MasterKeys keys;
    private final RepositoryEnvironment env;
    private final RepositoryLock lock;
    private final ChunkCodecPool codecs;
    private final ChunkStore chunks;
    private final ManifestStore manifests;
    private final DamagedChunks damaged;
    private final Path tmpDir;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Runnable afterManifestsDeleted = () -> { };
    private volatile Audit audit = Audit.to(AuditLog.NONE);

    FileRepository(Path root, RepositoryConfig config, KeyFile keyFile, MasterKeys keys, RepositoryEnvironment env) {
        this.root = root;
        this.config = config;
        this.keyFile = keyFile;
        this.keys = keys;
        this.env = env;
        this.lock = env.lock(root);
        this.tmpDir = root.resolve("tmp");
        this.codecs = new ChunkCodecPool(keys, config.chunkSize(), env.lz4(), env.random(),
                Math.max(4, 2 * env.parallelism()));
        this.chunks = new ChunkStore(root.resolve("chunks"), tmpDir, codecs, lock);
        this.manifests = new ManifestStore(root.resolve("backups"), tmpDir, keys, env.random());
        this.damaged = new DamagedChunks(root, tmpDir);
    }

    Path root() {
        return root;
    }

    /**
     * The repository's master keys in the encoded form of {@link io.ferry.repository.remote.KeyMaterial}
     * (zero it after use).
     */
    byte[] encodedKeys() {
        byte[] material = keys.material();
        try {
            return RemoteKeys.encode(config.idBytes(), material);
        } finally {
            java.util.Arrays.fill(material, (byte) 0);
        }
    }

    RepositoryConfig config() {
        return config;
    }

    ChunkStore chunks() {
        return chunks;
    }

    ManifestStore manifests() {
        return manifests;
    }

    DamagedChunks damaged() {
        return damaged;
    }

    RepositoryLock lock() {
        return lock;
    }

    /** Where verify and prune are recorded (the service's audit log; none until set). */
    FileRepository auditTo(Audit audit) {
        this.audit = Objects.requireNonNull(audit, "audit");
        return this;
    }

    /** Test hook: runs in a prune after the manifests were deleted and before the sweep. */
    void afterManifestsDeleted(Runnable hook) {
        this.afterManifestsDeleted = Objects.requireNonNull(hook, "hook");
    }

    @Override
    public RepositoryInfo info() {
        audit.read(FerryRole.VIEWER, "repo-info");
        requireOpen();
        List<BackupInfo> backups = listing().backups();
        long[] counts = new long[2];
        try {
            forEachChunkFile((name, file, attrs) -> {
                counts[0]++;
                counts[1] += attrs.size();
            });
        } catch (IOException e) {
            throw io("cannot list the chunks", e);
        }
        return new RepositoryInfo(root, config.id(), config.version(), config.chunkSize(), config.created(),
                config.encryption(), config.compression(), kdfDescription(keyFile), backups.size(), counts[0],
                counts[1], backups.stream().mapToLong(BackupInfo::size).sum());
    }

    static String kdfDescription(KeyFile keyFile) {
        return KeyFile.KDF + ", " + keyFile.iterations() + " iterations";
    }

    @Override
    public List<BackupInfo> backups() {
        audit.read(FerryRole.VIEWER, "backups");
        requireOpen();
        return listing().backups();
    }

    @Override
    public BackupInfo backup(String idOrPrefix) {
        audit.read(FerryRole.VIEWER, "backups");
        requireOpen();
        ManifestStore.Listing listing = listing();
        String id = resolve(listing, idOrPrefix);
        return listing.backups().stream().filter(b -> b.id().equals(id)).findFirst()
                .orElseThrow(() -> unreadableManifest(id, listing.unreadable().get(id)));
    }

    @Override
    public Optional<BackupInfo> latest(String disk) {
        audit.read(FerryRole.VIEWER, "backups");
        requireOpen();
        return listing().latest(disk);
    }


    @Override
    public BackupWriter startBackup(BackupRequest request) {
        audit.read(FerryRole.OPERATOR, "backup-disk");
        requireOpen();
        Objects.requireNonNull(request, "request");
        env.awaitWarmUp();
        Instant started = env.clock().instant();
        String id = newBackupId(listing(), started);
        RepositoryLock.Lease lease = null;
        try {
            lease = lock.shared("backup", "backup " + id + " of disk '" + request.disk() + "'");
            Files.createDirectories(tmpDir);
            // listed again under the lock: a prune that just finished may have removed backups
            Optional<BackupInfo> parent = listing().parentOf(request, "repository " + root);
            ChunkTable parentTable = parent.isPresent() ? readParent(parent.get()) : null;
            return new FileBackupWriter(this, lease, id, request, started, parent, parentTable,
                    damaged.suspects());
        } catch (IOException e) {
            release(lease, id);
            throw io("cannot start backup " + id, e);
        } catch (RuntimeException e) {
            release(lease, id);
            throw e;
        }
    }


    private void release(RepositoryLock.Lease lease, String id) {
        if (lease != null) {
            lease.close();
        }
        lock.releaseBackupId(id);
    }

    private ChunkTable readParent(BackupInfo parent) throws IOException {
        try {
            return manifests.read(parent.id()).table();
        } catch (IntegrityException e) {
            throw new RepositoryException(Reason.CORRUPT, "the parent backup " + parent.id() + " of disk '"
                    + parent.disk() + "' in repository " + root + " cannot be read (" + e.problem()
                    + "); run ferry:verify, or take a full backup");
        }
    }

    private String newBackupId(ManifestStore.Listing listing, Instant started) {
        String time = ID_TIME.format(started);
        while (true) {
            byte[] random = new byte[3];
            env.random().nextBytes(random);
            String id = time + "-" + HexFormat.of().formatHex(random);
            if (!listing.allIds().contains(id) && !Files.exists(manifests.path(id)) && lock.reserveBackupId(id)) {
                return id;
            }
        }
    }

    @Override
    public BackupReader openBackup(String idOrPrefix) {
        audit.read(FerryRole.ADMIN, "restore-disk");
        requireOpen();
        env.awaitWarmUp();
        RepositoryLock.Lease lease = lock.shared("restore", "restore of backup " + idOrPrefix);
        try {
            String id = resolve(listing(), idOrPrefix);
            try {
                return new FileBackupReader(root, manifests.read(id), chunks, lease);
            } catch (IntegrityException e) {
                throw unreadableManifest(id, e.problem());
            } catch (IOException e) {
                throw io("cannot read backup " + id, e);
            }
        } catch (RuntimeException e) {
            lease.close();
            throw e;
        }
    }

    @Override
    public VerifyReport verify(List<String> backupIds, ProgressListener listener) {
        return audit.change(FerryRole.OPERATOR, "verify", root + (backupIds == null || backupIds.isEmpty() ? "" : " " + backupIds), () -> doVerify(backupIds, listener));
    }

    private VerifyReport doVerify(List<String> backupIds, ProgressListener listener) {
        requireOpen();
        Objects.requireNonNull(backupIds, "backupIds");
        Objects.requireNonNull(listener, "listener");
        env.awaitWarmUp();
        try (RepositoryLock.Lease lease = lock.shared("verify", "verify")) {
            return new Verifier(this, env).run(backupIds, listener);
        } catch (IOException e) {
            throw io("cannot verify", e);
        }
    }

    @Override
    public PruneReport prune(RetentionPolicy policy, boolean dryRun, ProgressListener listener) {
        return audit.change(FerryRole.ADMIN, "prune", root + (dryRun ? " (dry run)" : ""), () -> doPrune(policy, dryRun, listener));
    }

    private PruneReport doPrune(RetentionPolicy policy, boolean dryRun, ProgressListener listener) {
        requireOpen();
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(listener, "listener");
        try (RepositoryLock.Lease lease = lock.exclusive(LockHolder.PRUNE, dryRun ? "prune (dry run)" : "prune")) {
            return new Pruner(this).run(policy, dryRun, listener, afterManifestsDeleted);
        } catch (IOException e) {
            throw io("cannot prune", e);
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            chunks.close();
            codecs.clear();
        }
    }

    ManifestStore.Listing listing() {
        try {
            return manifests.list();
        } catch (IOException e) {
            throw io("cannot list the backups", e);
        }
    }

    /** The id of the one backup whose id is or starts with {@code idOrPrefix}. */
    String resolve(ManifestStore.Listing listing, String idOrPrefix) {
        return listing.resolve(idOrPrefix, "repository " + root);
    }

    RepositoryException unreadableManifest(String id, String problem) {
        return new RepositoryException(Reason.CORRUPT, "the manifest of backup " + id + " in repository " + root
                + " cannot be read (" + problem + "); run ferry:verify");
    }

    RepositoryException io(String what, IOException e) {
        return new RepositoryException(Reason.IO, what + " in repository " + root + ": " + e.getMessage(), e);
    }

    @FunctionalInterface
    interface ChunkFileVisitor {
        void visit(String name, Path file, BasicFileAttributes attrs) throws IOException;
    }

    /** Visits every chunk file (name of 64 hex digits under a two-digit directory), directory by directory. */
    void forEachChunkFile(ChunkFileVisitor visitor) throws IOException {
        for (Path dir : chunkDirs()) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
                for (Path f : files) {
                    String name = f.getFileName().toString();
                    if (!CHUNK_NAME.matcher(name).matches()) {
                        continue;
                    }
                    BasicFileAttributes attrs;
                    try {
                        attrs = Files.readAttributes(f, BasicFileAttributes.class);
                    } catch (NoSuchFileException e) {
                        continue; // removed since the directory was listed
                    }
                    visitor.visit(name, f, attrs);
                }
            }
        }
    }

    List<Path> chunkDirs() throws IOException {
        if (!Files.isDirectory(chunks.dir())) {
            return List.of();
        }
        try (var entries = Files.list(chunks.dir())) {
            return entries.filter(p -> p.getFileName().toString().matches("[0-9a-f]{2}") && Files.isDirectory(p))
                    .sorted(Comparator.naturalOrder()).toList();
        }
    }

    private void requireOpen() {
        if (closed.get()) {
            throw new IllegalStateException("repository " + root + " was closed");
        }
    }
}
