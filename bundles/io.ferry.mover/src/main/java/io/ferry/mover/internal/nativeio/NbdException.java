package io.ferry.mover.internal.nativeio;

import java.io.IOException;

/**
 * A failed libnbd call: names the call, the export (URI without secrets), the range where
 * relevant and libnbd's own message, e.g.
 * {@code nbd_pread(nbd://10.0.0.5/disk0, 4194304 bytes at 8388608): recv: Connection reset by peer}.
 */
public final class NbdException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String call;
    private final int errno;

    public NbdException(String call, String message, int errno) {
        super(message);
        this.call = call;
        this.errno = errno;
    }

    public String call() {
        return call;
    }

    /** libnbd's errno for the failure ({@link Errno}), 0 when it gave none. */
    public int errno() {
        return errno;
    }
}
