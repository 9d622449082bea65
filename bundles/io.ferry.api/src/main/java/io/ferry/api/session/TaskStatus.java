package io.ferry.api.session;

/** State of a task (one disk) or of a VM's guest processing. */
public enum TaskStatus {
    /** Waiting for a free task slot on its proxy. */
    QUEUED,
    RUNNING,
    SUCCESS,
    /** Done, with warnings. */
    WARNING,
    FAILED,
    /** The session was stopped before the task finished. */
    STOPPED,
    /** Not attempted (e.g. the plan could not process the disk, or guest processing is off). */
    SKIPPED,
    /**
     * Decided but not executed because the platform cannot run here (VMware, Hyper-V): the
     * record says what would have been done and by which proxy.
     */
    NOT_EXECUTED;

    public boolean finished() {
        return this != QUEUED && this != RUNNING;
    }

    /** True for the states {@code ferry:job-retry} runs again. */
    public boolean retryable() {
        return this == FAILED || this == STOPPED;
    }
}
