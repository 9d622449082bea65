package io.ferry.mover.internal.nativeio;

import java.util.Map;

/**
 * Linux errno values the disk code reacts to, and their glibc messages in the C locale.
 * The messages are fixed here, not taken from {@code strerror}, so that an error reads the
 * same whatever the proxy's locale (a script or a test can rely on "No space left on device").
 */
public final class Errno {

    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EINTR = 4;
    public static final int EIO = 5;
    public static final int ENXIO = 6;
    public static final int EBADF = 9;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EBUSY = 16;
    public static final int EEXIST = 17;
    public static final int ENODEV = 19;
    public static final int ENOTDIR = 20;
    public static final int EISDIR = 21;
    public static final int EINVAL = 22;
    public static final int ENOTTY = 25;
    public static final int EFBIG = 27;
    public static final int ENOSPC = 28;
    public static final int ESPIPE = 29;
    public static final int EROFS = 30;
    public static final int EPIPE = 32;
    public static final int ENOSYS = 38;
    public static final int ENOTCONN = 107;
    public static final int ESHUTDOWN = 108;
    public static final int ETIMEDOUT = 110;
    public static final int ECONNREFUSED = 111;
    public static final int EOPNOTSUPP = 95;
    public static final int ECONNRESET = 104;
    public static final int EDQUOT = 122;
    public static final int ECANCELED = 125;

    private static final Map<Integer, String> MESSAGES = Map.ofEntries(
            Map.entry(EPERM, "Operation not permitted"),
            Map.entry(ENOENT, "No such file or directory"),
            Map.entry(EINTR, "Interrupted system call"),
            Map.entry(EIO, "Input/output error"),
            Map.entry(ENXIO, "No such device or address"),
            Map.entry(EBADF, "Bad file descriptor"),
            Map.entry(EAGAIN, "Resource temporarily unavailable"),
            Map.entry(ENOMEM, "Cannot allocate memory"),
            Map.entry(EACCES, "Permission denied"),
            Map.entry(EBUSY, "Device or resource busy"),
            Map.entry(EEXIST, "File exists"),
            Map.entry(ENODEV, "No such device"),
            Map.entry(ENOTDIR, "Not a directory"),
            Map.entry(EISDIR, "Is a directory"),
            Map.entry(EINVAL, "Invalid argument"),
            Map.entry(ENOTTY, "Inappropriate ioctl for device"),
            Map.entry(EFBIG, "File too large"),
            Map.entry(ENOSPC, "No space left on device"),
            Map.entry(ESPIPE, "Illegal seek"),
            Map.entry(EROFS, "Read-only file system"),
            Map.entry(EPIPE, "Broken pipe"),
            Map.entry(ENOSYS, "Function not implemented"),
            Map.entry(EOPNOTSUPP, "Operation not supported"),
            Map.entry(ECONNRESET, "Connection reset by peer"),
            Map.entry(ENOTCONN, "Transport endpoint is not connected"),
            Map.entry(ESHUTDOWN, "Cannot send after transport endpoint shutdown"),
            Map.entry(ETIMEDOUT, "Connection timed out"),
            Map.entry(ECONNREFUSED, "Connection refused"),
            Map.entry(EDQUOT, "Disk quota exceeded"),
            Map.entry(ECANCELED, "Operation canceled"));

    private Errno() {
    }

    /** The C-locale message, or null when this table does not know the number. */
    static String knownMessage(int errno) {
        return MESSAGES.get(errno);
    }
}
