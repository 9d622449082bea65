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
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;
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
 * <p>Has a public no-arg constructor: the benchmark harness uses it outside OSGi.
 */
@Component(service = DiskSources.class)
public final class DiskSourcesImpl implements DiskSources {

    private final NativeLibraries natives;
    private volatile AuditLog auditLog = AuditLog.NONE;
    private final Audit audit = new Audit(() -> auditLog, Clock.systemUTC());

    public DiskSourcesImpl() {
        this(new NativeLibraries());
    }

    DiskSourcesImpl(NativeLibraries natives) {
        this.natives = Objects.requireNonNull(natives, "natives");
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
            return NbdDiskSource.open(natives.nbd(nbd.description()), nbd, opts);
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
        audit.read(FerryRole.ADMIN, "restore-disk");
        if (size <= 0) {
            throw new ValidationException("size", "must be more than 0 bytes, was " + size);
        }
        SourceOptions opts = options == null ? SourceOptions.defaults() : options;
        DiskLocation parsed = DiskLocation.parse(location);
        if (parsed instanceof DiskLocation.NbdExport nbd) {
            return NbdDiskTarget.open(natives.nbd(nbd.description()), nbd, size, opts);
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
