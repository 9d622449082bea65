package io.ferry.mover.internal.source;

import java.util.function.BooleanSupplier;

/**
 * A disk source or target of this bundle whose waits for a server can be ended from
 * outside (the NBD ones). The pipeline gives it the cancel check of its run, and aborts it
 * when the run fails or is cancelled, so that no thread of a run waits on a server after
 * the run has ended; each wait notices within a poll slice (a fraction of a second).
 */
public interface CancellableIo {

    /**
     * Every wait for the server checks {@code cancelled} between poll slices; true ends the
     * wait: the request fails ({@code ECANCELED}) and its connection is closed. Replaces the
     * previous check; {@code () -> false} removes it.
     */
    void cancelWhen(BooleanSupplier cancelled);

    /**
     * Ends every wait in progress, and fails every later request, with {@code reason}
     * (idempotent: the first reason stays). Only closing is left to do afterwards.
     */
    void abort(String reason);
}
