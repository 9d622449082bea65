package io.ferry.api.agent;

import io.ferry.api.FerryException;

/**
 * A result for a task attempt that no longer counts: the task was offered again as a newer
 * attempt, its lease expired, or another server holds it. The message names the attempt and
 * why; the result must be discarded.
 */
public class StaleAttemptException extends FerryException {

    private static final long serialVersionUID = 1L;

    public StaleAttemptException(String message) {
        super(message);
    }
}
