package io.ferry.repository.remote;

import java.time.Instant;
import java.util.Objects;

/**
 * A session on the storage side: while it is open the store holds the repository's writer
 * lock shared for it, as a local backup or restore does (so no prune removes chunks under it).
 * A session that is idle longer than the store's idle timeout (no call naming its token) is
 * ended by the store: a key side that died does not block a prune for ever.
 *
 * @param token    unguessable handle, named by every call of the session
 * @param kind     what the session is for
 * @param backupId for a backup: the id the store reserved for it (the manifest must carry it); empty otherwise
 * @param started  the store's clock when the session began: a backup's start time
 */
public record StoreSession(String token, Kind kind, String backupId, Instant started) {

    /** What a session is for. */
    public enum Kind {
        /** Writing one backup: chunks are uploaded, then one manifest is committed. */
        BACKUP,
        /** Reading chunks for a restore (or for the chunk table of a parent). */
        RESTORE
    }

    public StoreSession {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(backupId, "backupId");
        Objects.requireNonNull(started, "started");
        if (kind == Kind.BACKUP && backupId.isEmpty()) {
            throw new IllegalArgumentException("a backup session has a backup id");
        }
    }
}
