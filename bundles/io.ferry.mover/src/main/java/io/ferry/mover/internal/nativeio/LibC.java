package io.ferry.mover.internal.nativeio;

import com.sun.jna.Library;
import com.sun.jna.Pointer;

/**
 * The C library calls of the local disk sources and targets, mapped with JNA (interface
 * mapping, {@code Native.load("c", LibC.class)} through {@link NativeLibraries}).
 *
 * <p>Constants and the {@code struct stat} layout are those of Linux on x86-64 (glibc);
 * {@link NativeLibraries} refuses other platforms. Types: {@code size_t}, {@code ssize_t},
 * {@code off_t} are Java {@code long}. Calls that set {@code errno} are checked by
 * {@link NativeFile} through {@code Native.getLastError()}; {@code posix_fadvise} returns
 * its error code instead.
 */
public interface LibC extends Library {

    int O_RDONLY = 0;
    int O_WRONLY = 01;
    int O_RDWR = 02;
    int O_CREAT = 0100;
    int O_EXCL = 0200;
    int O_TRUNC = 01000;
    int O_DIRECT = 040000;
    int O_CLOEXEC = 02000000;

    int SEEK_SET = 0;
    int SEEK_END = 2;
    int SEEK_DATA = 3;
    int SEEK_HOLE = 4;

    int POSIX_FADV_NORMAL = 0;
    int POSIX_FADV_SEQUENTIAL = 2;
    int POSIX_FADV_DONTNEED = 4;

    int FALLOC_FL_KEEP_SIZE = 0x01;
    int FALLOC_FL_PUNCH_HOLE = 0x02;

    /** {@code _IOR(0x12, 114, size_t)}: block device size in bytes (u64). */
    long BLKGETSIZE64 = 0x80081272L;
    /** {@code _IO(0x12, 127)}: zero a byte range {@code uint64_t[2] = {start, length}} of a block device. */
    long BLKZEROOUT = 0x127fL;
    /** {@code _IO(0x12, 104)}: logical sector size (int). */
    long BLKSSZGET = 0x1268L;

    int S_IFMT = 0170000;
    int S_IFREG = 0100000;
    int S_IFBLK = 0060000;
    int S_IFDIR = 0040000;

    /** {@code sizeof(struct stat)} on x86-64. */
    int STAT_SIZE = 144;
    int STAT_MODE_OFFSET = 24;
    int STAT_SIZE_OFFSET = 48;
    int STAT_BLOCKS_OFFSET = 64;

    /** {@code path} is a NUL-terminated byte string in the file-name encoding (see {@link NativeFile}). */
    int open(byte[] path, int flags, int mode);

    int close(int fd);

    long pread(int fd, Pointer buf, long count, long offset);

    long pwrite(int fd, Pointer buf, long count, long offset);

    /** Returns 0 or the error number; does not set errno. */
    int posix_fadvise(int fd, long offset, long len, int advice);

    long lseek(int fd, long offset, int whence);

    int fallocate(int fd, int mode, long offset, long len);

    int ftruncate(int fd, long length);

    int fsync(int fd);

    /** glibc >= 2.33 exports {@code fstat}; older ones only {@code __fxstat} (see {@link NativeFile#stat()}). */
    int fstat(int fd, Pointer statbuf);

    int __fxstat(int version, int fd, Pointer statbuf);

    int ioctl(int fd, long request, Pointer arg);

    /** The GNU variant (glibc's default symbol): returns the message, in {@code buf} or static. */
    Pointer strerror_r(int errnum, Pointer buf, long buflen);
}
