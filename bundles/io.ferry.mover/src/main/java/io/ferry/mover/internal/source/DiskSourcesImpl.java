package io.ferry.mover.internal.source;

import io.ferry.api.FerryException;
import io.ferry.api.NotFoundException;
import io.ferry.api.ValidationException;
import io.ferry.api.audit.Audit;
import io.ferry.api.audit.AuditLog;
import io.ferry.api.mover.DiskSource;
import io.ferry.api.mover.DiskSources;
import io.ferry.api.mover.DiskTarget;
import io.ferry.api.mover.SourceOptions;
import io.ferry.api.security.FerryRole;
import io.ferry.mover.internal.nativeio.Errno;
import io.ferry.mover.internal.nativeio.NativeIoException;
import io.ferry.mover.internal.nativeio.NativeLibraries;
import io.ferry.mover.internal.nativeio.NbdHandle;
import io.ferry.api.paths.PathArea;
import io.ferry.api.paths.PathPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * Opens disk sources and restore targets by location (see {@link DiskLocation#ACCEPTED_FORMS}):
 * local files and block devices through libc, NBD exports through libnbd. Native libraries
 * load on first use; a proxy without libnbd still handles local disks.
 *
 * <p>Every location is checked with the {@link PathPolicy} before it is touched: local
 * sources against {@code disk.roots}, targets against {@code restore.roots}, NBD sockets
 * against {@code socket.roots}, TCP NBD servers against {@code nbd.hosts}. Local paths are
 * used as the policy resolved them (symlinks followed), so what was checked is what is opened.
 *
 * <p>Configuration PID {@code io.ferry.mover} (shared with the data mover):
 * {@value #REQUEST_TIMEOUT_KEY} = how long one NBD request (read, write, zero, flush, block
 * status) may wait for the server's reply, in seconds (default 120). A request without a reply
 * in that time fails, naming the export, the request, its range and the deadline, and its
 * connection is closed: a hung NBD server fails the backup instead of hanging it.
 *
 * <p>Has public constructors without confinement: the benchmark harness and tests
 * use it outside OSGi, as a trusted program. The OSGi component always has the policy.
 */
@Component(service = DiskSources.class, configurationPid = "io.ferry.mover")
public final class DiskSourcesImpl implements DiskSources {

    /** Configuration key of the NBD request deadline, in seconds. */
    public static final String REQUEST_TIMEOUT_KEY = "nbd.request.timeout.seconds";

    /** No confinement: for the plain-JVM constructors only. */
    private static final PathPolicy UNCONFINED = new PathPolicy() {
        @Override
        public Path require(PathArea area, Path path) {
            return path.toAbsolutePath().normalize();
        }

        @Override
        public void requireNbdHost(String host, int port) {
            // everything allowed
        }

        @Override
        public List<Path> roots(PathArea area) {
            return List.of(Path.of("/"));
        }
    };

    private final NativeLibraries natives;
    private final PathPolicy policy;
    private final long requestTimeoutMillis;
    private volatile AuditLog auditLog = AuditLog.NONE;
    private final Audit audit = new Audit(() -> auditLog, Clock.systemUTC());

    /** Unconfined, default NBD request deadline ({@value NbdHandle#DEFAULT_REQUEST_TIMEOUT_MILLIS} ms). */
    public DiskSourcesImpl() {
        this(new NativeLibraries());
    }

    /** Unconfined; {@code requestTimeout}: the deadline of each NBD request (at least 1 ms). */
    public DiskSourcesImpl(Duration requestTimeout) {
        this(new NativeLibraries(), UNCONFINED, requestTimeout.toMillis());
    }

    /** Unconfined, with the configuration properties of PID {@code io.ferry.mover}. */
    public DiskSourcesImpl(Map<String, Object> properties) {
        this(new NativeLibraries(), UNCONFINED, requestTimeoutMillis(properties.get(REQUEST_TIMEOUT_KEY)));
    }

    DiskSourcesImpl(NativeLibraries natives) {
        this(natives, UNCONFINED, NbdHandle.DEFAULT_REQUEST_TIMEOUT_MILLIS);
    }

    /** Confined by {@code policy}, default NBD request deadline. */
    public DiskSourcesImpl(PathPolicy policy) {
        this(new NativeLibraries(), policy, NbdHandle.DEFAULT_REQUEST_TIMEOUT_MILLIS);
    }

    @Activate
    public DiskSourcesImpl(Map<String, Object> properties, @Reference(name = "PathPolicy") PathPolicy policy) {
        this(new NativeLibraries(), policy, requestTimeoutMillis(properties.get(REQUEST_TIMEOUT_KEY)));
    }

    DiskSourcesImpl(NativeLibraries natives, PathPolicy policy, long requestTimeoutMillis) {
        this.natives = Objects.requireNonNull(natives, "natives");
        this.policy = Objects.requireNonNull(policy, "policy");
        if (requestTimeoutMillis < 1) {
            throw new ValidationException(REQUEST_TIMEOUT_KEY, "the NBD request deadline must be positive, was "
                    + requestTimeoutMillis + " ms");
        }
        this.requestTimeoutMillis = requestTimeoutMillis;
    }

    /** The configured seconds (a positive number, fractions allowed) in ms; the default when absent. */
    static long requestTimeoutMillis(Object value) {
        if (value == null || value.toString().isBlank()) {
            return NbdHandle.DEFAULT_REQUEST_TIMEOUT_MILLIS;
        }
        double seconds;
        try {
            seconds = Double.parseDouble(value.toString().trim());
        } catch (NumberFormatException e) {
            seconds = Double.NaN;
        }
        if (!(seconds > 0) || seconds > 86_400) {
            throw new ValidationException(REQUEST_TIMEOUT_KEY, "io.ferry.mover " + REQUEST_TIMEOUT_KEY + ": '" + value
                    + "' is not a number of seconds between 0 and 86400 (e.g. 120)");
        }
        return Math.max(1, Math.round(seconds * 1000));
    }

    /** The deadline of each NBD request. */
    public Duration requestTimeout() {
        return Duration.ofMillis(requestTimeoutMillis);
    }

    @Override
    public void checkTarget(String location) {
        DiskLocation parsed = DiskLocation.parse(location);
        if (parsed instanceof DiskLocation.NbdExport nbd) {
            checkNbd(nbd);
        } else {
            policy.require(PathArea.RESTORE_TARGETS, ((DiskLocation.LocalFile) parsed).path());
        }
    }

    /** Checks the socket ({@code socket.roots}) or the host and port ({@code nbd.hosts}) of an export. */
    private void checkNbd(DiskLocation.NbdExport nbd) {
        if (nbd.unixSocket()) {
            policy.require(PathArea.NBD_SOCKETS, Path.of(nbd.socket()));
            return;
        }
        if (nbd.host() == null) {
            throw new ValidationException("location", "'" + nbd.description() + "' has no host name Ferry can check"
                    + " against nbd.hosts: write " + (nbd.tls() ? "nbds" : "nbd") + "://host[:port]/export");
        }
        policy.requireNbdHost(nbd.host(), nbd.port());
    }

    /** The catalog's audit log, when the inventory runs: refused opens are recorded there. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindAuditLog")
    void bindAuditLog(AuditLog log) {
        this.auditLog = log;
    }

    void unbindAuditLog(AuditLog log) {
        this.auditLog = AuditLog.NONE;
    }

    @Override
    public DiskSource open(String location, SourceOptions options) {
        audit.read(FerryRole.OPERATOR, "backup-disk");
        SourceOptions opts = options == null ? SourceOptions.defaults() : options;
        DiskLocation parsed = DiskLocation.parse(location);
        if (parsed instanceof DiskLocation.NbdExport nbd) {
            checkNbd(nbd);
            return NbdDiskSource.open(natives.nbd(nbd.description()), nbd, opts, requestTimeoutMillis);
        }
        Path path = policy.require(PathArea.DISK_SOURCES, ((DiskLocation.LocalFile) parsed).path());
        if (opts.dirtyBitmap() != null) {
            throw new ValidationException("dirtyBitmap", "disk source " + path + " is a local file or block device,"
                    + " which has no dirty bitmap '" + opts.dirtyBitmap() + "': dirty bitmaps come with NBD exports"
                    + " (qemu-nbd -B); leave the bitmap out");
        }
        if (!Files.exists(path)) {
            throw new NotFoundException("Disk source " + path + " does not exist (check the path)");
        }
        try {
            return FileDiskSource.open(natives.io(path.toString()), path, opts.directIo());
        } catch (IOException e) {
            throw openFailure("Cannot open disk source " + path, path, e);
        }
    }

    @Override
    public DiskTarget create(String location, long size, boolean overwrite, SourceOptions options) {
        audit.read(FerryRole.ADMIN, "restore-disk");
        if (size <= 0) {
            throw new ValidationException("size", "must be more than 0 bytes, was " + size);
        }
        SourceOptions opts = options == null ? SourceOptions.defaults() : options;
        DiskLocation parsed = DiskLocation.parse(location);
        if (parsed instanceof DiskLocation.NbdExport nbd) {
            checkNbd(nbd);
            return NbdDiskTarget.open(natives.nbd(nbd.description()), nbd, size, opts, requestTimeoutMillis);
        }
        Path path = policy.require(PathArea.RESTORE_TARGETS, ((DiskLocation.LocalFile) parsed).path());
        try {
            return FileDiskTarget.create(natives.io(path.toString()), path, size, overwrite);
        } catch (IOException e) {
            throw openFailure("Cannot create restore target " + path, path, e);
        }
    }

    private static FerryException openFailure(String what, Path path, IOException e) {
        if (e instanceof NativeIoException nativeError) {
            switch (nativeError.errno()) {
                case Errno.ENOENT:
                    return new NotFoundException(what + ": " + e.getMessage() + " (check the path)");
                case Errno.EACCES, Errno.EPERM:
                    return new FerryException(what + ": " + e.getMessage() + " (the proxy needs "
                            + "read/write access to " + path + ")", e);
                case Errno.ENOSPC, Errno.EDQUOT:
                    return new FerryException(what + ": " + e.getMessage() + " (free space on the file system of "
                            + path + ")", e);
                default:
                    break;
            }
        }
        return new FerryException(what + ": " + e.getMessage(), e);
    }
}
