package io.ferry.api.repository;

import io.ferry.api.FerryException;
import java.util.Objects;

/**
 * A repository could not be used. {@link #reason()} tells callers (and scripts, through
 * the shell's JSON output) what kind of problem it is; the message says it for a person,
 * naming the repository path and what to do.
 */
public class RepositoryException extends FerryException {
    private static final long serialVersionUID = 1L;

    /** What went wrong, coarsely. */
    public enum Reason {
        /** The directory holds no Ferry repository (no {@code config} file). */
        NOT_A_REPOSITORY,
        /** {@code repo-init} on a directory that is not empty. */
        ALREADY_EXISTS,
        /** The format version is newer than this Ferry understands. */
        UNSUPPORTED_VERSION,
        /** The password does not open the key file. Nothing was modified. */
        WRONG_PASSWORD,
        /** Another writer holds the lock that this operation needs. */
        LOCKED,
        /** Stored data failed its integrity check (authentication tag or hash). */
        CORRUPT,
        /** An I/O error: disk full, permission denied, device gone. */
        IO,
        /** The operation was cancelled by the caller. */
        CANCELLED
    }

    private final Reason reason;

    public RepositoryException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public RepositoryException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }
}
