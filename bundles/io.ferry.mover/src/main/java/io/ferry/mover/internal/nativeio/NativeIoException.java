package io.ferry.mover.internal.nativeio;

import java.io.IOException;

/**
 * A failed libc call. The message names the call, the path, the offset and size where
 * relevant and the error, e.g.
 * {@code pread(/srv/disk.raw, 4194304 bytes at 8388608): Input/output error (errno 5)}.
 */
public final class NativeIoException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String call;
    private final int errno;

    public NativeIoException(String call, String message, int errno) {
        super(message);
        this.call = call;
        this.errno = errno;
    }

    /** The libc function, e.g. {@code pread}. */
    public String call() {
        return call;
    }

    /** The error number ({@link Errno}), 0 when the call did not fail with one (e.g. a short read). */
    public int errno() {
        return errno;
    }

    /** True for ENOSPC and EDQUOT: the file system (or the user's quota) is full. */
    public boolean noSpace() {
        return errno == Errno.ENOSPC || errno == Errno.EDQUOT;
    }
}
