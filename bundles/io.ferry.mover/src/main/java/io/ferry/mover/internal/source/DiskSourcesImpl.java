package io.ferry.mover.internal.source;

import io.ferry.api.FerryException;
import io.ferry.api.NotFoundException;
import io.ferry.api.ValidationException;
import io.ferry.api.mover.DiskSource;
import io.ferry.api.mover.DiskSources;
import io.ferry.api.mover.DiskTarget;
import io.ferry.api.mover.SourceOptions;
import io.ferry.mover.internal.nativeio.Errno;
import io.ferry.mover.internal.nativeio.NativeIoException;
import io.ferry.mover.internal.nativeio.NativeLibraries;
import io.ferry.mover.internal.nativeio.NbdHandle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * Opens disk sources and restore targets by location (see {@link DiskLocation#ACCEPTED_FORMS}):
 * local files and block devices through libc, NBD exports through libnbd. Native libraries
 * load on first use; a proxy without libnbd still handles local disks.
 *
 * <p>Configuration PID {@code io.ferry.mover} (shared with the data mover):
 * {@value #REQUEST_TIMEOUT_KEY} = how long one NBD request (read, write, zero, flush, block
 * status) may wait for the server's reply, in seconds (default 120). A request without a reply
 * in that time fails, naming the export, the request, its range and the deadline, and its
 * connection is closed: a hung NBD server fails the backup instead of hanging it.
 *
 * <p>Has public constructors for use outside OSGi (the benchmark harness, other bundles' tests).
 */
@Component(service = DiskSources.class, configurationPid = "io.ferry.mover")
public final class DiskSourcesImpl implements DiskSources {

    /** Configuration key of the NBD request deadline, in seconds. */
    public static final String REQUEST_TIMEOUT_KEY = "nbd.request.timeout.seconds";

    private final NativeLibraries natives;
    private final long requestTimeoutMillis;

    /** Default NBD request deadline ({@value NbdHandle#DEFAULT_REQUEST_TIMEOUT_MILLIS} ms). */
    public DiskSourcesImpl() {
        this(new NativeLibraries(), NbdHandle.DEFAULT_REQUEST_TIMEOUT_MILLIS);
    }

    /** {@code requestTimeout}: the deadline of each NBD request (at least 1 ms). */
    public DiskSourcesImpl(Duration requestTimeout) {
        this(new NativeLibraries(), requestTimeout.toMillis());
    }

    @Activate
    public DiskSourcesImpl(Map<String, Object> properties) {
        this(new NativeLibraries(), requestTimeoutMillis(properties.get(REQUEST_TIMEOUT_KEY)));
    }

    DiskSourcesImpl(NativeLibraries natives) {
        this(natives, NbdHandle.DEFAULT_REQUEST_TIMEOUT_MILLIS);
    }

    DiskSourcesImpl(NativeLibraries natives, long requestTimeoutMillis) {
        this.natives = Objects.requireNonNull(natives, "natives");
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
    public DiskSource open(String location, SourceOptions options) {
        SourceOptions opts = options == null ? SourceOptions.defaults() : options;
        DiskLocation parsed = DiskLocation.parse(location);
        if (parsed instanceof DiskLocation.NbdExport nbd) {
            return NbdDiskSource.open(natives.nbd(nbd.description()), nbd, opts, requestTimeoutMillis);
        }
        Path path = ((DiskLocation.LocalFile) parsed).path();
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
        if (size <= 0) {
            throw new ValidationException("size", "must be more than 0 bytes, was " + size);
        }
        SourceOptions opts = options == null ? SourceOptions.defaults() : options;
        DiskLocation parsed = DiskLocation.parse(location);
        if (parsed instanceof DiskLocation.NbdExport nbd) {
            return NbdDiskTarget.open(natives.nbd(nbd.description()), nbd, size, opts, requestTimeoutMillis);
        }
        Path path = ((DiskLocation.LocalFile) parsed).path();
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
