package io.ferry.api.agent;

import io.ferry.api.FerryException;

/**
 * An enrollment token was refused: unknown, wrong secret, already used, expired, or for a
 * server that is no longer in the inventory. The message says which, and never contains the
 * secret.
 */
public class EnrollmentRefusedException extends FerryException {

    private static final long serialVersionUID = 1L;

    public EnrollmentRefusedException(String message) {
        super(message);
    }
}
