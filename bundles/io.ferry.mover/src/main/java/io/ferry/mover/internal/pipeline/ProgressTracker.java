package io.ferry.mover.internal.pipeline;

import io.ferry.api.repository.Progress;
import io.ferry.api.repository.ProgressListener;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the work of one backup or restore from several threads and reports it to a
 * listener at most every {@link #INTERVAL_NANOS} (and once at the end). A listener that
 * throws is ignored: progress reporting never breaks the data path.
 */
final class ProgressTracker {

    static final long INTERVAL_NANOS = 250_000_000L;

    private final String phase;
    private final long total;
    private final ProgressListener listener;
    private final long start = System.nanoTime();
    private final AtomicLong done = new AtomicLong();
    private final AtomicLong read = new AtomicLong();
    private final AtomicLong stored = new AtomicLong();
    private final AtomicLong lastReport = new AtomicLong(start);

    ProgressTracker(String phase, long total, ProgressListener listener) {
        this.phase = phase;
        this.total = total;
        this.listener = listener;
    }

    void add(long doneBytes, long readBytes, long storedBytes) {
        done.addAndGet(doneBytes);
        read.addAndGet(readBytes);
        stored.addAndGet(storedBytes);
        long now = System.nanoTime();
        long last = lastReport.get();
        if (now - last >= INTERVAL_NANOS && lastReport.compareAndSet(last, now)) {
            report();
        }
    }

    long read() {
        return read.get();
    }

    long stored() {
        return stored.get();
    }

    Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /** Reports the current state now (used at the end). */
    void report() {
        Progress p = new Progress(phase, Math.min(done.get(), total), total, read.get(), stored.get(), elapsed());
        try {
            listener.progress(p);
        } catch (RuntimeException e) {
            // a broken progress display must not fail a backup
        }
    }

    boolean cancelRequested() {
        try {
            return listener.cancelRequested();
        } catch (RuntimeException e) {
            return false;
        }
    }
}
