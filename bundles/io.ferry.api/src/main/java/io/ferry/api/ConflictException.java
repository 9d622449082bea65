package io.ferry.api;

/**
 * A change collides with the current state: another administrator changed the same object
 * since it was read (optimistic locking), or a unique name is already taken. Nothing was
 * written; reload and try again.
 */
public class ConflictException extends FerryException {
    private static final long serialVersionUID = 1L;

    public ConflictException(String message) {
        super(message);
    }
}
