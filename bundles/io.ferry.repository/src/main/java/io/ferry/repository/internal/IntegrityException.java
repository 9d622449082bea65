package io.ferry.repository.internal;

/**
 * A stored chunk or manifest could not be read back intact (it is missing, fails
 * authentication, or does not hash to its id). {@link #problem()} is the short
 * form verify reports: "missing", "authentication failed", "hash mismatch" or
 * "unreadable: ...".
 */
final class IntegrityException extends Exception {
    private static final long serialVersionUID = 1L;

    static final String MISSING = "missing";
    static final String AUTHENTICATION_FAILED = "authentication failed";
    static final String HASH_MISMATCH = "hash mismatch";

    IntegrityException(String problem) {
        super(problem);
    }

    IntegrityException(String problem, Throwable cause) {
        super(problem, cause);
    }

    static IntegrityException unreadable(String why) {
        return new IntegrityException("unreadable: " + why);
    }

    String problem() {
        return getMessage();
    }
}
