package io.ferry.mover.internal.source;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.ferry.api.ValidationException;
import io.ferry.api.mover.DiskSource;
import io.ferry.api.mover.Extent;
import io.ferry.api.mover.ExtentType;
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
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local regular file or block device read through libc.
 *
 * <p>Extents come from {@code lseek(SEEK_DATA/SEEK_HOLE)} (block devices: one DATA extent).
 * Reads use a second descriptor opened with {@code O_DIRECT} for the 4 KiB-aligned part of
 * a range when the options ask for direct I/O: straight into the caller's buffer when it
 * is direct and aligned ({@code ByteBuffer.allocateDirect(n + 4096).alignedSlice(4096)}),
 * else through a pooled aligned buffer and a copy. Unaligned heads and tails go through
 * the buffered descriptor, which is advised SEQUENTIAL and DONTNEED after each read so the
 * proxy's page cache is not filled with backup data.
 */
public final class FileDiskSource implements DiskSource {

    private static final Logger LOG = LoggerFactory.getLogger(FileDiskSource.class);

    static final int MAX_PARALLEL_READS = 4;
    static final int SCRATCH_SIZE = 4 << 20;
    private static final long ALIGN = AlignedBuffer.ALIGNMENT;

    private final Path path;
    private final NativeFile buffered;
    private final NativeFile direct;
    private final boolean blockDevice;
    private final long size;
    private final ScratchBuffers scratch = new ScratchBuffers(SCRATCH_SIZE, MAX_PARALLEL_READS);
    private final LongAdder directBytes = new LongAdder();
    private final LongAdder bufferedBytes = new LongAdder();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean directUsable;

    private FileDiskSource(Path path, NativeFile buffered, NativeFile direct, boolean blockDevice, long size) {
        this.path = path;
        this.buffered = buffered;
        this.direct = direct;
        this.blockDevice = blockDevice;
        this.size = size;
        this.directUsable = direct != null;
    }

    /**
     * Opens {@code path} read-only. Fails with a {@link ValidationException} when it is
     * neither a regular file nor a block device, with a {@link NativeIoException} when
     * libc refuses.
     */
    static FileDiskSource open(NativeIo io, Path path, boolean directIo) throws IOException {
        NativeFile buffered = io.open(path, LibC.O_RDONLY, 0);
        NativeFile direct = null;
        try {
            FileStat stat = buffered.stat();
            if (!stat.isRegularFile() && !stat.isBlockDevice()) {
                throw new ValidationException("location", path + " is "
                        + (stat.isDirectory() ? "a directory" : "neither a regular file nor a block device")
                        + ": give a disk image file or a block device");
            }
            long size = stat.isBlockDevice() ? buffered.blockDeviceSize() : stat.size();
            direct = directIo ? openDirect(io, path) : null;
            buffered.fadvise(0, 0, LibC.POSIX_FADV_SEQUENTIAL);
            return new FileDiskSource(path, buffered, direct, stat.isBlockDevice(), size);
        } catch (IOException | RuntimeException e) {
            closeQuietly(direct, e);
            closeQuietly(buffered, e);
            throw e;
        }
    }

    private static NativeFile openDirect(NativeIo io, Path path) throws NativeIoException {
        try {
            return io.open(path, LibC.O_RDONLY | LibC.O_DIRECT, 0);
        } catch (NativeIoException e) {
            if (e.errno() != Errno.EINVAL) {
                throw e;
            }
            LOG.debug("{}: the file system does not support O_DIRECT, reading through the page cache", path);
            return null;
        }
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
    public List<Extent> extents(long offset, long length) throws IOException {
        checkRange(offset, length);
        if (length == 0) {
            return List.of();
        }
        if (blockDevice) {
            return List.of(new Extent(offset, length, ExtentType.DATA));
        }
        try {
            return seekExtents(offset, offset + length);
        } catch (NativeIoException e) {
            if (e.errno() != Errno.EINVAL && e.errno() != Errno.EOPNOTSUPP) {
                throw e;
            }
            return List.of(new Extent(offset, length, ExtentType.DATA));
        }
    }

    private List<Extent> seekExtents(long from, long end) throws NativeIoException {
        List<Extent> extents = new ArrayList<>();
        long position = from;
        while (position < end) {
            long data = buffered.seekData(position);
            if (data < 0 || data >= end) {
                extents.add(new Extent(position, end - position, ExtentType.HOLE));
                break;
            }
            if (data > position) {
                extents.add(new Extent(position, data - position, ExtentType.HOLE));
            }
            long hole = buffered.seekHole(data);
            long dataEnd = hole <= data ? end : Math.min(hole, end);
            extents.add(new Extent(data, dataEnd - data, ExtentType.DATA));
            position = dataEnd;
        }
        return extents;
    }

    @Override
    public Optional<String> changedBlockTracking() {
        return Optional.empty();
    }

    @Override
    public List<Extent> changed(long offset, long length) {
        throw new IllegalStateException("Disk source " + path + " has no changed-block tracking (a local file or"
                + " block device): back it up without a dirty bitmap");
    }

    @Override
    public void read(ByteBuffer dst, long offset) throws IOException {
        int length = dst.remaining();
        if (offset < 0 || offset > size - length) {
            throw new IOException("Disk source " + path + ": cannot read " + length + " bytes at offset " + offset
                    + ", the disk has " + size + " bytes");
        }
        int base = dst.position();
        long end = offset + length;
        long first = alignUp(offset);
        long last = alignDown(end);
        if (directUsable && first < last) {
            readBuffered(dst, base, offset, first - offset);
            readDirectOrFallBack(dst, base + (int) (first - offset), first, last - first);
            readBuffered(dst, base + (int) (last - offset), last, end - last);
        } else {
            readBuffered(dst, base, offset, length);
        }
        dst.position(base + length);
    }

    private void readDirectOrFallBack(ByteBuffer dst, int index, long offset, long length) throws IOException {
        try {
            readDirect(dst, index, offset, length);
        } catch (NativeIoException e) {
            if (e.errno() != Errno.EINVAL) {
                throw e;
            }
            // The device wants a larger alignment than 4 KiB: stop trying O_DIRECT on it.
            directUsable = false;
            LOG.info("{}: O_DIRECT read refused ({}), reading through the page cache from now on", path,
                    e.getMessage());
            readBuffered(dst, index, offset, length);
        }
    }

    private void readDirect(ByteBuffer dst, int index, long offset, long length) throws NativeIoException {
        if (isAlignedAt(dst, index)) {
            direct.preadFully(pointerAt(dst, index), length, offset);
        } else {
            copyThroughScratch(direct, dst, index, offset, length);
        }
        directBytes.add(length);
    }

    private void readBuffered(ByteBuffer dst, int index, long offset, long length) throws NativeIoException {
        if (length == 0) {
            return;
        }
        if (dst.isDirect()) {
            buffered.preadFully(pointerAt(dst, index), length, offset);
        } else {
            copyThroughScratch(buffered, dst, index, offset, length);
        }
        buffered.fadvise(offset, length, LibC.POSIX_FADV_DONTNEED);
        bufferedBytes.add(length);
    }

    private void copyThroughScratch(NativeFile file, ByteBuffer dst, int index, long offset, long length)
            throws NativeIoException {
        AlignedBuffer buffer = scratch.acquire();
        try {
            ByteBuffer view = buffer.view();
            long done = 0;
            while (done < length) {
                int piece = (int) Math.min(length - done, buffer.capacity());
                file.preadFully(buffer.pointer(), piece, offset + done);
                dst.put(index + (int) done, view, 0, piece);
                done += piece;
            }
        } finally {
            scratch.release(buffer);
        }
    }

    private static boolean isAlignedAt(ByteBuffer dst, int index) {
        return dst.isDirect() && Pointer.nativeValue(pointerAt(dst, index)) % ALIGN == 0;
    }

    /** Native address of {@code dst[index]} (absolute index: the buffer's position is not applied). */
    static Pointer pointerAt(ByteBuffer dst, int index) {
        return Native.getDirectBufferPointer(dst).share(index);
    }

    @Override
    public int maxParallelReads() {
        return MAX_PARALLEL_READS;
    }

    /** Bytes read so far with O_DIRECT (for tests and diagnostics). */
    long directBytesRead() {
        return directBytes.sum();
    }

    /** Bytes read so far through the page cache. */
    long bufferedBytesRead() {
        return bufferedBytes.sum();
    }

    /** True when reads use O_DIRECT where aligned. */
    boolean usesDirectIo() {
        return directUsable;
    }

    @Override
    public void close() throws IOException {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        IOException failure = null;
        for (NativeFile file : new NativeFile[] {direct, buffered}) {
            try {
                if (file != null) {
                    file.close();
                }
            } catch (IOException e) {
                failure = failure == null ? e : failure;
            }
        }
        scratch.close();
        if (failure != null) {
            throw failure;
        }
    }

    private void checkRange(long offset, long length) {
        if (offset < 0 || length < 0 || offset > size - length) {
            throw new IllegalArgumentException("range " + offset + "+" + length + " is outside disk source " + path
                    + " (" + size + " bytes)");
        }
    }

    private static long alignUp(long value) {
        return (value + ALIGN - 1) & -ALIGN;
    }

    private static long alignDown(long value) {
        return value & -ALIGN;
    }

    static void closeQuietly(AutoCloseable resource, Throwable primary) {
        if (resource == null) {
            return;
        }
        try {
            resource.close();
        } catch (Exception e) {
            primary.addSuppressed(e);
        }
    }

    @Override
    public String toString() {
        return "FileDiskSource[" + path + "]";
    }
}
