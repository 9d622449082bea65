package io.ferry.mover.internal.source;

import io.ferry.api.ConflictException;
import io.ferry.api.FerryException;
import io.ferry.api.NotFoundException;
import io.ferry.api.ValidationException;
import io.ferry.api.mover.DiskTarget;
import io.ferry.mover.internal.nativeio.AlignedBuffer;
import io.ferry.mover.internal.nativeio.Errno;
import io.ferry.mover.internal.nativeio.FileStat;
import io.ferry.mover.internal.nativeio.LibC;
import io.ferry.mover.internal.nativeio.NativeFile;
import io.ferry.mover.internal.nativeio.NativeIo;
import io.ferry.mover.internal.nativeio.NativeIoException;
import io.ferry.mover.internal.nativeio.ScratchBuffers;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A restore target on a local file or block device, written with {@code pwrite}.
 *
 * <p>A new path is created exclusively ({@code O_CREAT|O_EXCL}) and truncated to the size,
 * so it is sparse and every unwritten byte reads as zero; an existing regular file is
 * replaced only with {@code overwrite} (truncated to 0, then to the size). A block device
 * also needs {@code overwrite}, is opened {@code O_EXCL} (refused while mounted) and must be
 * at least the size; its old content stays where nothing is written, so
 * {@link #unwrittenReadsAsZero()} is false there. {@link #zero} punches holes in files
 * ({@code fallocate}) and uses {@code BLKZEROOUT} on devices, writing zeros where those
 * are not supported.
 *
 * <p>On regular files, writes whose buffer address, offset and length are 4 KiB-aligned
 * (all of a restore but the unaligned tail of a disk) go through a second descriptor opened
 * with {@code O_DIRECT}: a restore is write-bound, and bypassing the page cache writes
 * ~1.7x faster here (453 vs 263 MB/s with the final fsync, see perf-anchors) and does not
 * evict the proxy's cache. The rest goes through the page cache; {@link #flush()} syncs both.
 */
public final class FileDiskTarget implements DiskTarget {

    private static final Logger LOG = LoggerFactory.getLogger(FileDiskTarget.class);

    private static final int SCRATCH_SIZE = 4 << 20;
    private static final int ZERO_BUFFER_SIZE = 1 << 20;

    private final Path path;
    private final NativeFile file;
    private final boolean blockDevice;
    private final long size;
    private final boolean unwrittenReadsAsZero;
    private final int sectorSize;
    private final ScratchBuffers scratch = new ScratchBuffers(SCRATCH_SIZE, FileDiskSource.MAX_PARALLEL_READS);
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean punchHoles = true;
    private volatile boolean zeroOut = true;
    private AlignedBuffer zeros;
    /** O_DIRECT descriptor for aligned writes to regular files, or null; closed by {@link #close()}. */
    private NativeFile directFile;
    private volatile boolean useDirect;

    private FileDiskTarget(Path path, NativeFile file, boolean blockDevice, long size, boolean unwrittenReadsAsZero,
            int sectorSize) {
        this.path = path;
        this.file = file;
        this.blockDevice = blockDevice;
        this.size = size;
        this.unwrittenReadsAsZero = unwrittenReadsAsZero;
        this.sectorSize = sectorSize;
    }

    /** Creates or opens the target; the errors name the path and what to do. */
    static FileDiskTarget create(NativeIo io, Path path, long size, boolean overwrite) throws IOException {
        Path parent = path.getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new NotFoundException("Cannot create restore target " + path + ": the directory " + parent
                    + " does not exist (create it first)");
        }
        if (!Files.exists(path)) {
            try {
                return createNew(io, path, size);
            } catch (NativeIoException e) {
                if (e.errno() != Errno.EEXIST) {
                    throw e;
                }
                // Created by someone else since the check: treat it as existing.
            }
        }
        return openExisting(io, path, size, overwrite);
    }

    private static FileDiskTarget createNew(NativeIo io, Path path, long size) throws IOException {
        NativeFile file = io.open(path, LibC.O_RDWR | LibC.O_CREAT | LibC.O_EXCL, 0600);
        try {
            file.truncate(size);
            return new FileDiskTarget(path, file, false, size, true, 512).withDirectWrites(io);
        } catch (IOException | RuntimeException e) {
            FileDiskSource.closeQuietly(file, e);
            Files.deleteIfExists(path);
            throw e;
        }
    }

    private static FileDiskTarget openExisting(NativeIo io, Path path, long size, boolean overwrite)
            throws IOException {
        FileStat stat;
        try (NativeFile probe = io.open(path, LibC.O_RDONLY, 0)) {
            stat = probe.stat();
        }
        if (stat.isRegularFile()) {
            if (!overwrite) {
                throw new ConflictException("Restore target " + path + " already exists: choose a new path or pass"
                        + " overwrite (--overwrite) to replace it");
            }
            NativeFile file = io.open(path, LibC.O_RDWR, 0);
            try {
                file.truncate(0);
                file.truncate(size);
                return new FileDiskTarget(path, file, false, size, true, 512).withDirectWrites(io);
            } catch (IOException | RuntimeException e) {
                FileDiskSource.closeQuietly(file, e);
                throw e;
            }
        }
        if (stat.isBlockDevice()) {
            return openBlockDevice(io, path, size, overwrite);
        }
        throw new ValidationException("location", path + " is "
                + (stat.isDirectory() ? "a directory" : "neither a regular file nor a block device")
                + ": give a new file path or a block device as restore target");
    }

    private static FileDiskTarget openBlockDevice(NativeIo io, Path path, long size, boolean overwrite)
            throws IOException {
        if (!overwrite) {
            throw new ConflictException("Restore target " + path + " is a block device: its content will be"
                    + " overwritten; pass overwrite (--overwrite) to restore onto it");
        }
        NativeFile device;
        try {
            device = io.open(path, LibC.O_RDWR | LibC.O_EXCL, 0);
        } catch (NativeIoException e) {
            if (e.errno() == Errno.EBUSY) {
                throw new FerryException("Restore target " + path + " is in use (mounted, or open exclusively by"
                        + " another program): unmount it first", e);
            }
            throw e;
        }
        try {
            long deviceSize = device.blockDeviceSize();
            if (deviceSize < size) {
                throw new ValidationException("location", "Block device " + path + " is " + Sizes.human(deviceSize)
                        + ", the backup needs " + Sizes.human(size) + ": give a larger device");
            }
            return new FileDiskTarget(path, device, true, deviceSize, false, device.logicalBlockSize());
        } catch (IOException | RuntimeException e) {
            FileDiskSource.closeQuietly(device, e);
            throw e;
        }
    }

    private FileDiskTarget withDirectWrites(NativeIo io) {
        try {
            directFile = io.open(path, LibC.O_WRONLY | LibC.O_DIRECT, 0);
            useDirect = true;
        } catch (NativeIoException e) {
            LOG.debug("{}: no O_DIRECT writes ({}), writing through the page cache", path, e.getMessage());
        }
        return this;
    }

    private static boolean aligned(long value) {
        return (value & (AlignedBuffer.ALIGNMENT - 1)) == 0;
    }

    @Override
    public String description() {
        return path.toString();
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public boolean unwrittenReadsAsZero() {
        return unwrittenReadsAsZero;
    }

    @Override
    public void write(ByteBuffer src, long offset) throws IOException {
        int length = src.remaining();
        checkRange(offset, length);
        int base = src.position();
        if (useDirect && src.isDirect() && aligned(offset) && aligned(length)
                && aligned(com.sun.jna.Pointer.nativeValue(FileDiskSource.pointerAt(src, base)))) {
            try {
                directFile.pwriteFully(FileDiskSource.pointerAt(src, base), length, offset);
            } catch (NativeIoException e) {
                if (e.errno() != Errno.EINVAL) {
                    throw e;
                }
                // the file system wants a larger alignment: stop using O_DIRECT
                useDirect = false;
                LOG.info("{}: O_DIRECT write refused ({}), writing through the page cache", path, e.getMessage());
                file.pwriteFully(FileDiskSource.pointerAt(src, base), length, offset);
            }
        } else if (src.isDirect()) {
            file.pwriteFully(FileDiskSource.pointerAt(src, base), length, offset);
        } else {
            AlignedBuffer buffer = scratch.acquire();
            try {
                ByteBuffer view = buffer.view();
                long done = 0;
                while (done < length) {
                    int piece = (int) Math.min(length - done, buffer.capacity());
                    view.put(0, src, base + (int) done, piece);
                    file.pwriteFully(buffer.pointer(), piece, offset + done);
                    done += piece;
                }
            } finally {
                scratch.release(buffer);
            }
        }
        src.position(base + length);
    }

    @Override
    public void zero(long offset, long length) throws IOException {
        checkRange(offset, length);
        if (length == 0) {
            return;
        }
        if (blockDevice) {
            zeroDevice(offset, length);
        } else if (punchHoles) {
            try {
                file.punchHole(offset, length);
            } catch (NativeIoException e) {
                if (e.errno() != Errno.EOPNOTSUPP && e.errno() != Errno.ENOSYS) {
                    throw e;
                }
                punchHoles = false;
                LOG.debug("{}: the file system cannot punch holes ({}), writing zeros", path, e.getMessage());
                writeZeros(offset, length);
            }
        } else {
            writeZeros(offset, length);
        }
    }

    /** True while aligned writes use O_DIRECT (for tests and diagnostics). */
    boolean writesDirect() {
        return useDirect;
    }

    private void zeroDevice(long offset, long length) throws IOException {
        long end = offset + length;
        long first = (offset + sectorSize - 1) / sectorSize * sectorSize;
        long last = end / sectorSize * sectorSize;
        if (!zeroOut || first >= last) {
            writeZeros(offset, length);
            return;
        }
        writeZeros(offset, first - offset);
        try {
            file.blockZeroOut(first, last - first);
        } catch (NativeIoException e) {
            if (e.errno() != Errno.ENOTTY && e.errno() != Errno.EOPNOTSUPP && e.errno() != Errno.EINVAL) {
                throw e;
            }
            zeroOut = false;
            LOG.debug("{}: BLKZEROOUT refused ({}), writing zeros", path, e.getMessage());
            writeZeros(first, last - first);
        }
        writeZeros(last, end - last);
    }

    private void writeZeros(long offset, long length) throws NativeIoException {
        AlignedBuffer buffer = zeroBuffer();
        long done = 0;
        while (done < length) {
            long piece = Math.min(length - done, buffer.capacity());
            file.pwriteFully(buffer.pointer(), piece, offset + done);
            done += piece;
        }
    }

    private synchronized AlignedBuffer zeroBuffer() {
        if (zeros == null) {
            zeros = new AlignedBuffer(ZERO_BUFFER_SIZE);
            zeros.pointer().setMemory(0, ZERO_BUFFER_SIZE, (byte) 0);
        }
        return zeros;
    }

    @Override
    public void flush() throws IOException {
        file.fsync();
    }

    @Override
    public void close() throws IOException {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            useDirect = false;
            try {
                if (directFile != null) {
                    directFile.close();
                }
            } finally {
                file.close();
            }
        } finally {
            scratch.close();
            synchronized (this) {
                if (zeros != null) {
                    zeros.close();
                    zeros = null;
                }
            }
        }
    }

    private void checkRange(long offset, long length) throws IOException {
        if (offset < 0 || length < 0 || offset > size - length) {
            throw new IOException("Restore target " + path + ": cannot write " + length + " bytes at offset " + offset
                    + ", the target has " + size + " bytes");
        }
    }

    @Override
    public String toString() {
        return "FileDiskTarget[" + path + "]";
    }
}
