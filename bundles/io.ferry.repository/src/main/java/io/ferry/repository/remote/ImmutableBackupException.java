package io.ferry.repository.remote;

import io.ferry.api.ConflictException;

/**
 * The storage side refused to delete a backup: the repository is append-only, or the backup
 * is locked until a date that has not come yet. Its local policy decides; nobody on the other
 * side of a link can override it.
 */
public class ImmutableBackupException extends ConflictException {
    private static final long serialVersionUID = 1L;

    public ImmutableBackupException(String message) {
        super(message);
    }
}
