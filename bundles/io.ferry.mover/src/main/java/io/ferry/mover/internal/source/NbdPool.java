package io.ferry.mover.internal.source;

import io.ferry.mover.internal.nativeio.NbdException;
import io.ferry.mover.internal.nativeio.NbdHandle;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Up to {@code max} NBD connections to one export, one per concurrent caller, connected on
 * demand. A connection whose call failed is closed, not reused (after a broken socket
 * libnbd's handle is dead); the next caller connects a fresh one. When the server does not
 * complete the handshake of a further connection within a few seconds (it allows fewer
 * clients: qemu-nbd's default is one), the pool stops growing and callers share the
 * connections it has.
 *
 * <p>Every wait of every connection checks the pool's {@link #stopReason()}: a cancel
 * check ({@link #cancelWhen}), an {@link #abort} or {@link #close()} ends the waits in
 * progress within a poll slice, closing their connections.
 */
final class NbdPool implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NbdPool.class);

    @FunctionalInterface
    interface NbdCall<T> {
        T apply(NbdHandle handle) throws IOException;
    }

    private final NbdConnector connector;
    private final Semaphore permits;
    private final LinkedBlockingDeque<NbdHandle> idle =
            new LinkedBlockingDeque<>();
    /** False once the server did not accept a further connection: wait for an idle one instead. */
    private volatile boolean canGrow = true;
    private final Set<NbdHandle> live = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;
    private volatile BooleanSupplier cancelled = () -> false;
    private volatile String aborted;

    /** {@code first} is the connection opened to check the export; it becomes the first idle one. */
    NbdPool(NbdConnector connector, int max, NbdHandle first) {
        this.connector = connector;
        this.permits = new Semaphore(max, true);
        connector.stopWhen(this::stopReason);
        first.stopWhen(this::stopReason);
        idle.push(first);
        live.add(first);
    }

    /** See {@link CancellableIo#cancelWhen}. */
    void cancelWhen(BooleanSupplier check) {
        cancelled = check == null ? () -> false : check;
    }

    /** See {@link CancellableIo#abort}. */
    void abort(String reason) {
        if (aborted == null) {
            aborted = reason;
        }
    }

    /** Why the waits of this pool must end now, or null. */
    String stopReason() {
        String reason = aborted;
        if (reason != null) {
            return reason;
        }
        if (closed) {
            return connector.description() + " is closed";
        }
        try {
            return cancelled.getAsBoolean() ? "cancelled" : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    <T> T call(NbdCall<T> call) throws IOException {
        failIfStopped();
        acquirePermit();
        NbdHandle handle = null;
        boolean healthy = false;
        try {
            handle = idle.poll();
            if (handle == null && canGrow) {
                handle = connect();
            }
            if (handle == null) {
                handle = awaitIdle();
            }
            T result = call.apply(handle);
            healthy = true;
            return result;
        } finally {
            if (handle != null) {
                release(handle, healthy);
            }
            permits.release();
        }
    }

    /** Runs {@code call} on every open connection (e.g. flush), each while no other caller uses it. */
    void callEach(NbdCall<Void> call) throws IOException {
        for (NbdHandle handle : List.copyOf(live)) {
            call.apply(handle);
        }
    }

    private void failIfStopped() throws InterruptedIOException {
        String reason = stopReason();
        if (reason != null) {
            throw new InterruptedIOException(reason);
        }
    }

    /** A new connection, or null when the server would not take one more (the pool stops growing). */
    private NbdHandle connect() throws NbdException, InterruptedIOException {
        failIfStopped();
        NbdHandle handle = live.isEmpty() ? connector.connect()
                : connector.connect(NbdConnector.EXTRA_CONNECT_TIMEOUT_MILLIS);
        if (handle == null) {
            canGrow = false;
            LOG.info("{}: the NBD server did not accept connection {} within {} s; reading over {} connection(s)",
                    connector.description(), live.size() + 1, NbdConnector.EXTRA_CONNECT_TIMEOUT_MILLIS / 1000,
                    live.size());
            return null;
        }
        live.add(handle);
        return handle;
    }

    private NbdHandle awaitIdle() throws IOException {
        try {
            while (true) {
                failIfStopped();
                NbdHandle handle = idle.poll(100, TimeUnit.MILLISECONDS);
                if (handle != null) {
                    return handle;
                }
                if (live.isEmpty()) {
                    // every connection broke: connect a fresh one (fails clearly if the server is gone)
                    NbdHandle fresh = connector.connect();
                    live.add(fresh);
                    return fresh;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for a connection to "
                    + connector.description());
        }
    }

    private void acquirePermit() throws InterruptedIOException {
        try {
            permits.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for a connection to "
                    + connector.description());
        }
    }

    private void release(NbdHandle handle, boolean healthy) {
        if (healthy && !closed) {
            idle.push(handle);
            if (!closed || !idle.remove(handle)) {
                return;
            }
        }
        live.remove(handle);
        if (healthy && aborted == null) {
            handle.shutdown();
        }
        handle.close();
    }

    /** Closes the idle connections; a connection in use ends its wait within a poll slice and is closed by its caller. */
    @Override
    public void close() {
        closed = true;
        // a clean disconnect for all connections together takes at most this long; none after an abort
        long deadline = System.nanoTime() + NbdHandle.DISCONNECT_TIMEOUT_MILLIS * 1_000_000L;
        NbdHandle handle;
        while ((handle = idle.poll()) != null) {
            live.remove(handle);
            if (aborted == null) {
                handle.shutdown(Math.max(0, (deadline - System.nanoTime()) / 1_000_000L));
            }
            handle.close();
        }
    }
}
