package io.ferry.rest.internal;

/** A change of a versioned object without If-Match: 428, naming the ETag to send. */
final class PreconditionRequiredException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    PreconditionRequiredException(String message) {
        super(message);
    }
}
