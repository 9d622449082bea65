package io.ferry.mover.internal.nativeio;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Entry to libc for the disk code: opens {@link NativeFile}s and turns {@code errno} into
 * {@link NativeIoException}s that name the call, the path and the error. One instance per
 * loaded {@link LibC} (see {@link NativeLibraries}); thread-safe.
 */
public final class NativeIo {

    private final LibC libc;
    private final Charset fileNameCharset;

    public NativeIo(LibC libc) {
        this.libc = Objects.requireNonNull(libc, "libc");
        this.fileNameCharset = fileNameCharset();
    }

    public LibC libc() {
        return libc;
    }

    /**
     * Opens {@code path} with {@code open(2)} flags ({@link LibC#O_RDONLY} etc.; {@code O_CLOEXEC}
     * is always added) and creation {@code mode}.
     */
    public NativeFile open(Path path, int flags, int mode) throws NativeIoException {
        int fd = libc.open(cString(path.toString()), flags | LibC.O_CLOEXEC, mode);
        if (fd < 0) {
            throw lastError("open", path + openFlags(flags));
        }
        return new NativeFile(this, fd, path);
    }

    /** The error of the libc call that just failed on this thread. */
    public NativeIoException lastError(String call, String arguments) {
        return error(call, arguments, Native.getLastError());
    }

    /** {@code call(arguments): message (errno N)}. */
    public NativeIoException error(String call, String arguments, int errno) {
        return new NativeIoException(call, call + "(" + arguments + "): " + strerror(errno) + " (errno " + errno + ")",
                errno);
    }

    /** The C-locale message for {@code errno} (glibc's {@code strerror_r} for numbers this code does not know). */
    public String strerror(int errno) {
        String known = Errno.knownMessage(errno);
        if (known != null) {
            return known;
        }
        try (Memory buf = new Memory(256)) {
            Pointer message = libc.strerror_r(errno, buf, buf.size());
            return message == null ? "error " + errno : message.getString(0, fileNameCharset.name());
        }
    }

    byte[] cString(String value) {
        byte[] bytes = value.getBytes(fileNameCharset);
        byte[] terminated = new byte[bytes.length + 1];
        System.arraycopy(bytes, 0, terminated, 0, bytes.length);
        return terminated;
    }

    private static String openFlags(int flags) {
        StringBuilder text = new StringBuilder();
        text.append((flags & LibC.O_RDWR) != 0 ? ", O_RDWR" : (flags & LibC.O_WRONLY) != 0 ? ", O_WRONLY" : ", O_RDONLY");
        if ((flags & LibC.O_CREAT) != 0) {
            text.append("|O_CREAT");
        }
        if ((flags & LibC.O_EXCL) != 0) {
            text.append("|O_EXCL");
        }
        if ((flags & LibC.O_DIRECT) != 0) {
            text.append("|O_DIRECT");
        }
        return text.toString();
    }

    /** The JVM's own encoding for file names, so that a path means the same file to Java and to libc. */
    private static Charset fileNameCharset() {
        String name = System.getProperty("sun.jnu.encoding");
        try {
            return name == null ? StandardCharsets.UTF_8 : Charset.forName(name);
        } catch (IllegalArgumentException e) {
            return StandardCharsets.UTF_8;
        }
    }
}
