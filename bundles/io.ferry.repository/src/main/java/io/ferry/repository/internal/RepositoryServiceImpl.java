package io.ferry.repository.internal;

import io.ferry.api.ValidationException;
import io.ferry.api.audit.Audit;
import io.ferry.api.audit.AuditLog;
import io.ferry.api.repository.InitOptions;
import io.ferry.api.repository.Repository;
import io.ferry.api.repository.RepositoryException;
import io.ferry.api.repository.RepositoryException.Reason;
import io.ferry.api.repository.RepositoryInfo;
import io.ferry.api.repository.RepositoryService;
import io.ferry.api.security.Caller;
import io.ferry.api.security.FerryRole;
import io.ferry.repository.remote.RepositoryStore;
import io.ferry.repository.remote.RepositoryStores;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.AEADBadTagException;
import net.jpountz.lz4.LZ4Factory;
import io.ferry.api.paths.PathArea;
import io.ferry.api.paths.PathPolicy;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates and opens repositories (format: docs/repository-format.md). Owns the worker
 * threads of verify and the background AES-GCM warm-up, both stopped by {@link #close()}.
 * Repository directories are checked with the {@link PathPolicy} ({@code repository.roots})
 * before anything is read or created, and used as the policy resolved them. The public no-arg
 * constructor runs without OSGi (benchmarks, tests) and without confinement, as a trusted
 * program; the OSGi component always has the policy.
 */
@Component(service = {RepositoryService.class, RepositoryStores.class})
public final class RepositoryServiceImpl implements RepositoryService, RepositoryStores, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RepositoryServiceImpl.class);

    private final ExecutorService workers;
    private final ExecutorService background;
    private final CipherWarmUp warmUp;
    private final RepositoryEnvironment env;
    private final PathPolicy policy;
    private volatile AuditLog auditLog = AuditLog.NONE;
    private final Audit audit = new Audit(() -> auditLog, Clock.systemUTC());

    /** Without confinement: for plain-JVM use (benchmarks, tests). */
    public RepositoryServiceImpl() {
        this(Optional.empty());
    }

    @Activate
    public RepositoryServiceImpl(@Reference(name = "PathPolicy") PathPolicy policy) {
        this(Optional.of(policy));
    }

    private RepositoryServiceImpl(Optional<PathPolicy> policy) {
        this.policy = policy.orElse(null);
        int processors = Runtime.getRuntime().availableProcessors();
        this.workers = Executors.newFixedThreadPool(processors, daemonThreads("ferry-repository-worker"));
        this.background = Executors.newSingleThreadExecutor(daemonThreads("ferry-repository-warm-up"));
        this.warmUp = CipherWarmUp.forChunks(background);
        this.env = new RepositoryEnvironment(workers, processors, loadLz4(), new SecureRandom(), Clock.systemUTC(),
                hostName(), warmUp);
    }

    /** Stops the worker threads; repositories opened by this service can no longer verify. */
    @Deactivate
    @Override
    public void close() {
        warmUp.cancel();
        background.shutdownNow();
        workers.shutdownNow();
    }

    /** The catalog's audit log, when the inventory runs: repository changes are recorded there. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindAuditLog")
    void bindAuditLog(AuditLog log) {
        this.auditLog = log;
    }

    void unbindAuditLog(AuditLog log) {
        this.auditLog = AuditLog.NONE;
    }

    /** True once the AES-GCM warm-up has finished (for tests and benchmarks). */
    boolean warmedUp() {
        return warmUp.isDone();
    }

    void awaitWarmUp() {
        env.awaitWarmUp();
    }

    @Override
    public RepositoryInfo init(Path dir, char[] password, InitOptions options) {
        return audit.change(FerryRole.ADMIN, "repo-init", String.valueOf(dir), () -> doInit(dir, password, options));
    }

    private RepositoryInfo doInit(Path dir, char[] password, InitOptions options) {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(options, "options");
        NewRepository.checkPassword(password);
        Path root = confined(dir);
        // before the key derivation: a taken directory is refused at once
        NewRepository.requireEmpty(root);
        NewRepository.Made made = NewRepository.make(password, options, env.random(), env.clock());
        NewRepository.lay(root, made.configText(), made.keyFileText());
        RepositoryConfig config = made.config();
        LOG.info("Created repository {} (id {}, chunk size {})", root, config.id(), config.chunkSize());
        return new RepositoryInfo(root, config.id(), config.version(), config.chunkSize(), config.created(),
                config.encryption(), config.compression(), FileRepository.kdfDescription(made.keyFile()), 0, 0, 0, 0);
    }

    @Override
    public Repository open(Path dir, Path passwordFile) {
        return RepositoryService.super.open(dir, confinedPasswordFile(passwordFile));
    }

    @Override
    public RepositoryInfo init(Path dir, Path passwordFile, InitOptions options) {
        Objects.requireNonNull(dir, "dir");
        // the directory first: a refused directory must not depend on the password file
        confined(dir);
        return RepositoryService.super.init(dir, confinedPasswordFile(passwordFile), options);
    }

    private Path confinedPasswordFile(Path file) {
        Objects.requireNonNull(file, "passwordFile");
        return policy == null ? file.toAbsolutePath().normalize() : policy.require(PathArea.PASSWORD_FILES, file);
    }

    /** The directory as the path policy resolved it (absolute and normalized without a policy). */
    private Path confined(Path dir) {
        return policy == null ? dir.toAbsolutePath().normalize() : policy.require(PathArea.REPOSITORIES, dir);
    }

    @Override
    public Repository open(Path dir, char[] password) {
        audit.read(FerryRole.VIEWER, "repo-open");
        Objects.requireNonNull(dir, "dir");
        if (password == null) {
            throw new ValidationException("password", "is missing");
        }
        Path root = confined(dir);
        Map<String, Object> fields = readConfig(root);
        RepositoryConfig config = parseConfig(root, fields);
        KeyFile keyFile = readKeyFile(root, config);
        try {
            MasterKeys keys = keyFile.unwrap(password, config);
            authenticate(root, config, fields, keys);
            return new FileRepository(root.toRealPath(), config, keyFile, keys, env).auditTo(audit);
        } catch (AEADBadTagException e) {
            throw new RepositoryException(Reason.WRONG_PASSWORD, "wrong password for repository " + root
                    + " (nothing was changed)");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this Java runtime cannot derive or unwrap keys: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new RepositoryException(Reason.IO, "cannot open repository " + root + ": " + e.getMessage(), e);
        }
    }

    /** The storage side of a split repository on {@code dir}: confined, sharing this service's lock of the directory. */
    @Override
    public io.ferry.repository.remote.KeyMaterial exportKey(Repository repository) {
        if (!(repository instanceof FileRepository local)) {
            throw new IllegalArgumentException("not a repository opened by this service: " + repository);
        }
        byte[] encoded = local.encodedKeys();
        try {
            return io.ferry.repository.remote.KeyMaterial.fromBytes(encoded);
        } finally {
            java.util.Arrays.fill(encoded, (byte) 0);
        }
    }

    @Override
    public RepositoryStore openStore(Path dir) {
        audit.read(FerryRole.ADMIN, "repo-store");
        Objects.requireNonNull(dir, "dir");
        return FileRepositoryStore.open(confined(dir), RepositoryStore.DEFAULT_IDLE_TIMEOUT, env.clock(), env::lock);
    }

    @Override
    public RepositoryStore create(Path dir, io.ferry.repository.remote.RepositoryImages images) {
        Objects.requireNonNull(dir, "dir");
        return audit.change(FerryRole.ADMIN, "repo-store-create", String.valueOf(dir), () -> FileRepositoryStore.create(
                confined(dir), images, RepositoryStore.DEFAULT_IDLE_TIMEOUT, env.clock(), env::lock));
    }

    private static void authenticate(Path root, RepositoryConfig config, Map<String, Object> fields, MasterKeys keys) {
        try {
            config.authenticate(fields, keys);
        } catch (IllegalArgumentException e) {
            throw new RepositoryException(Reason.CORRUPT, "the config file " + root.resolve("config")
                    + " cannot be trusted: " + e.getMessage());
        }
    }

    /** The parsed fields of the config file, its format version checked. */
    private static Map<String, Object> readConfig(Path root) {
        Path file = root.resolve("config");
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw notARepository(root, "no config file");
        } catch (IOException e) {
            if (!Files.isDirectory(root)) {
                throw notARepository(root, "no such directory");
            }
            throw new RepositoryException(Reason.IO, "cannot read " + file + ": " + e.getMessage(), e);
        }
        Map<String, Object> fields;
        long version;
        try {
            fields = FlatJson.parse(text);
            version = RepositoryConfig.versionOf(fields);
        } catch (IllegalArgumentException e) {
            throw notARepository(root, "its config file is not a Ferry repository config: " + e.getMessage());
        }
        if (version > RepositoryConfig.FORMAT_VERSION) {
            throw new RepositoryException(Reason.UNSUPPORTED_VERSION, "repository " + root + " has format version "
                    + version + ", but this Ferry reads only format version " + RepositoryConfig.FORMAT_VERSION
                    + "; use a newer Ferry");
        }
        return fields;
    }

    private static RepositoryConfig parseConfig(Path root, Map<String, Object> fields) {
        Path file = root.resolve("config");
        try {
            return RepositoryConfig.fromFields(fields);
        } catch (IllegalArgumentException e) {
            throw new RepositoryException(Reason.CORRUPT, "the config file " + file + " is damaged: " + e.getMessage());
        }
    }

    private static KeyFile readKeyFile(Path root, RepositoryConfig config) {
        Path file = root.resolve("keys").resolve("key");
        KeyFile keyFile;
        try {
            keyFile = KeyFile.parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            throw new RepositoryException(Reason.CORRUPT, "repository " + root + " has no key file " + file
                    + "; restore it from a copy (without it the data cannot be decrypted)", e);
        } catch (IOException e) {
            throw new RepositoryException(Reason.IO, "cannot read " + file + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new RepositoryException(Reason.CORRUPT, "the key file " + file + " is damaged: " + e.getMessage()
                    + "; restore it from a copy", e);
        }
        if (!keyFile.repository().equals(config.id())) {
            throw new RepositoryException(Reason.CORRUPT, "the key file " + file + " belongs to repository "
                    + keyFile.repository() + ", but " + root + " is repository " + config.id()
                    + "; restore the right key file");
        }
        return keyFile;
    }

    private static RepositoryException notARepository(Path root, String why) {
        return new RepositoryException(Reason.NOT_A_REPOSITORY, "no Ferry repository at " + root + " (" + why
                + "); create one with ferry:repo-init or check the path");
    }

    static LZ4Factory loadLz4() {
        try {
            // explicit: inside OSGi fastestInstance() never picks the JNI implementation
            return LZ4Factory.nativeInstance();
        } catch (LinkageError | RuntimeException e) {
            LOG.warn("The native LZ4 library cannot be loaded; using the pure-Java LZ4, about 2.5x slower", e);
            return LZ4Factory.safeInstance();
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown-host";
        }
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger counter = new AtomicInteger();
        return r -> {
            // Ferry's own threads: a worker must not keep the Subject of the caller whose call created it
            Thread t = Caller.asSystem(() -> new Thread(r, prefix + "-" + counter.incrementAndGet()));
            t.setDaemon(true);
            return t;
        };
    }
}
