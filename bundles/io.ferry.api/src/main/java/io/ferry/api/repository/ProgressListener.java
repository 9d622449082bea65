package io.ferry.api.repository;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Receives progress of long-running work, and may ask for it to stop. Called from worker
 * threads, at most a few times per second and once at the end; implementations must be
 * thread-safe and fast.
 */
@ConsumerType
@FunctionalInterface
public interface ProgressListener {

    /** Ignores progress and never cancels. */
    ProgressListener NONE = p -> { };

    void progress(Progress progress);

    /**
     * Polled between chunks. When it returns true the work stops as soon as possible with a
     * {@link RepositoryException} of reason {@code CANCELLED}; a cancelled backup leaves no
     * trace but unreferenced chunks (removed by the next prune). Thread interruption has the
     * same effect.
     */
    default boolean cancelRequested() {
        return false;
    }
}
