package io.ferry.mover.internal.nativeio;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An open file descriptor. Positional calls ({@code pread}, {@code pwrite}, {@code lseek}
 * with SEEK_DATA/SEEK_HOLE) are safe from several threads at once; {@link #close()} once.
 * Every failure is a {@link NativeIoException} naming the call, the path and the range.
 */
public final class NativeFile implements AutoCloseable {

    private final NativeIo io;
    private final LibC libc;
    private final int fd;
    private final Path path;
    private final AtomicBoolean closed = new AtomicBoolean();

    NativeFile(NativeIo io, int fd, Path path) {
        this.io = io;
        this.libc = io.libc();
        this.fd = fd;
        this.path = path;
    }

    public Path path() {
        return path;
    }

    /**
     * One {@code pread}: returns the bytes read, 0 at end of file. Retries on EINTR.
     */
    public long pread(Pointer buf, long count, long offset) throws NativeIoException {
        while (true) {
            long n = libc.pread(fd, buf, count, offset);
            if (n >= 0) {
                return n;
            }
            NativeIoException error = io.lastError("pread", range(count, offset));
            if (error.errno() != Errno.EINTR) {
                throw error;
            }
        }
    }

    /** Reads exactly {@code count} bytes; a file that ends before is an error. */
    public void preadFully(Pointer buf, long count, long offset) throws NativeIoException {
        long done = 0;
        while (done < count) {
            long n = pread(buf.share(done), count - done, offset + done);
            if (n == 0) {
                throw new NativeIoException("pread", "pread(" + range(count, offset) + "): end of file after " + done
                        + " bytes (the file is shorter than expected: was it truncated while in use?)", 0);
            }
            done += n;
        }
    }

    /** Writes exactly {@code count} bytes (loops over short writes, retries on EINTR). */
    public void pwriteFully(Pointer buf, long count, long offset) throws NativeIoException {
        long done = 0;
        while (done < count) {
            long n = libc.pwrite(fd, buf.share(done), count - done, offset + done);
            if (n > 0) {
                done += n;
                continue;
            }
            NativeIoException error = n == 0
                    ? new NativeIoException("pwrite", "pwrite(" + range(count, offset) + "): wrote nothing after "
                            + done + " bytes", 0)
                    : io.lastError("pwrite", range(count, offset));
            if (error.errno() != Errno.EINTR) {
                throw error;
            }
        }
    }

    /** {@code lseek(SEEK_DATA)}: the first data offset at or after {@code offset}, -1 when only a hole follows. */
    public long seekData(long offset) throws NativeIoException {
        long result = libc.lseek(fd, offset, LibC.SEEK_DATA);
        if (result >= 0) {
            return result;
        }
        NativeIoException error = io.lastError("lseek", path + ", SEEK_DATA from " + offset);
        if (error.errno() == Errno.ENXIO) {
            return -1;
        }
        throw error;
    }

    /** {@code lseek(SEEK_HOLE)}: the first hole at or after {@code offset} (the file size when none). */
    public long seekHole(long offset) throws NativeIoException {
        long result = libc.lseek(fd, offset, LibC.SEEK_HOLE);
        if (result < 0) {
            throw io.lastError("lseek", path + ", SEEK_HOLE from " + offset);
        }
        return result;
    }

    /** {@code posix_fadvise}; returns 0 or the error number (advice is only a hint, callers may ignore it). */
    public int fadvise(long offset, long length, int advice) {
        return libc.posix_fadvise(fd, offset, length, advice);
    }

    /** Deallocates a range, keeping the file size: it reads as zeros afterwards. */
    public void punchHole(long offset, long length) throws NativeIoException {
        if (libc.fallocate(fd, LibC.FALLOC_FL_PUNCH_HOLE | LibC.FALLOC_FL_KEEP_SIZE, offset, length) != 0) {
            throw io.lastError("fallocate", path + ", punch hole " + length + " bytes at " + offset);
        }
    }

    public void truncate(long size) throws NativeIoException {
        if (libc.ftruncate(fd, size) != 0) {
            throw io.lastError("ftruncate", path + ", " + size + " bytes");
        }
    }

    public void fsync() throws NativeIoException {
        if (libc.fsync(fd) != 0) {
            throw io.lastError("fsync", path.toString());
        }
    }

    public FileStat stat() throws NativeIoException {
        try (Memory buf = new Memory(LibC.STAT_SIZE)) {
            buf.clear();
            int rc;
            try {
                rc = libc.fstat(fd, buf);
            } catch (UnsatisfiedLinkError oldGlibc) {
                rc = libc.__fxstat(1, fd, buf);
            }
            if (rc != 0) {
                throw io.lastError("fstat", path.toString());
            }
            return new FileStat(buf.getInt(LibC.STAT_MODE_OFFSET), buf.getLong(LibC.STAT_SIZE_OFFSET),
                    buf.getLong(LibC.STAT_BLOCKS_OFFSET));
        }
    }

    /** Size of a block device ({@code ioctl BLKGETSIZE64}). */
    public long blockDeviceSize() throws NativeIoException {
        try (Memory size = new Memory(8)) {
            if (libc.ioctl(fd, LibC.BLKGETSIZE64, size) != 0) {
                throw io.lastError("ioctl", path + ", BLKGETSIZE64");
            }
            return size.getLong(0);
        }
    }

    /** Logical sector size of a block device ({@code ioctl BLKSSZGET}). */
    public int logicalBlockSize() throws NativeIoException {
        try (Memory size = new Memory(4)) {
            if (libc.ioctl(fd, LibC.BLKSSZGET, size) != 0) {
                throw io.lastError("ioctl", path + ", BLKSSZGET");
            }
            return size.getInt(0);
        }
    }

    /**
     * Zeroes a range of a block device ({@code ioctl BLKZEROOUT}; offset and length must be
     * multiples of the logical sector size).
     */
    public void blockZeroOut(long offset, long length) throws NativeIoException {
        try (Memory range = new Memory(16)) {
            range.setLong(0, offset);
            range.setLong(8, length);
            if (libc.ioctl(fd, LibC.BLKZEROOUT, range) != 0) {
                throw io.lastError("ioctl", path + ", BLKZEROOUT " + length + " bytes at " + offset);
            }
        }
    }

    /** Closes the descriptor; later calls are no-ops. */
    @Override
    public void close() throws NativeIoException {
        if (closed.compareAndSet(false, true) && libc.close(fd) != 0) {
            NativeIoException error = io.lastError("close", path.toString());
            if (error.errno() != Errno.EINTR) {
                throw error;
            }
        }
    }

    private String range(long count, long offset) {
        return path + ", " + count + " bytes at " + offset;
    }

    @Override
    public String toString() {
        return "fd " + fd + " (" + path + ")";
    }
}
