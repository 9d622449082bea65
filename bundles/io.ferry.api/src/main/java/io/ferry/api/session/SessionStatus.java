package io.ferry.api.session;

/** State of a session (one run of a job). */
public enum SessionStatus {
    /** Tasks are queued or running. */
    RUNNING,
    /** Every task succeeded. */
    SUCCESS,
    /** Every disk was backed up, with warnings (e.g. a transport fallback, guest processing failed over). */
    WARNING,
    /** At least one task failed (the others may have succeeded: a failed disk does not stop the rest). */
    FAILED,
    /** Stopped by an operator; tasks that had not finished are STOPPED. */
    STOPPED;

    public boolean finished() {
        return this != RUNNING;
    }
}
