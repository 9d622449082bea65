package io.ferry.inventory.internal;

import io.ferry.api.ConflictException;
import io.ferry.api.NotFoundException;
import io.ferry.api.ValidationException;
import io.ferry.api.agent.StaleAttemptException;
import io.ferry.api.agent.TaskAttempt;
import io.ferry.api.agent.TaskLease;
import io.ferry.api.agent.TaskLeases;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@link TaskLeases} in tables {@code task_leases} and {@code task_lease_candidates}
 * (V5__agents.sql). Claims and expiries pick their rows with {@code SELECT ... FOR UPDATE SKIP
 * LOCKED} (PostgreSQL and H2 2.x both have it), so concurrent claimers skip each other's rows
 * instead of waiting; each row is then changed by an {@code UPDATE} that repeats the condition
 * and counts only when it changed a row, so a row that another transaction changed between the
 * two statements is never handed out twice.
 *
 * <p>A lease lasts {@link #LEASE} from the claim or the last renewal. Liveness of a candidate
 * (for the preference order) is a heartbeat recorded in {@code agents} within that time.
 */
@Component(service = TaskLeases.class)
public final class JdbcTaskLeases implements TaskLeases {
    /** How long a lease lasts without renewal; a lost agent's tasks are expired after at most this. */
    public static final Duration LEASE = Duration.ofSeconds(30);
    static final int MAX_CLAIM = 1000;
    private static final String DONE = "DONE";
    private static final String EXPIRED = "EXPIRED";

    private final InventoryDatabase db;
    private final Clock clock;
    private final Duration lease;

    @Activate
    public JdbcTaskLeases(@Reference InventoryDatabase db) {
        this(db, Clock.systemUTC(), LEASE);
    }

    JdbcTaskLeases(InventoryDatabase db, Clock clock, Duration lease) {
        this.db = Objects.requireNonNull(db, "db");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.lease = Objects.requireNonNull(lease, "lease");
    }

    @Override
    public void offer(TaskAttempt attempt, List<String> candidates) {
        Objects.requireNonNull(attempt, "attempt");
        Objects.requireNonNull(candidates, "candidates");
        if (candidates.isEmpty()) {
            throw new ValidationException("candidates", "task " + attempt + " needs at least one server to run on");
        }
        Bounded.text("sessionId", attempt.sessionId(), 128);
        Bounded.text("taskId", attempt.taskId(), 512);
        long now = Bounded.nanos("now", clock.instant());
        db.inTransaction(c -> {
            List<String> ids = candidateIds(c, candidates);
            try (PreparedStatement p = c.prepareStatement("SELECT attempt FROM task_leases WHERE session_id = ?"
                    + " AND task_id = ? FOR UPDATE")) {
                p.setString(1, attempt.sessionId());
                p.setString(2, attempt.taskId());
                try (ResultSet rs = p.executeQuery()) {
                    if (!rs.next()) {
                        insertOffer(c, attempt, ids, now);
                        return null;
                    }
                    int current = rs.getInt(1);
                    if (current > attempt.attempt()) {
                        throw new ConflictException("Task " + attempt.taskId() + " of session " + attempt.sessionId()
                                + " is at attempt " + current + " already; attempt " + attempt.attempt()
                                + " cannot be offered again");
                    }
                    if (current == attempt.attempt()) {
                        if (!candidateIdsOf(c, attempt).equals(ids)) {
                            throw new ConflictException("Task " + attempt + " was offered to other servers already;"
                                    + " offer a new attempt to change them");
                        }
                        return null;
                    }
                }
            }
            reoffer(c, attempt, ids, now);
            return null;
        });
    }

    private static List<String> candidateIds(Connection c, List<String> candidates) throws SQLException {
        List<String> ids = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String name : candidates) {
            String id = InventoryStore.serverId(c, Objects.requireNonNull(name, "candidate"))
                    .orElseThrow(() -> NotFoundException.of("server", name, "ferry:server-list"));
            if (!seen.add(id)) {
                throw new ValidationException("candidates", "server '" + name + "' is named twice");
            }
            ids.add(id);
        }
        return ids;
    }

    private static void insertOffer(Connection c, TaskAttempt attempt, List<String> ids, long now)
            throws SQLException {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO task_leases (session_id, task_id, attempt, state,"
                + " offered_ns) VALUES (?, ?, ?, 'OFFERED', ?)")) {
            p.setString(1, attempt.sessionId());
            p.setString(2, attempt.taskId());
            p.setInt(3, attempt.attempt());
            p.setLong(4, now);
            p.executeUpdate();
        }
        insertCandidates(c, attempt, ids);
    }

    private static void reoffer(Connection c, TaskAttempt attempt, List<String> ids, long now) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("UPDATE task_leases SET attempt = ?, state = 'OFFERED',"
                + " holder_id = NULL, lease_until_ns = NULL, offered_ns = ? WHERE session_id = ? AND task_id = ?")) {
            p.setInt(1, attempt.attempt());
            p.setLong(2, now);
            p.setString(3, attempt.sessionId());
            p.setString(4, attempt.taskId());
            p.executeUpdate();
        }
        try (PreparedStatement p = c.prepareStatement("DELETE FROM task_lease_candidates WHERE session_id = ?"
                + " AND task_id = ?")) {
            p.setString(1, attempt.sessionId());
            p.setString(2, attempt.taskId());
            p.executeUpdate();
        }
        insertCandidates(c, attempt, ids);
    }

    private static void insertCandidates(Connection c, TaskAttempt attempt, List<String> ids) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO task_lease_candidates (session_id, task_id,"
                + " position, server_id) VALUES (?, ?, ?, ?)")) {
            for (int i = 0; i < ids.size(); i++) {
                p.setString(1, attempt.sessionId());
                p.setString(2, attempt.taskId());
                p.setInt(3, i);
                p.setString(4, ids.get(i));
                p.addBatch();
            }
            p.executeBatch();
        }
    }

    private static List<String> candidateIdsOf(Connection c, TaskAttempt attempt) throws SQLException {
        return InventoryStore.strings(c, "SELECT server_id FROM task_lease_candidates WHERE session_id = ?"
                + " AND task_id = ? ORDER BY position", attempt.sessionId(), attempt.taskId());
    }

    @Override
    public List<TaskLease> claim(String server, int max) {
        Objects.requireNonNull(server, "server");
        if (max < 1 || max > MAX_CLAIM) {
            throw new ValidationException("max", "claims take 1 to " + MAX_CLAIM + " tasks at a time, not " + max);
        }
        Instant now = clock.instant();
        long until = Bounded.nanos("until", now.plus(lease));
        long liveSince = Bounded.nanos("now", now.minus(lease));
        return db.inTransaction(c -> {
            String serverId = requireServer(c, server);
            // The task's candidates before this server, whose agents are live, have it first.
            List<TaskAttempt> picked = attempts(c, "SELECT l.session_id, l.task_id, l.attempt FROM task_leases l"
                    + " WHERE l.state = 'OFFERED' AND EXISTS (SELECT 1 FROM task_lease_candidates m"
                    + " WHERE m.session_id = l.session_id AND m.task_id = l.task_id AND m.server_id = ?"
                    + " AND NOT EXISTS (SELECT 1 FROM task_lease_candidates b JOIN agents a ON a.server_id = b.server_id"
                    + " WHERE b.session_id = l.session_id AND b.task_id = l.task_id AND b.position < m.position"
                    + " AND a.heartbeat_ns >= ?))"
                    + " ORDER BY l.offered_ns, l.session_id, l.task_id FETCH FIRST " + max + " ROWS ONLY"
                    + " FOR UPDATE SKIP LOCKED", serverId, liveSince);
            List<TaskLease> claimed = new ArrayList<>();
            for (TaskAttempt a : picked) {
                try (PreparedStatement p = c.prepareStatement("UPDATE task_leases SET state = 'LEASED', holder_id = ?,"
                        + " lease_until_ns = ? WHERE session_id = ? AND task_id = ? AND attempt = ?"
                        + " AND state = 'OFFERED'")) {
                    p.setString(1, serverId);
                    p.setLong(2, until);
                    p.setString(3, a.sessionId());
                    p.setString(4, a.taskId());
                    p.setInt(5, a.attempt());
                    if (p.executeUpdate() == 1) {
                        claimed.add(lease(c, a, Bounded.instant(until)));
                    }
                }
            }
            return claimed;
        });
    }

    @Override
    public List<TaskLease> renew(String server) {
        Objects.requireNonNull(server, "server");
        Instant now = clock.instant();
        long nowNs = Bounded.nanos("now", now);
        long until = Bounded.nanos("until", now.plus(lease));
        return db.inTransaction(c -> {
            String serverId = requireServer(c, server);
            // A lease past its time is lost even before expire() collects it: it is not renewed.
            try (PreparedStatement p = c.prepareStatement("UPDATE task_leases SET lease_until_ns = ?"
                    + " WHERE holder_id = ? AND state = 'LEASED' AND lease_until_ns >= ?")) {
                p.setLong(1, until);
                p.setString(2, serverId);
                p.setLong(3, nowNs);
                p.executeUpdate();
            }
            List<TaskLease> held = new ArrayList<>();
            for (TaskAttempt a : attempts(c, "SELECT session_id, task_id, attempt FROM task_leases WHERE holder_id = ?"
                    + " AND state = 'LEASED' AND lease_until_ns = ? ORDER BY session_id, task_id", serverId, until)) {
                held.add(lease(c, a, Bounded.instant(until)));
            }
            return held;
        });
    }

    @Override
    public List<TaskLease> expire() {
        long now = Bounded.nanos("now", clock.instant());
        return db.inTransaction(c -> {
            List<TaskLease> expired = new ArrayList<>();
            List<TaskAttempt> due = attempts(c, "SELECT session_id, task_id, attempt FROM task_leases"
                    + " WHERE state = 'LEASED' AND lease_until_ns < ? ORDER BY lease_until_ns, session_id, task_id"
                    + " FETCH FIRST " + MAX_CLAIM + " ROWS ONLY FOR UPDATE SKIP LOCKED", now);
            for (TaskAttempt a : due) {
                TaskLease before = lease(c, a, null);
                try (PreparedStatement p = c.prepareStatement("UPDATE task_leases SET state = 'EXPIRED'"
                        + " WHERE session_id = ? AND task_id = ? AND attempt = ? AND state = 'LEASED'"
                        + " AND lease_until_ns < ?")) {
                    p.setString(1, a.sessionId());
                    p.setString(2, a.taskId());
                    p.setInt(3, a.attempt());
                    p.setLong(4, now);
                    if (p.executeUpdate() == 1) {
                        expired.add(before);
                    }
                }
            }
            return expired;
        });
    }

    @Override
    public boolean complete(TaskAttempt attempt, String server) {
        Objects.requireNonNull(attempt, "attempt");
        Objects.requireNonNull(server, "server");
        long now = Bounded.nanos("now", clock.instant());
        return db.inTransaction(c -> {
            String serverId = requireServer(c, server);
            String state;
            String holder;
            long until;
            try (PreparedStatement p = c.prepareStatement("SELECT attempt, state, holder_id, lease_until_ns"
                    + " FROM task_leases WHERE session_id = ? AND task_id = ? FOR UPDATE")) {
                p.setString(1, attempt.sessionId());
                p.setString(2, attempt.taskId());
                try (ResultSet rs = p.executeQuery()) {
                    if (!rs.next()) {
                        throw new NotFoundException("Task " + attempt.taskId() + " of session " + attempt.sessionId()
                                + " is not offered to any agent (never, or its session is over): its result was"
                                + " discarded");
                    }
                    int current = rs.getInt(1);
                    if (current != attempt.attempt()) {
                        throw new StaleAttemptException("The result of task " + attempt + " is stale: the task is at"
                                + " attempt " + current + " now; it was discarded");
                    }
                    state = rs.getString(2);
                    holder = rs.getString(3);
                    until = rs.getLong(4);
                }
            }
            if (!serverId.equals(holder)) {
                throw new StaleAttemptException("The result of task " + attempt + " from server '" + server
                        + "' was discarded: " + (holder == null ? "the task was not claimed by it"
                                : "server '" + serverName(c, holder) + "' holds it"));
            }
            if (DONE.equals(state)) {
                return false;
            }
            if (EXPIRED.equals(state) || until < now) {
                throw new StaleAttemptException("The result of task " + attempt + " from server '" + server
                        + "' was discarded: its lease ran out at " + Bounded.instant(until)
                        + " (the agent's heartbeats did not renew it)");
            }
            try (PreparedStatement p = c.prepareStatement("UPDATE task_leases SET state = 'DONE' WHERE session_id = ?"
                    + " AND task_id = ? AND attempt = ? AND state = 'LEASED'")) {
                p.setString(1, attempt.sessionId());
                p.setString(2, attempt.taskId());
                p.setInt(3, attempt.attempt());
                p.executeUpdate();
            }
            return true;
        });
    }

    @Override
    public int forget(String sessionId) {
        Objects.requireNonNull(sessionId, "sessionId");
        return db.inTransaction(c -> {
            try (PreparedStatement p = c.prepareStatement("DELETE FROM task_leases WHERE session_id = ?")) {
                p.setString(1, sessionId);
                return p.executeUpdate();
            }
        });
    }

    // --- helpers ---------------------------------------------------------------------------

    private static List<TaskAttempt> attempts(Connection c, String sql, Object... args) throws SQLException {
        List<TaskAttempt> out = new ArrayList<>();
        try (PreparedStatement p = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                p.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    out.add(new TaskAttempt(rs.getString(1), rs.getString(2), rs.getInt(3)));
                }
            }
        }
        return out;
    }

    /** The lease of {@code a} as stored, with {@code until} when given (else the stored deadline). */
    private static TaskLease lease(Connection c, TaskAttempt a, Instant until) throws SQLException {
        String holder;
        long stored;
        try (PreparedStatement p = c.prepareStatement("SELECT holder_id, lease_until_ns FROM task_leases"
                + " WHERE session_id = ? AND task_id = ?")) {
            p.setString(1, a.sessionId());
            p.setString(2, a.taskId());
            try (ResultSet rs = p.executeQuery()) {
                rs.next();
                holder = rs.getString(1);
                stored = rs.getLong(2);
            }
        }
        List<String> candidates = InventoryStore.strings(c, "SELECT s.name FROM task_lease_candidates m"
                + " JOIN servers s ON s.id = m.server_id WHERE m.session_id = ? AND m.task_id = ? ORDER BY m.position",
                a.sessionId(), a.taskId());
        return new TaskLease(a, holder == null ? "" : serverName(c, holder),
                until != null ? until : Bounded.instant(stored), candidates);
    }

    private static String requireServer(Connection c, String server) throws SQLException {
        return InventoryStore.serverId(c, server)
                .orElseThrow(() -> NotFoundException.of("server", server, "ferry:server-list"));
    }

    private static String serverName(Connection c, String serverId) throws SQLException {
        List<String> names = InventoryStore.strings(c, "SELECT name FROM servers WHERE id = ?", serverId);
        return names.isEmpty() ? serverId : names.get(0);
    }
}
