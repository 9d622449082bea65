package io.ferry.inventory.internal;

import io.ferry.api.ConflictException;
import io.ferry.api.NotFoundException;
import io.ferry.api.ValidationException;
import io.ferry.api.session.ChangedBlockLedger;
import io.ferry.api.session.GuestRecord;
import io.ferry.api.session.Session;
import io.ferry.api.session.SessionStatus;
import io.ferry.api.session.SessionStore;
import io.ferry.api.session.TaskRecord;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link SessionStore} on the configuration database (schema V3). Every call is one
 * transaction. Sessions keep the name of their job as it ran; they are not part of the
 * inventory export and survive a replacing import and the deletion of their job.
 */
@Component(service = SessionStore.class)
public final class JdbcSessionStore implements SessionStore {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcSessionStore.class);
    static final String INTERRUPTED = "interrupted: Ferry stopped while the session was running";
    static final String LEDGER_INTERRUPTED = "a backup of this disk was interrupted (Ferry stopped while it ran):"
            + " changes may be missing from the bitmap, so the next backup reads the whole disk";
    private static final String SESSION_LIST = "ferry:session-list";
    /** How many matches an ambiguous id prefix lists. */
    private static final int PREFIX_MATCHES_SHOWN = 10;

    private final InventoryDatabase db;

    @Activate
    public JdbcSessionStore(@Reference InventoryDatabase db) {
        this.db = Objects.requireNonNull(db, "db");
    }

    @Override
    public Session create(Session session) {
        Objects.requireNonNull(session, "session");
        if (session.id().isBlank()) {
            throw new ValidationException("id", "a session needs an id");
        }
        checkUnique(session);
        return db.inTransaction(c -> {
            if (SessionTables.exists(c, session.id())) {
                throw new ConflictException("Session '" + session.id() + "' exists already: every run needs a new"
                        + " session id");
            }
            SessionTables.insert(c, session, InventoryStore.jobId(c, session.job()));
            return SessionTables.load(c, session.id()).orElseThrow();
        });
    }

    /** Task ids, and the VMs of guest records (ignoring case), are keys within a session. */
    private static void checkUnique(Session session) {
        Set<String> taskIds = new HashSet<>();
        for (int i = 0; i < session.tasks().size(); i++) {
            if (!taskIds.add(session.tasks().get(i).id())) {
                throw new ValidationException("tasks[" + i + "].id", "task '" + session.tasks().get(i).id()
                        + "' is listed twice: task ids are unique within a session");
            }
        }
        Set<String> vms = new HashSet<>();
        for (int i = 0; i < session.guests().size(); i++) {
            if (!vms.add(session.guests().get(i).vm().toLowerCase(Locale.ROOT))) {
                throw new ValidationException("guests[" + i + "].vm", "VM '" + session.guests().get(i).vm()
                        + "' has two guest processing records: one per VM");
            }
        }
    }

    @Override
    public void saveTask(String sessionId, TaskRecord task) {
        Objects.requireNonNull(task, "task");
        db.inTransaction(c -> {
            if (sessionId == null || !SessionTables.saveTask(c, sessionId, task)) {
                throw notFound(sessionId);
            }
            return null;
        });
    }

    @Override
    public void saveGuest(String sessionId, GuestRecord guest) {
        Objects.requireNonNull(guest, "guest");
        db.inTransaction(c -> {
            if (sessionId == null || !SessionTables.saveGuest(c, sessionId, guest)) {
                throw notFound(sessionId);
            }
            return null;
        });
    }

    @Override
    public Session finish(String sessionId, SessionStatus status, Instant finished, String message) {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(finished, "finished");
        if (!status.finished()) {
            throw new ValidationException("status", status + " is not a final status: finish session '" + sessionId
                    + "' as SUCCESS, WARNING, FAILED or STOPPED");
        }
        return db.inTransaction(c -> {
            if (!SessionTables.finish(c, sessionId, status, finished, message == null ? "" : message)) {
                throw notFound(sessionId);
            }
            return SessionTables.load(c, sessionId).orElseThrow();
        });
    }

    @Override
    public Optional<Session> session(String idOrPrefix) {
        if (idOrPrefix == null || idOrPrefix.isBlank()) {
            throw new ValidationException("session", "give a session id or its first characters (see "
                    + SESSION_LIST + ")");
        }
        String wanted = idOrPrefix.strip();
        return db.read(c -> {
            if (SessionTables.exists(c, wanted)) {
                return SessionTables.load(c, wanted);
            }
            List<String> matches = SessionTables.idsStartingWith(c, wanted, PREFIX_MATCHES_SHOWN + 1);
            if (matches.size() > 1) {
                String shown = String.join(", ", matches.subList(0, Math.min(matches.size(), PREFIX_MATCHES_SHOWN)))
                        + (matches.size() > PREFIX_MATCHES_SHOWN ? ", ..." : "");
                throw new ValidationException("session", "'" + wanted + "' is the start of several session ids ("
                        + shown + "): give more of the id");
            }
            return matches.isEmpty() ? Optional.empty() : SessionTables.load(c, matches.get(0));
        });
    }

    @Override
    public List<Session> sessions(String job, int limit) {
        if (limit < 1) {
            throw new ValidationException("limit", "must be at least 1, not " + limit);
        }
        return db.read(c -> {
            if (job == null) {
                return SessionTables.load(c, SessionTables.newestIds(c, Optional.empty(), Optional.empty(), limit));
            }
            // by the name the sessions ran as, and by the id of the job so named today (renamed jobs)
            return SessionTables.load(c, SessionTables.newestIds(c, Optional.of(job.strip()),
                    InventoryStore.jobId(c, job.strip()), limit));
        });
    }

    @Override
    public List<Session> failInterrupted(Instant now) {
        Objects.requireNonNull(now, "now");
        List<Session> failed = db.inTransaction(c -> {
            List<String> ids = SessionTables.runningIds(c);
            for (Session s : SessionTables.load(c, ids)) {
                for (TaskRecord t : SessionTables.failUnfinished(c, s, now)) {
                    for (String disk : chainKeys(t)) {
                        distrustLedger(c, disk, now);
                    }
                }
                SessionTables.finish(c, s.id(), SessionStatus.FAILED, now, INTERRUPTED);
            }
            return SessionTables.load(c, ids);
        });
        if (!failed.isEmpty()) {
            LOG.warn("Marked {} session(s) left running by a previous start of Ferry as failed: {}", failed.size(),
                    failed.stream().map(Session::id).toList());
        }
        return failed;
    }

    /**
     * The chain keys a task's disk may have in the ledger: {@code VM/LABEL} with the label's
     * characters other than letters, digits and {@code . _ : -} as {@code _} (how the job
     * runner derives them, io.ferry.jobs ChainKeys), and the label as it is.
     */
    static Set<String> chainKeys(TaskRecord t) {
        StringBuilder label = new StringBuilder(t.disk().length());
        for (char ch : t.disk().toCharArray()) {
            boolean kept = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9')
                    || "._:-".indexOf(ch) >= 0;
            label.append(kept ? ch : '_');
        }
        return new LinkedHashSet<>(List.of(t.vm() + "/" + label, t.vm() + "/" + t.disk()));
    }

    /**
     * A backup that was cut off may have rotated or half-merged its disk's bitmap: the ledger
     * entry of the disk stops being trusted, so the next backup reads the whole disk.
     */
    private static void distrustLedger(Connection c, String disk, Instant now) throws SQLException {
        Optional<ChangedBlockLedger> entry = SessionTables.ledger(c, disk);
        if (entry.isPresent() && entry.get().trusted()) {
            SessionTables.saveLedger(c, entry.get().untrusted(LEDGER_INTERRUPTED, now));
        }
    }

    @Override
    public Optional<ChangedBlockLedger> ledger(String disk) {
        Objects.requireNonNull(disk, "disk");
        return db.read(c -> SessionTables.ledger(c, disk));
    }

    @Override
    public void saveLedger(ChangedBlockLedger entry) {
        Objects.requireNonNull(entry, "entry");
        db.inTransaction(c -> {
            SessionTables.saveLedger(c, entry);
            return null;
        });
    }

    private static NotFoundException notFound(String sessionId) {
        return new NotFoundException("No session with id '" + sessionId + "' (see " + SESSION_LIST + ")");
    }
}
