package io.ferry.inventory.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.ConflictException;
import io.ferry.api.audit.AuditEntry;
import io.ferry.api.audit.AuditPage;
import io.ferry.api.audit.AuditQuery;
import io.ferry.api.audit.AuditResult;
import io.ferry.api.security.AccessDeniedException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import javax.security.auth.Subject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The audit trail in the configuration database, run against each real database by the subclasses. */
abstract class AuditContractTest {
    private static final Instant T0 = Instant.parse("2026-12-06T15:00:00.123456789Z");
    private static final Subject ADMIN = Subjects.user("Ann", "ferry-admin");
    private static final Subject VIEWER = Subjects.user("vera", "ferry-viewer");

    protected TestDatabases.Db db;
    protected InventoryDatabase database;
    protected JdbcAuditLog audit;
    protected JdbcInventoryService inventory;

    abstract TestDatabases.Db newDatabase() throws Exception;

    @BeforeEach
    void open() throws Exception {
        db = newDatabase();
        database = new InventoryDatabase(db.dataSource(), db.url(), "backup-01");
        audit = new JdbcAuditLog(database);
        inventory = new JdbcInventoryService(database, audit);
    }

    @AfterEach
    void close() {
        if (database != null) {
            database.stop();
        }
    }

    private AuditPage read(AuditQuery query) {
        return Subjects.as(ADMIN, () -> audit.query(query));
    }

    private static AuditQuery of(Optional<Instant> since, Optional<String> user, int limit) {
        return new AuditQuery(since, user, limit, OptionalLong.empty());
    }

    @Test
    void everyChangeIsRecordedWithUserTimeActionTargetAndResult() {
        Instant before = Instant.now();
        Subjects.run(ADMIN, () -> inventory.addServer(InventoryFixtures.linux("px-01", "10.0.0.1").build()));
        assertThrows(ConflictException.class, () -> Subjects.run(ADMIN,
                () -> inventory.addServer(InventoryFixtures.linux("PX-01", "10.0.0.2").build())));
        assertThrows(AccessDeniedException.class, () -> Subjects.run(VIEWER, () -> inventory.removeServer("px-01")));
        Subjects.run(VIEWER, inventory::servers); // reads are not changes: not recorded

        List<AuditEntry> entries = read(AuditQuery.latest(10)).entries();
        assertEquals(3, entries.size(), entries::toString);
        AuditEntry denied = entries.get(0);
        AuditEntry failed = entries.get(1);
        AuditEntry added = entries.get(2);
        assertEquals(List.of("Ann server-add px-01 OK", "Ann server-add PX-01 ERROR", "vera server-remove px-01 DENIED"),
                List.of(line(added), line(failed), line(denied)));
        assertEquals("", added.message());
        assertTrue(failed.message().contains("already"), failed.message());
        assertTrue(denied.message().contains("needs role ferry-admin"), denied.message());
        assertFalse(added.time().isBefore(before.minusSeconds(1)));
        assertFalse(added.time().isAfter(Instant.now()));
        assertTrue(added.id() < failed.id() && failed.id() < denied.id());
    }

    private static String line(AuditEntry e) {
        return e.user() + " " + e.action() + " " + e.target() + " " + e.result();
    }

    @Test
    void entriesComeBackExactlyAsRecordedNewestFirst() {
        audit.record(AuditEntry.of(T0, "ann", "job-run", "web-nightly", AuditResult.OK, ""));
        audit.record(AuditEntry.of(T0.plusNanos(1), "otto", "job-stop", "web-nightly", AuditResult.ERROR,
                "Job 'web-nightly' is not running: nothing to stop"));
        List<AuditEntry> entries = read(AuditQuery.latest(10)).entries();
        assertEquals(2, entries.size());
        AuditEntry newest = entries.get(0);
        assertEquals(new AuditEntry(newest.id(), T0.plusNanos(1), "otto", "job-stop", "web-nightly", AuditResult.ERROR,
                "Job 'web-nightly' is not running: nothing to stop"), newest);
        assertEquals(T0, entries.get(1).time());
    }

    @Test
    void queriesFilterByUserIgnoringCaseAndBySince() {
        for (int i = 0; i < 6; i++) {
            audit.record(AuditEntry.of(T0.plusSeconds(i), i % 2 == 0 ? "ann" : "otto", "vm-add", "vm-" + i,
                    AuditResult.OK, ""));
        }
        assertEquals(List.of("vm-5", "vm-3", "vm-1"), targets(read(of(Optional.empty(), Optional.of("OTTO"), 10))));
        assertEquals(List.of("vm-5", "vm-4"), targets(read(of(Optional.of(T0.plusSeconds(4)), Optional.empty(), 10))));
        assertEquals(List.of("vm-4"), targets(read(of(Optional.of(T0.plusSeconds(3)), Optional.of("ann"), 10))));
        assertEquals(List.of(), targets(read(of(Optional.empty(), Optional.of("nobody"), 10))));
    }

    @Test
    void pagesWalkTheWholeTrailOnceNewestFirst() {
        for (int i = 0; i < 7; i++) {
            audit.record(AuditEntry.of(T0.plusSeconds(i), "ann", "host-add", "h-" + i, AuditResult.OK, ""));
        }
        List<String> seen = new ArrayList<>();
        AuditQuery query = AuditQuery.latest(3);
        int pages = 0;
        while (true) {
            AuditPage page = read(query);
            pages++;
            seen.addAll(targets(page));
            if (page.next().isEmpty()) {
                break;
            }
            query = query.after(page);
        }
        assertEquals(3, pages);
        assertEquals(List.of("h-6", "h-5", "h-4", "h-3", "h-2", "h-1", "h-0"), seen);
    }

    @Test
    void secretsNeverReachTheDatabase() throws Exception {
        audit.record(AuditEntry.of(T0, "ann", "repo-init", "/srv/repo password=hunter2-secret", AuditResult.ERROR,
                "cannot open: db.password: 'hunter2-secret' --password-file hunter2-secret"));
        AuditEntry e = read(AuditQuery.latest(1)).entries().get(0);
        assertEquals("/srv/repo password=***", e.target());
        assertEquals("cannot open: db.password: *** --password-file ***", e.message());
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM audit_log WHERE target LIKE '%hunter2%'"
                        + " OR message LIKE '%hunter2%' OR user_name LIKE '%hunter2%'")) {
            rs.next();
            assertEquals(0, rs.getInt(1));
        }
    }

    @Test
    void onlyAnAdministratorReadsTheTrailAndARefusedReadIsRecorded() {
        AccessDeniedException e = assertThrows(AccessDeniedException.class,
                () -> Subjects.as(VIEWER, () -> audit.query(AuditQuery.latest(10))));
        assertEquals("audit-list", e.action());
        AuditEntry refused = read(AuditQuery.latest(1)).entries().get(0);
        assertEquals("vera audit-list  DENIED", line(refused));
    }

    @Test
    void aNulInATextIsStoredAsAReplacementCharacter() {
        audit.record(AuditEntry.of(T0, "ann", "vm-add", "bad\u0000name", AuditResult.OK, ""));
        assertEquals("bad\uFFFDname", read(AuditQuery.latest(1)).entries().get(0).target());
    }

    private static List<String> targets(AuditPage page) {
        return page.entries().stream().map(AuditEntry::target).toList();
    }
}
