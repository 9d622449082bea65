package io.ferry.mover.internal.source;

import io.ferry.mover.internal.nativeio.NbdException;
import io.ferry.mover.internal.nativeio.NbdHandle;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;

/**
 * Up to {@code max} NBD connections to one export, one per concurrent caller, connected on
 * demand. A connection whose call failed is closed, not reused (after a broken socket
 * libnbd's handle is dead); the next caller connects a fresh one.
 */
final class NbdPool implements AutoCloseable {

    @FunctionalInterface
    interface NbdCall<T> {
        T apply(NbdHandle handle) throws IOException;
    }

    private final NbdConnector connector;
    private final Semaphore permits;
    private final ConcurrentLinkedDeque<NbdHandle> idle = new ConcurrentLinkedDeque<>();
    private final Set<NbdHandle> live = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /** {@code first} is the connection opened to check the export; it becomes the first idle one. */
    NbdPool(NbdConnector connector, int max, NbdHandle first) {
        this.connector = connector;
        this.permits = new Semaphore(max, true);
        idle.push(first);
        live.add(first);
    }

    <T> T call(NbdCall<T> call) throws IOException {
        acquirePermit();
        NbdHandle handle = null;
        boolean healthy = false;
        try {
            handle = idle.poll();
            if (handle == null) {
                handle = connect();
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

    private NbdHandle connect() throws NbdException, InterruptedIOException {
        if (closed) {
            throw new InterruptedIOException(connector.description() + " is closed");
        }
        NbdHandle handle = connector.connect();
        live.add(handle);
        return handle;
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
        if (healthy) {
            handle.shutdown();
        }
        handle.close();
    }

    @Override
    public void close() {
        closed = true;
        NbdHandle handle;
        while ((handle = idle.poll()) != null) {
            live.remove(handle);
            handle.shutdown();
            handle.close();
        }
    }
}
