package io.ferry.api;

/**
 * Base of every error a Ferry service reports to its caller. The message is written for
 * an administrator: it names the object concerned and, where possible, what to do.
 */
public class FerryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public FerryException(String message) {
        super(message);
    }

    public FerryException(String message, Throwable cause) {
        super(message, cause);
    }
}
