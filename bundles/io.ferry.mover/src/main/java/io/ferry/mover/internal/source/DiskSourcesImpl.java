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
import io.ferry.api.paths.PathArea;
import io.ferry.api.paths.PathPolicy;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

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
 * <p>Has a public no-arg constructor without confinement: the benchmark harness and tests
 * use it outside OSGi, as a trusted program. The OSGi component always has the policy.
 */
@Component(service = DiskSources.class)
public final class DiskSourcesImpl implements DiskSources {

    private static final int NBD_DEFAULT_PORT = 10809;

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

    public DiskSourcesImpl() {
        this(new NativeLibraries());
    }

    DiskSourcesImpl(NativeLibraries natives) {
        this(natives, UNCONFINED);
    }

    @Activate
    public DiskSourcesImpl(@Reference(name = "PathPolicy") PathPolicy policy) {
        this(new NativeLibraries(), policy);
    }

    DiskSourcesImpl(NativeLibraries natives, PathPolicy policy) {
        this.natives = Objects.requireNonNull(natives, "natives");
        this.policy = Objects.requireNonNull(policy, "policy");
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
        URI uri = URI.create(nbd.uri());
        if (nbd.unixSocket()) {
            String socket = URLDecoder.decode(UriText.queryValue(uri.getRawQuery(), "socket"), StandardCharsets.UTF_8);
            policy.require(PathArea.NBD_SOCKETS, Path.of(socket));
            return;
        }
        String host = uri.getHost();
        if (host == null) {
            throw new ValidationException("location", "'" + nbd.description() + "' has no host name Ferry can check"
                    + " against nbd.hosts: write " + (nbd.tls() ? "nbds" : "nbd") + "://host[:port]/export");
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        policy.requireNbdHost(host, uri.getPort() < 0 ? NBD_DEFAULT_PORT : uri.getPort());
    }

    @Override
    public DiskSource open(String location, SourceOptions options) {
        SourceOptions opts = options == null ? SourceOptions.defaults() : options;
        DiskLocation parsed = DiskLocation.parse(location);
        if (parsed instanceof DiskLocation.NbdExport nbd) {
            checkNbd(nbd);
            return NbdDiskSource.open(natives.nbd(nbd.description()), nbd, opts);
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
        if (size <= 0) {
            throw new ValidationException("size", "must be more than 0 bytes, was " + size);
        }
        SourceOptions opts = options == null ? SourceOptions.defaults() : options;
        DiskLocation parsed = DiskLocation.parse(location);
        if (parsed instanceof DiskLocation.NbdExport nbd) {
            checkNbd(nbd);
            return NbdDiskTarget.open(natives.nbd(nbd.description()), nbd, size, opts);
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
