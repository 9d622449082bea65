package io.ferry.api.session;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Persists sessions and the changed-block ledger in the configuration database (H2 or
 * PostgreSQL), so that they survive restarts. Implemented by {@code io.ferry.inventory};
 * used by the job runner. Each call is one transaction.
 */
@ProviderType
public interface SessionStore {

    /** Stores a new session (status RUNNING, its tasks QUEUED). The id must be new. */
    Session create(Session session);

    /** Inserts or replaces one task of a session (by task id). */
    void saveTask(String sessionId, TaskRecord task);

    /** Inserts or replaces the guest processing record of one VM. */
    void saveGuest(String sessionId, GuestRecord guest);

    /** Ends a session. */
    Session finish(String sessionId, SessionStatus status, Instant finished, String message);

    /** A session by id or unique id prefix. */
    Optional<Session> session(String idOrPrefix);

    /** Sessions, newest first; of one job when {@code job} is not null; at most {@code limit}. */
    List<Session> sessions(String job, int limit);

    /**
     * Marks sessions left RUNNING by a previous process (crash, restart) as FAILED with the
     * message "interrupted: Ferry stopped while the session was running"; returns them.
     */
    List<Session> failInterrupted(Instant now);

    /** The changed-block ledger entry of a disk (chain key). */
    Optional<ChangedBlockLedger> ledger(String disk);

    /** Inserts or replaces a ledger entry. */
    void saveLedger(ChangedBlockLedger entry);
}
