package io.ferry.api.selection;

/** Outcome of one decision in a plan. */
public enum DecisionStatus {
    /** A server was chosen and has a free task slot now. */
    ASSIGNED,
    /** A server was chosen but its slots are full: the task queues (see the wave). */
    WAITING_FOR_SLOT,
    /** No server can do it; the reason says why. */
    CANNOT_PROCESS,
    /** Nothing to decide (e.g. the job has no guest processing). */
    NOT_REQUIRED,
    /** No installed plugin serves the VM's platform. */
    PLATFORM_UNSERVED
}
