package io.ferry.repository.internal;

import io.ferry.api.repository.Progress;
import io.ferry.api.repository.ProgressListener;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the work of one phase and passes snapshots to a listener, at most about five
 * times per second (and once at the end). Thread-safe.
 */
final class ProgressTicker {

    private static final long INTERVAL_NANOS = 200_000_000L;

    private final String phase;
    private final long total;
    private final ProgressListener listener;
    private final long start = System.nanoTime();
    private final AtomicLong done = new AtomicLong();
    private final AtomicLong read = new AtomicLong();
    private final AtomicLong stored = new AtomicLong();
    private final AtomicLong lastReport = new AtomicLong(start);

    ProgressTicker(String phase, long total, ProgressListener listener) {
        this.phase = phase;
        this.total = total;
        this.listener = listener;
    }

    void advance(long doneBytes, long readBytes, long storedBytes) {
        done.addAndGet(doneBytes);
        read.addAndGet(readBytes);
        stored.addAndGet(storedBytes);
        long now = System.nanoTime();
        long last = lastReport.get();
        if (now - last >= INTERVAL_NANOS && lastReport.compareAndSet(last, now)) {
            report();
        }
    }

    void finish() {
        report();
    }

    /** True when the listener asks to stop or the current thread was interrupted. */
    boolean cancelRequested() {
        return Thread.currentThread().isInterrupted() || listener.cancelRequested();
    }

    private void report() {
        long d = Math.min(done.get(), total);
        listener.progress(new Progress(phase, d, total, read.get(), stored.get(), Duration.ofNanos(System.nanoTime() - start)));
    }
}
