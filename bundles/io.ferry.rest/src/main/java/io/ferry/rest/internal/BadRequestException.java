package io.ferry.rest.internal;

/**
 * A malformed request (a query parameter that is not a number, a limit out of range): 400, with
 * the parameter named in the problem's {@code field}.
 */
final class BadRequestException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String field;

    BadRequestException(String field, String problem) {
        super(field + ": " + problem);
        this.field = field;
    }

    String field() {
        return field;
    }
}
