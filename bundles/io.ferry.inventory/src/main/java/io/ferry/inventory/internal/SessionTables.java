package io.ferry.inventory.internal;

import io.ferry.api.session.ChangedBlockLedger;
import io.ferry.api.session.GuestRecord;
import io.ferry.api.session.Session;
import io.ferry.api.session.SessionStatus;
import io.ferry.api.session.TaskRecord;
import io.ferry.api.session.TaskStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * All SQL of sessions, their tasks and guest records, and of the changed-block ledger (schema
 * V3); {@link InventoryStore} holds the inventory's. Works on a connection handed in by the
 * caller, who owns the transaction. Rows become API records here and nowhere else.
 */
final class SessionTables {
    /** Column sizes of V3__sessions.sql, checked before writing. */
    static final int ID_MAX = 128;
    static final int NAME_MAX = 255;
    static final int TRIGGER_MAX = 64;
    static final int TASK_ID_MAX = 512;
    static final int MODE_MAX = 64;
    static final int TRACKING_MAX = 512;

    private static final String UNIQUE_VIOLATION = "23505";
    private static final int ID_CHUNK = 500;
    private static final String TASK_COLUMNS = "vm, disk, status, proxy, transport_mode, reason, change_tracking,"
            + " change_note, backup_id, size_bytes, read_bytes, transferred_bytes, stored_bytes, data_bytes, new_bytes,"
            + " started_ns, finished_ns, error, warnings";
    private static final String GUEST_COLUMNS = "vm, proxy, status, executed, channel, detail, frozen_ns";
    private static final String LEDGER_COLUMNS = "bitmap, generation, backup_id, size_bytes, trusted, note,"
            + " updated_ns";

    private SessionTables() {
    }

    // --- sessions ----------------------------------------------------------------------------

    static boolean exists(Connection c, String id) throws SQLException {
        return !InventoryStore.strings(c, "SELECT id FROM sessions WHERE id = ?", id).isEmpty();
    }

    /** Inserts a session with its tasks and guest records (in list order). */
    static void insert(Connection c, Session s, Optional<String> jobId) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO sessions (id, job, job_key, job_id, run_trigger,"
                + " retry_of, status, started_ns, finished_ns, message) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            p.setString(1, Bounded.text("id", s.id(), ID_MAX));
            p.setString(2, Bounded.text("job", s.job(), NAME_MAX));
            p.setString(3, InventoryStore.key(s.job()));
            InventoryStore.setNullable(p, 4, jobId);
            p.setString(5, Bounded.text("trigger", s.trigger(), TRIGGER_MAX));
            p.setString(6, Bounded.text("retryOf", s.retryOf(), ID_MAX));
            p.setString(7, s.status().name());
            p.setLong(8, Bounded.nanos("started", s.started()));
            setNanos(p, 9, "finished", s.finished());
            p.setString(10, Bounded.freeText(s.message()));
            p.executeUpdate();
        }
        for (int i = 0; i < s.tasks().size(); i++) {
            insertTask(c, s.id(), i, s.tasks().get(i), "tasks[" + i + "].");
        }
        for (int i = 0; i < s.guests().size(); i++) {
            insertGuest(c, s.id(), i, s.guests().get(i), "guests[" + i + "].");
        }
    }

    /** Sets status, end and message; false when there is no such session. */
    static boolean finish(Connection c, String id, SessionStatus status, Instant finished, String message)
            throws SQLException {
        try (PreparedStatement p = c.prepareStatement(
                "UPDATE sessions SET status = ?, finished_ns = ?, message = ? WHERE id = ?")) {
            p.setString(1, status.name());
            p.setLong(2, Bounded.nanos("finished", finished));
            p.setString(3, Bounded.freeText(message));
            p.setString(4, id);
            return p.executeUpdate() > 0;
        }
    }

    /** Ids starting with {@code prefix}, sorted, at most {@code limit}. */
    static List<String> idsStartingWith(Connection c, String prefix, int limit) throws SQLException {
        String pattern = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
        return InventoryStore.strings(c, "SELECT id FROM sessions WHERE id LIKE ? ESCAPE '\\' ORDER BY id"
                + " FETCH FIRST " + limit + " ROWS ONLY", pattern);
    }

    /**
     * Ids of sessions newest first: all, or those of a job, matched by the name it ran as and,
     * when the job exists, by its id (so a renamed job keeps its history).
     */
    static List<String> newestIds(Connection c, Optional<String> job, Optional<String> jobId, int limit)
            throws SQLException {
        String order = " ORDER BY started_ns DESC, id DESC FETCH FIRST " + limit + " ROWS ONLY";
        if (job.isEmpty()) {
            return InventoryStore.strings(c, "SELECT id FROM sessions" + order);
        }
        if (jobId.isEmpty()) {
            return InventoryStore.strings(c, "SELECT id FROM sessions WHERE job_key = ?" + order,
                    InventoryStore.key(job.get()));
        }
        return InventoryStore.strings(c, "SELECT id FROM sessions WHERE job_key = ? OR job_id = ?" + order,
                InventoryStore.key(job.get()), jobId.get());
    }

    /** Ids of the sessions left RUNNING, newest first. */
    static List<String> runningIds(Connection c) throws SQLException {
        return InventoryStore.strings(c, "SELECT id FROM sessions WHERE status = ? ORDER BY started_ns DESC, id DESC",
                SessionStatus.RUNNING.name());
    }

    /** The sessions with these ids, in the order of {@code ids}, with their tasks and guest records. */
    static List<Session> load(Connection c, List<String> ids) throws SQLException {
        Map<String, List<TaskRecord>> tasks = new HashMap<>();
        Map<String, List<GuestRecord>> guests = new HashMap<>();
        Map<String, Session> sessions = new HashMap<>();
        for (int from = 0; from < ids.size(); from += ID_CHUNK) {
            List<String> chunk = ids.subList(from, Math.min(ids.size(), from + ID_CHUNK));
            String in = " IN (" + "?,".repeat(chunk.size() - 1) + "?)";
            InventoryStore.forEachRow(c, "SELECT * FROM session_tasks WHERE session_id" + in
                    + " ORDER BY session_id, position", chunk,
                    rs -> tasks.computeIfAbsent(rs.getString("session_id"), k -> new ArrayList<>()).add(task(rs)));
            InventoryStore.forEachRow(c, "SELECT * FROM session_guests WHERE session_id" + in
                    + " ORDER BY session_id, position", chunk,
                    rs -> guests.computeIfAbsent(rs.getString("session_id"), k -> new ArrayList<>()).add(guest(rs)));
            InventoryStore.forEachRow(c, "SELECT * FROM sessions WHERE id" + in, chunk, rs -> {
                String id = rs.getString("id");
                sessions.put(id, new Session(id, rs.getString("job"), rs.getString("run_trigger"),
                        rs.getString("retry_of"), SessionStatus.valueOf(rs.getString("status")),
                        Bounded.instant(rs.getLong("started_ns")), instant(rs, "finished_ns"),
                        tasks.getOrDefault(id, List.of()), guests.getOrDefault(id, List.of()), rs.getString("message")));
            });
        }
        List<Session> out = new ArrayList<>(ids.size());
        for (String id : ids) {
            Session s = sessions.get(id);
            if (s != null) {
                out.add(s);
            }
        }
        return out;
    }

    static Optional<Session> load(Connection c, String id) throws SQLException {
        return load(c, List.of(id)).stream().findFirst();
    }

    /**
     * Fails the unfinished tasks and guest stages of a session interrupted by a stop of Ferry
     * and returns the tasks that were unfinished.
     */
    static List<TaskRecord> failUnfinished(Connection c, Session s, Instant now) throws SQLException {
        List<TaskRecord> unfinished = new ArrayList<>();
        for (TaskRecord t : s.tasks()) {
            if (!t.status().finished()) {
                unfinished.add(t);
                String error = t.status() == TaskStatus.QUEUED ? "interrupted: Ferry stopped before the task ran"
                        : "interrupted: Ferry stopped while the task was running";
                updateTask(c, s.id(), new TaskRecord(t.id(), t.vm(), t.disk(), TaskStatus.FAILED, t.proxy(),
                        t.transportMode(), t.reason(), t.changeTracking(), t.changeNote(), t.backupId(), t.sizeBytes(),
                        t.readBytes(), t.transferredBytes(), t.storedBytes(), t.dataBytes(), t.newBytes(), t.started(),
                        now, error, t.warnings()), "");
            }
        }
        for (GuestRecord g : s.guests()) {
            if (!g.status().finished()) {
                String interrupted = "interrupted: Ferry stopped during guest processing";
                updateGuest(c, s.id(), new GuestRecord(g.vm(), g.proxy(), TaskStatus.FAILED, g.executed(), g.channel(),
                        g.detail().isEmpty() ? interrupted : g.detail() + "; " + interrupted, g.frozen()), "");
            }
        }
        return unfinished;
    }

    // --- tasks and guest records --------------------------------------------------------------

    /**
     * Replaces the task with the same id, or adds it after the session's last task; false when
     * there is no such session. Adding locks the session row, so that tasks added at the same
     * time neither take the same position nor both insert one id; replacing (the common case:
     * progress of running tasks) takes no lock.
     */
    static boolean saveTask(Connection c, String sessionId, TaskRecord t) throws SQLException {
        if (updateTask(c, sessionId, t, "")) {
            return true;
        }
        if (!lock(c, sessionId)) {
            return false;
        }
        if (!updateTask(c, sessionId, t, "")) {
            insertTask(c, sessionId, nextPosition(c, "session_tasks", sessionId), t, "");
        }
        return true;
    }

    /** Replaces the guest record of the same VM (ignoring case), or adds it after the last one; as {@link #saveTask}. */
    static boolean saveGuest(Connection c, String sessionId, GuestRecord g) throws SQLException {
        if (updateGuest(c, sessionId, g, "")) {
            return true;
        }
        if (!lock(c, sessionId)) {
            return false;
        }
        if (!updateGuest(c, sessionId, g, "")) {
            insertGuest(c, sessionId, nextPosition(c, "session_guests", sessionId), g, "");
        }
        return true;
    }

    /** Locks the session's row until the transaction ends; false when there is no such session. */
    private static boolean lock(Connection c, String sessionId) throws SQLException {
        return !InventoryStore.strings(c, "SELECT id FROM sessions WHERE id = ? FOR UPDATE", sessionId).isEmpty();
    }

    private static void insertTask(Connection c, String sessionId, int position, TaskRecord t, String path)
            throws SQLException {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO session_tasks (" + TASK_COLUMNS
                + ", session_id, task_id, position) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                + " ?, ?, ?)")) {
            int i = setTaskColumns(p, t, path);
            p.setString(i++, sessionId);
            p.setString(i++, Bounded.text(path + "id", t.id(), TASK_ID_MAX));
            p.setInt(i, position);
            p.executeUpdate();
        }
    }

    private static boolean updateTask(Connection c, String sessionId, TaskRecord t, String path) throws SQLException {
        String set = String.join(" = ?, ", TASK_COLUMNS.split(", ")) + " = ?";
        try (PreparedStatement p = c.prepareStatement("UPDATE session_tasks SET " + set
                + " WHERE session_id = ? AND task_id = ?")) {
            int i = setTaskColumns(p, t, path);
            p.setString(i++, sessionId);
            p.setString(i, t.id());
            return p.executeUpdate() > 0;
        }
    }

    /** Sets {@link #TASK_COLUMNS} in order from index 1; returns the next index. */
    private static int setTaskColumns(PreparedStatement p, TaskRecord t, String path) throws SQLException {
        int i = 1;
        p.setString(i++, Bounded.text(path + "vm", t.vm(), NAME_MAX));
        p.setString(i++, Bounded.text(path + "disk", t.disk(), NAME_MAX));
        p.setString(i++, t.status().name());
        p.setString(i++, Bounded.text(path + "proxy", t.proxy(), NAME_MAX));
        p.setString(i++, Bounded.text(path + "transportMode", t.transportMode(), MODE_MAX));
        p.setString(i++, Bounded.freeText(t.reason()));
        p.setString(i++, Bounded.text(path + "changeTracking", t.changeTracking(), TRACKING_MAX));
        p.setString(i++, Bounded.freeText(t.changeNote()));
        p.setString(i++, Bounded.text(path + "backupId", t.backupId(), NAME_MAX));
        for (long bytes : new long[] {t.sizeBytes(), t.readBytes(), t.transferredBytes(), t.storedBytes(),
            t.dataBytes(), t.newBytes()}) {
            p.setLong(i++, bytes);
        }
        setNanos(p, i++, path + "started", t.started());
        setNanos(p, i++, path + "finished", t.finished());
        p.setString(i++, Bounded.freeText(t.error()));
        p.setString(i++, JsonStrings.encode(t.warnings()));
        return i;
    }

    private static TaskRecord task(ResultSet rs) throws SQLException {
        return new TaskRecord(rs.getString("task_id"), rs.getString("vm"), rs.getString("disk"),
                TaskStatus.valueOf(rs.getString("status")), rs.getString("proxy"), rs.getString("transport_mode"),
                rs.getString("reason"), rs.getString("change_tracking"), rs.getString("change_note"),
                rs.getString("backup_id"), rs.getLong("size_bytes"), rs.getLong("read_bytes"),
                rs.getLong("transferred_bytes"), rs.getLong("stored_bytes"), rs.getLong("data_bytes"),
                rs.getLong("new_bytes"), instant(rs, "started_ns"), instant(rs, "finished_ns"), rs.getString("error"),
                JsonStrings.decode(rs.getString("warnings"), "warnings list of task '" + rs.getString("task_id")
                        + "' of session '" + rs.getString("session_id") + "'"));
    }

    private static void insertGuest(Connection c, String sessionId, int position, GuestRecord g, String path)
            throws SQLException {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO session_guests (" + GUEST_COLUMNS
                + ", session_id, vm_key, position) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            int i = setGuestColumns(p, g, path);
            p.setString(i++, sessionId);
            p.setString(i++, InventoryStore.key(g.vm()));
            p.setInt(i, position);
            p.executeUpdate();
        }
    }

    private static boolean updateGuest(Connection c, String sessionId, GuestRecord g, String path)
            throws SQLException {
        String set = String.join(" = ?, ", GUEST_COLUMNS.split(", ")) + " = ?";
        try (PreparedStatement p = c.prepareStatement("UPDATE session_guests SET " + set
                + " WHERE session_id = ? AND vm_key = ?")) {
            int i = setGuestColumns(p, g, path);
            p.setString(i++, sessionId);
            p.setString(i, InventoryStore.key(g.vm()));
            return p.executeUpdate() > 0;
        }
    }

    private static int setGuestColumns(PreparedStatement p, GuestRecord g, String path) throws SQLException {
        int i = 1;
        p.setString(i++, Bounded.text(path + "vm", g.vm(), NAME_MAX));
        p.setString(i++, Bounded.text(path + "proxy", g.proxy(), NAME_MAX));
        p.setString(i++, g.status().name());
        p.setBoolean(i++, g.executed());
        p.setString(i++, Bounded.text(path + "channel", g.channel(), NAME_MAX));
        p.setString(i++, Bounded.freeText(g.detail()));
        p.setLong(i++, Bounded.nanos(path + "frozen", g.frozen()));
        return i;
    }

    private static GuestRecord guest(ResultSet rs) throws SQLException {
        return new GuestRecord(rs.getString("vm"), rs.getString("proxy"), TaskStatus.valueOf(rs.getString("status")),
                rs.getBoolean("executed"), rs.getString("channel"), rs.getString("detail"),
                Duration.ofNanos(rs.getLong("frozen_ns")));
    }

    private static int nextPosition(Connection c, String table, String sessionId) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT MAX(position) FROM " + table + " WHERE session_id = ?")) {
            p.setString(1, sessionId);
            try (ResultSet rs = p.executeQuery()) {
                rs.next();
                int max = rs.getInt(1);
                return rs.wasNull() ? 0 : max + 1;
            }
        }
    }

    // --- changed-block ledger ----------------------------------------------------------------

    static Optional<ChangedBlockLedger> ledger(Connection c, String disk) throws SQLException {
        List<ChangedBlockLedger> out = new ArrayList<>();
        InventoryStore.forEachRow(c, "SELECT * FROM changed_block_ledger WHERE disk = ?", List.of(disk),
                rs -> out.add(new ChangedBlockLedger(rs.getString("disk"), rs.getString("bitmap"),
                        rs.getLong("generation"), rs.getString("backup_id"), rs.getLong("size_bytes"),
                        rs.getBoolean("trusted"), rs.getString("note"), Bounded.instant(rs.getLong("updated_ns")))));
        return out.stream().findFirst();
    }

    static void saveLedger(Connection c, ChangedBlockLedger e) throws SQLException {
        upsert(c, () -> {
            try (PreparedStatement p = c.prepareStatement("UPDATE changed_block_ledger SET "
                    + String.join(" = ?, ", LEDGER_COLUMNS.split(", ")) + " = ? WHERE disk = ?")) {
                p.setString(setLedgerColumns(p, e), e.disk());
                return p.executeUpdate() > 0;
            }
        }, () -> {
            try (PreparedStatement p = c.prepareStatement("INSERT INTO changed_block_ledger (" + LEDGER_COLUMNS
                    + ", disk) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                p.setString(setLedgerColumns(p, e), Bounded.text("disk", e.disk(), NAME_MAX));
                p.executeUpdate();
            }
        });
    }

    private static int setLedgerColumns(PreparedStatement p, ChangedBlockLedger e) throws SQLException {
        int i = 1;
        p.setString(i++, Bounded.text("bitmap", e.bitmap(), NAME_MAX));
        p.setLong(i++, e.generation());
        p.setString(i++, Bounded.text("backupId", e.backupId(), NAME_MAX));
        p.setLong(i++, e.sizeBytes());
        p.setBoolean(i++, e.trusted());
        p.setString(i++, Bounded.freeText(e.note()));
        p.setLong(i++, Bounded.nanos("updated", e.updated()));
        return i;
    }

    // --- helpers ---------------------------------------------------------------------------

    @FunctionalInterface
    private interface Update {
        boolean run() throws SQLException;
    }

    @FunctionalInterface
    private interface Insert {
        void run() throws SQLException;
    }

    /**
     * Update, else insert. When another transaction inserts the same key first, the insert
     * fails on the primary key; that statement alone is undone (PostgreSQL would abort the
     * whole transaction) and the update, which now finds the row, is done instead.
     */
    private static void upsert(Connection c, Update update, Insert insert) throws SQLException {
        if (update.run()) {
            return;
        }
        Savepoint before = c.setSavepoint();
        try {
            insert.run();
            c.releaseSavepoint(before);
        } catch (SQLException e) {
            if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
                throw e;
            }
            c.rollback(before);
            if (!update.run()) {
                throw e;
            }
        }
    }

    private static void setNanos(PreparedStatement p, int index, String field, Instant t) throws SQLException {
        if (t == null) {
            p.setNull(index, Types.BIGINT);
        } else {
            p.setLong(index, Bounded.nanos(field, t));
        }
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        long nanos = rs.getLong(column);
        return rs.wasNull() ? null : Bounded.instant(nanos);
    }
}
