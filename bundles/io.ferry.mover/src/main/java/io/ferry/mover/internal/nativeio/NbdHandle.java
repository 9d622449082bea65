package io.ferry.mover.internal.nativeio;

import com.sun.jna.Pointer;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * One libnbd handle (one NBD connection) and the only user of {@link LibNbd} calls. Every
 * request (read, write, zero, flush, block status) goes through libnbd's asynchronous API
 * and is waited for by polling the handle in short slices, so that none can hang:
 * <ul>
 * <li>a request without a reply within the <b>request deadline</b> fails with
 *     {@code ETIMEDOUT}, naming the export, the request, its range and the deadline;</li>
 * <li>a wait ends within a slice when the calling thread is interrupted or the
 *     {@link #stopWhen stop check} gives a reason (cancel, abort), with {@code ECANCELED};</li>
 * <li>a broken connection fails the request with libnbd's reason.</li>
 * </ul>
 * After a deadline or a stop the handle is closed before the call returns: the server
 * connection is abandoned and libnbd no longer writes into (or reads from) the caller's
 * buffer. Calls on one handle are serialised: use one handle per thread.
 */
public final class NbdHandle implements AutoCloseable {

    /** The request deadline when none is given: a healthy server answers a 32 MiB read in well under a second. */
    public static final long DEFAULT_REQUEST_TIMEOUT_MILLIS = 120_000;
    /** Longest single poll: how soon a wait notices a stop request. */
    static final int POLL_SLICE_MILLIS = 200;
    /** How long a clean disconnect may take before the connection is simply closed. */
    public static final long DISCONNECT_TIMEOUT_MILLIS = 2_000;

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
    private final long requestTimeoutMillis;
    private volatile Pointer handle;
    /** Non-null result: stop waiting (why). Checked between poll slices, from the waiting thread. */
    private volatile Supplier<String> stopCheck = () -> null;

    /** Strongly reachable for the handle's lifetime: JNA frees callback trampolines of collected objects. */
    private final LibNbd.ExtentFn extentFn = this::onExtents;
    /** LIBNBD_NULL_COMPLETION: commands are retired with nbd_aio_command_completed. */
    private final LibNbd.CompletionCallback noCompletion = new LibNbd.CompletionCallback();
    private ExtentVisitor visitor;
    private RuntimeException visitorFailure;

    private NbdHandle(LibNbd nbd, String name, Pointer handle, long requestTimeoutMillis) {
        this.nbd = nbd;
        this.name = name;
        this.handle = handle;
        this.requestTimeoutMillis = requestTimeoutMillis;
    }

    /** A new, unconnected handle with the {@linkplain #DEFAULT_REQUEST_TIMEOUT_MILLIS default} request deadline. */
    public static NbdHandle create(LibNbd nbd, String name) throws NbdException {
        return create(nbd, name, DEFAULT_REQUEST_TIMEOUT_MILLIS);
    }

    /**
     * A new, unconnected handle; {@code name} (the URI without secrets) appears in every error.
     * Each request must be answered within {@code requestTimeoutMillis} (at least 1).
     */
    public static NbdHandle create(LibNbd nbd, String name, long requestTimeoutMillis) throws NbdException {
        Objects.requireNonNull(nbd, "nbd");
        if (requestTimeoutMillis < 1) {
            throw new IllegalArgumentException("the NBD request deadline must be at least 1 ms, was "
                    + requestTimeoutMillis);
        }
        Pointer handle = nbd.nbd_create();
        if (handle == null) {
            throw new NbdException("nbd_create", "nbd_create(" + name + "): " + nbd.nbd_get_error(), nbd.nbd_get_errno());
        }
        return new NbdHandle(nbd, name, handle, requestTimeoutMillis);
    }

    /**
     * Sets what every wait of this handle checks between poll slices (any thread may call
     * this): a non-null reason ends the wait, closes the connection and fails the request
     * with that reason.
     */
    public void stopWhen(Supplier<String> check) {
        stopCheck = Objects.requireNonNull(check, "check");
    }

    public long requestTimeoutMillis() {
        return requestTimeoutMillis;
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

    /**
     * Connects and completes the handshake within {@code timeoutMillis}. Returns false on a
     * timeout (the handle is then unusable: close it). A server that has as many clients as
     * it allows (qemu-nbd's default is one) accepts the socket but never starts the
     * handshake; a synchronous connect would wait forever for it.
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
            String stop = stopReason();
            if (stop != null) {
                throw new NbdException("nbd_aio_connect_uri", "nbd_aio_connect_uri(" + name + "): " + stop,
                        stopErrno());
            }
            check(nbd.nbd_poll(h, (int) Math.min(left, POLL_SLICE_MILLIS)), "nbd_poll", "");
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
        String arguments = range(count, offset);
        await(nbd.nbd_aio_pread(open(), buf, count, offset, noCompletion, 0), "nbd_pread", arguments);
    }

    public synchronized void pwrite(Pointer buf, long count, long offset) throws NbdException {
        String arguments = range(count, offset);
        await(nbd.nbd_aio_pwrite(open(), buf, count, offset, noCompletion, 0), "nbd_pwrite", arguments);
    }

    /** Writes zeros; the server may punch a hole (no NO_HOLE flag). */
    public synchronized void zero(long count, long offset) throws NbdException {
        String arguments = range(count, offset);
        await(nbd.nbd_aio_zero(open(), count, offset, noCompletion, 0), "nbd_zero", arguments);
    }

    public synchronized void flush() throws NbdException {
        await(nbd.nbd_aio_flush(open(), noCompletion, 0), "nbd_flush", "");
    }

    /**
     * Block status for {@code [offset, offset + count)}, {@code count} < 4 GiB. The server may
     * describe less (or, for the last extent, more) than asked. The visitor runs on this
     * thread (libnbd calls it while this thread polls).
     */
    public synchronized void blockStatus(long count, long offset, ExtentVisitor extentVisitor) throws NbdException {
        LibNbd.ExtentCallback callback = new LibNbd.ExtentCallback();
        callback.callback = extentFn;
        visitor = extentVisitor;
        visitorFailure = null;
        String arguments = range(count, offset);
        try {
            await(nbd.nbd_aio_block_status(open(), count, offset, callback, noCompletion, 0), "nbd_block_status",
                    arguments);
        } catch (NbdException e) {
            if (visitorFailure != null) {
                throw visitorFailure;
            }
            throw e;
        } finally {
            visitor = null;
            visitorFailure = null;
        }
    }

    /**
     * Waits for the command {@code cookie} (or fails for -1, the submission's error). On a
     * deadline or a stop the handle is closed first: the command's buffer is then no longer
     * used by libnbd when the caller gets it back.
     */
    private void await(long cookie, String call, String arguments) throws NbdException {
        if (cookie == -1) {
            throw error(call, arguments);
        }
        Pointer h = open();
        long deadline = System.nanoTime() + requestTimeoutMillis * 1_000_000L;
        while (true) {
            int done = nbd.nbd_aio_command_completed(h, cookie);
            if (done == 1) {
                return;
            }
            if (done == -1) {
                throw error(call, arguments);
            }
            String stop = stopReason();
            if (stop != null) {
                int errno = stopErrno();
                abandon();
                throw new NbdException(call, call + "(" + name + arguments + "): " + stop
                        + "; the connection was closed", errno);
            }
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                abandon();
                throw new NbdException(call, call + "(" + name + arguments + "): no reply within "
                        + seconds(requestTimeoutMillis) + " (the NBD request deadline); the connection was closed",
                        Errno.ETIMEDOUT);
            }
            if (nbd.nbd_poll(h, (int) Math.min(left, POLL_SLICE_MILLIS)) == -1) {
                NbdException broken = error(call, arguments);
                abandon();
                throw broken;
            }
        }
    }

    /** Why a wait must end now, or null: interrupt of this thread first, then the stop check. */
    private String stopReason() {
        if (Thread.currentThread().isInterrupted()) {
            return "interrupted";
        }
        try {
            return stopCheck.get();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static int stopErrno() {
        return Thread.currentThread().isInterrupted() ? Errno.EINTR : Errno.ECANCELED;
    }

    /** Closes the connection without telling the server (it may not answer); in-flight commands are dropped. */
    private void abandon() {
        Pointer h = handle;
        if (h != null) {
            handle = null;
            nbd.nbd_close(h);
        }
    }

    static String seconds(long millis) {
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
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

    /**
     * Asks the server to end the session cleanly (NBD_CMD_DISC) and waits at most
     * {@link #DISCONNECT_TIMEOUT_MILLIS} for it; errors ignored (the connection may be gone).
     */
    public void shutdown() {
        shutdown(DISCONNECT_TIMEOUT_MILLIS);
    }

    /**
     * Like {@link #shutdown()}, waiting at most {@code timeoutMillis} (0: send and do not wait).
     * Not {@code nbd_shutdown}: it waits without limit for a server that does not answer.
     */
    public synchronized void shutdown(long timeoutMillis) {
        Pointer h = handle;
        if (h == null || nbd.nbd_aio_disconnect(h, 0) == -1) {
            return;
        }
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (nbd.nbd_aio_is_closed(h) == 0 && nbd.nbd_aio_is_dead(h) == 0) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0 || nbd.nbd_poll(h, (int) Math.min(left, POLL_SLICE_MILLIS)) == -1) {
                return;
            }
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
