package io.ferry.api.audit;

/** How an audited call ended. */
public enum AuditResult {
    /** The change was made. */
    OK,
    /** The call failed; the entry's message says why. */
    ERROR,
    /** The caller's roles do not allow the action; nothing was done. */
    DENIED
}
