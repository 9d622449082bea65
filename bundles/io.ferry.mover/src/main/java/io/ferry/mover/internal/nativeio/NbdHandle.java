package io.ferry.mover.internal.nativeio;

import com.sun.jna.Pointer;
import java.nio.file.Path;
import java.util.Objects;

/**
 * One libnbd handle (one NBD connection) and the only user of {@link LibNbd} calls. Every
 * call is libnbd's synchronous API: it returns, or fails when the connection breaks (no
 * hang when the server dies; a server that stops answering without closing the socket
 * does block). Calls on one handle are serialised (here and in libnbd): use one handle per
 * reading thread; {@link #close()} waits for a call in progress.
 */
public final class NbdHandle implements AutoCloseable {

    /** What {@link #blockStatus} reports, once per meta context. */
    @FunctionalInterface
    public interface ExtentVisitor {
        /**
         * @param context meta context, e.g. {@code base:allocation}
         * @param offset  where the first entry starts
         * @param entries (length, flags) pairs, unsigned 32-bit values
         */
        void extents(String context, long offset, int[] entries);
    }

    private final LibNbd nbd;
    private final String name;
    private volatile Pointer handle;

    /** Strongly reachable for the handle's lifetime: JNA frees callback trampolines of collected objects. */
    private final LibNbd.ExtentFn extentFn = this::onExtents;
    private ExtentVisitor visitor;
    private RuntimeException visitorFailure;

    private NbdHandle(LibNbd nbd, String name, Pointer handle) {
        this.nbd = nbd;
        this.name = name;
        this.handle = handle;
    }

    /** A new, unconnected handle; {@code name} (the URI without secrets) appears in every error. */
    public static NbdHandle create(LibNbd nbd, String name) throws NbdException {
        Objects.requireNonNull(nbd, "nbd");
        Pointer handle = nbd.nbd_create();
        if (handle == null) {
            throw new NbdException("nbd_create", "nbd_create(" + name + "): " + nbd.nbd_get_error(), nbd.nbd_get_errno());
        }
        return new NbdHandle(nbd, name, handle);
    }

    /** Requires TLS; {@code certificates} null means libnbd's defaults (system trust). */
    public synchronized void requireTls(Path certificates) throws NbdException {
        if (nbd.nbd_supports_tls(open()) != 1) {
            throw new NbdException("nbd_supports_tls", name + ": this libnbd was built without TLS support", 0);
        }
        check(nbd.nbd_set_tls(open(), LibNbd.LIBNBD_TLS_REQUIRE), "nbd_set_tls", "");
        if (certificates != null) {
            check(nbd.nbd_set_tls_certificates(open(), certificates.toString()), "nbd_set_tls_certificates",
                    ", " + certificates);
            check(nbd.nbd_set_tls_verify_peer(open(), 1), "nbd_set_tls_verify_peer", "");
        }
    }

    /** Asks for a meta context; must come before {@link #connectUri}. */
    public synchronized void addMetaContext(String context) throws NbdException {
        check(nbd.nbd_add_meta_context(open(), context), "nbd_add_meta_context", ", " + context);
    }

    public synchronized void connectUri(String uri) throws NbdException {
        check(nbd.nbd_connect_uri(open(), uri), "nbd_connect_uri", "");
    }

    /**
     * Connects and completes the handshake within {@code timeoutMillis}. Returns false on a
     * timeout (the handle is then unusable: close it). A server that has as many clients as
     * it allows (qemu-nbd's default is one) accepts the socket but never starts the
     * handshake; the synchronous {@link #connectUri} would wait forever for it.
     */
    public synchronized boolean connectUri(String uri, long timeoutMillis) throws NbdException {
        Pointer h = open();
        check(nbd.nbd_aio_connect_uri(h, uri), "nbd_aio_connect_uri", "");
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (flag(nbd.nbd_aio_is_connecting(h), "nbd_aio_is_connecting")) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                return false;
            }
            check(nbd.nbd_poll(h, (int) Math.min(left, 1000)), "nbd_poll", "");
        }
        if (!flag(nbd.nbd_aio_is_ready(h), "nbd_aio_is_ready")) {
            throw error("nbd_aio_connect_uri", "");
        }
        return true;
    }

    /** True when the server agreed to {@code context} during the handshake. */
    public synchronized boolean canMetaContext(String context) throws NbdException {
        return flag(nbd.nbd_can_meta_context(open(), context), "nbd_can_meta_context");
    }

    public synchronized long size() throws NbdException {
        long size = nbd.nbd_get_size(open());
        if (size < 0) {
            throw error("nbd_get_size", "");
        }
        return size;
    }

    /** The server's maximum request size, 0 when it did not say. */
    public synchronized long maxBlockSize() throws NbdException {
        long size = nbd.nbd_get_block_size(open(), LibNbd.LIBNBD_SIZE_MAXIMUM);
        if (size < 0) {
            throw error("nbd_get_block_size", "");
        }
        return size;
    }

    public synchronized boolean isReadOnly() throws NbdException {
        return flag(nbd.nbd_is_read_only(open()), "nbd_is_read_only");
    }

    public synchronized boolean canZero() throws NbdException {
        return flag(nbd.nbd_can_zero(open()), "nbd_can_zero");
    }

    public synchronized boolean canTrim() throws NbdException {
        return flag(nbd.nbd_can_trim(open()), "nbd_can_trim");
    }

    public synchronized boolean canFlush() throws NbdException {
        return flag(nbd.nbd_can_flush(open()), "nbd_can_flush");
    }

    public synchronized void pread(Pointer buf, long count, long offset) throws NbdException {
        check(nbd.nbd_pread(open(), buf, count, offset, 0), "nbd_pread", range(count, offset));
    }

    public synchronized void pwrite(Pointer buf, long count, long offset) throws NbdException {
        check(nbd.nbd_pwrite(open(), buf, count, offset, 0), "nbd_pwrite", range(count, offset));
    }

    /** Writes zeros; the server may punch a hole (no NO_HOLE flag). */
    public synchronized void zero(long count, long offset) throws NbdException {
        check(nbd.nbd_zero(open(), count, offset, 0), "nbd_zero", range(count, offset));
    }

    public synchronized void trim(long count, long offset) throws NbdException {
        check(nbd.nbd_trim(open(), count, offset, 0), "nbd_trim", range(count, offset));
    }

    public synchronized void flush() throws NbdException {
        check(nbd.nbd_flush(open(), 0), "nbd_flush", "");
    }

    /**
     * {@code nbd_block_status} for {@code [offset, offset + count)}, {@code count} < 4 GiB. The
     * server may describe less (or, for the last extent, more) than asked.
     */
    public synchronized void blockStatus(long count, long offset, ExtentVisitor extentVisitor) throws NbdException {
        LibNbd.ExtentCallback callback = new LibNbd.ExtentCallback();
        callback.callback = extentFn;
        visitor = extentVisitor;
        visitorFailure = null;
        try {
            int rc = nbd.nbd_block_status(open(), count, offset, callback, 0);
            if (visitorFailure != null) {
                throw visitorFailure;
            }
            check(rc, "nbd_block_status", range(count, offset));
        } finally {
            visitor = null;
            visitorFailure = null;
        }
    }

    private int onExtents(Pointer userData, String context, long offset, Pointer entries, long count, Pointer error) {
        try {
            visitor.extents(context, offset, entries.getIntArray(0, Math.toIntExact(count)));
            return 0;
        } catch (RuntimeException e) {
            visitorFailure = e;
            error.setInt(0, Errno.EIO);
            return -1;
        }
    }

    /** Asks the server to end the session cleanly (NBD_CMD_DISC); errors ignored (the connection may be gone). */
    public synchronized void shutdown() {
        if (handle != null) {
            nbd.nbd_shutdown(handle, 0);
        }
    }

    /** Frees the handle and closes the connection. */
    @Override
    public synchronized void close() {
        if (handle != null) {
            nbd.nbd_close(handle);
            handle = null;
        }
    }

    private Pointer open() throws NbdException {
        Pointer h = handle;
        if (h == null) {
            throw new NbdException("closed", name + ": the NBD connection is closed", Errno.ENOTCONN);
        }
        return h;
    }

    private void check(int rc, String call, String arguments) throws NbdException {
        if (rc == -1) {
            throw error(call, arguments);
        }
    }

    private boolean flag(int rc, String call) throws NbdException {
        if (rc == -1) {
            throw error(call, "");
        }
        return rc == 1;
    }

    /** Must run on the failing thread, right after the call: libnbd's error is thread-local. */
    private NbdException error(String call, String arguments) {
        String message = nbd.nbd_get_error();
        int errno = nbd.nbd_get_errno();
        if (message == null) {
            message = "unknown error (errno " + errno + ")";
        } else if (message.startsWith(call + ": ")) {
            message = message.substring(call.length() + 2);
        }
        return new NbdException(call, call + "(" + name + arguments + "): " + message, errno);
    }

    private static String range(long count, long offset) {
        return ", " + count + " bytes at " + offset;
    }

    @Override
    public String toString() {
        return "NBD connection to " + name;
    }
}
