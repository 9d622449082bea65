package io.ferry.mover.internal.pipeline;

import io.ferry.api.FerryException;
import io.ferry.api.repository.RepositoryException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A bounded hand-off from one producer (the calling thread) to N worker threads, each
 * with its own state (its chunk buffers). The queue holds at most {@code 2 x N} tasks, so
 * memory is fixed. The first failure stops everything; cancellation (listener or
 * interrupt of the calling thread) too.
 *
 * @param <T> task type
 * @param <S> per-worker state
 */
final class Workers<T, S> {

    /** Work done by one worker on one task. */
    interface Job<T, S> {
        void run(T task, S state) throws Exception;
    }

    private static final Object END = new Object();

    private final BlockingQueue<Object> queue;
    private final Thread[] threads;
    private final CountDownLatch finished;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final ProgressTracker progress;
    private final Runnable onStop;
    private volatile boolean stopped;
    private boolean stopHookRan;

    Workers(String name, int count, java.util.function.Supplier<S> state, Job<T, S> job, ProgressTracker progress) {
        this(name, count, state, job, progress, () -> { });
    }

    /**
     * {@code onStop} runs once when the workers are stopped (a failure or a cancel), before
     * waiting for them: it ends their waits on a server (abort the source or target).
     */
    Workers(String name, int count, java.util.function.Supplier<S> state, Job<T, S> job, ProgressTracker progress,
            Runnable onStop) {
        this.onStop = onStop;
        this.queue = new ArrayBlockingQueue<>(2 * count);
        this.threads = new Thread[count];
        this.finished = new CountDownLatch(count);
        this.progress = progress;
        for (int i = 0; i < count; i++) {
            Thread t = new Thread(() -> work(state, job), name + "-" + i);
            t.setDaemon(true);
            threads[i] = t;
        }
        for (Thread t : threads) {
            t.start();
        }
    }

    @SuppressWarnings("unchecked")
    private void work(java.util.function.Supplier<S> stateFactory, Job<T, S> job) {
        try {
            S state = stateFactory.get();
            while (!stopped) {
                Object next = queue.poll(100, TimeUnit.MILLISECONDS);
                if (next == null) {
                    continue;
                }
                if (next == END) {
                    break;
                }
                job.run((T) next, state);
            }
        } catch (Throwable e) {
            fail(e);
        } finally {
            finished.countDown();
        }
    }

    private void fail(Throwable e) {
        failure.compareAndSet(null, e);
        stopped = true;
    }

    /** Hands a task to a worker, waiting while the queue is full; throws if the run failed or was cancelled. */
    void submit(T task) {
        try {
            while (!queue.offer(task, 100, TimeUnit.MILLISECONDS)) {
                checkHealthy();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop();
            throw cancelled();
        }
        checkHealthy();
    }

    /** Throws the first failure, or a cancellation, if any. */
    void checkHealthy() {
        if (Thread.currentThread().isInterrupted() || progress.cancelRequested()) {
            stop();
            throw cancelled();
        }
        Throwable f = failure.get();
        if (f != null) {
            stop();
            throw rethrow(f);
        }
    }

    /** Signals the end of the tasks and waits for the workers to finish them; throws on failure or cancel. */
    void finish() {
        for (int i = 0; i < threads.length; i++) {
            submit(endMarker());
        }
        try {
            while (!finished.await(100, TimeUnit.MILLISECONDS)) {
                checkHealthy();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop();
            throw cancelled();
        }
        checkHealthy();
    }

    @SuppressWarnings("unchecked")
    private T endMarker() {
        return (T) END;
    }

    /** Stops the workers (they finish their current task, waits on a server end) and waits briefly for them. */
    void stop() {
        boolean first;
        synchronized (this) {
            first = !stopHookRan;
            stopHookRan = true;
        }
        stopped = true;
        queue.clear();
        if (first) {
            try {
                onStop.run();
            } catch (RuntimeException e) {
                failure.compareAndSet(null, e);
            }
        }
        for (Thread t : threads) {
            try {
                t.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    static RepositoryException cancelled() {
        return new RepositoryException(RepositoryException.Reason.CANCELLED, "cancelled");
    }

    private static RuntimeException rethrow(Throwable f) {
        if (f instanceof FerryException fe) {
            return fe;
        }
        if (f instanceof Error err) {
            throw err;
        }
        return new FerryException(f.getMessage() == null ? f.toString() : f.getMessage(), f);
    }
}
