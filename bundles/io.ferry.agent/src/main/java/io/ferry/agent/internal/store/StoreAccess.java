package io.ferry.agent.internal.store;

import java.nio.file.Path;

/**
 * Who may use which repository directory through a {@link StoreService}, decided per call from
 * the caller's certificate (the implementation reads it from the call's context). A refusal is
 * a {@code PERMISSION_DENIED} status naming the caller and the handle.
 */
public interface StoreAccess {

    /** The directory behind {@code handle} for a backup or restore session of the caller. */
    Path directory(String handle);

    /**
     * The directory behind {@code handle} when the caller may also create the repository,
     * delete backups and prune (the manager, on a repository agent).
     */
    Path managed(String handle);

    /** Called after a repository was created in {@code dir} (to apply local rules). */
    default void created(Path dir) {
    }
}
