package io.ferry.inventory.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.ConflictException;
import io.ferry.api.NotFoundException;
import io.ferry.api.ValidationException;
import io.ferry.api.job.JobSpec;
import io.ferry.api.session.ChangedBlockLedger;
import io.ferry.api.session.GuestRecord;
import io.ferry.api.session.Session;
import io.ferry.api.session.SessionStatus;
import io.ferry.api.session.TaskRecord;
import io.ferry.api.session.TaskStatus;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sessions and the changed-block ledger in the configuration database, run against each real database by the subclasses. */
abstract class SessionStoreContractTest {
    /** Nanosecond precision, as Instant.now() gives on Linux: a TIMESTAMP column would lose the last digits. */
    private static final Instant T0 = Instant.parse("2026-11-23T17:11:27.377063952Z");

    protected TestDatabases.Db db;
    protected InventoryDatabase database;
    protected JdbcSessionStore store;
    @TempDir
    protected Path tmp;

    abstract TestDatabases.Db newDatabase() throws Exception;

    @BeforeEach
    void open() throws Exception {
        db = newDatabase();
        database = new InventoryDatabase(db.dataSource(), db.url(), "backup-01");
        store = new JdbcSessionStore(database);
    }

    @AfterEach
    void close() {
        if (database != null) {
            database.stop();
        }
    }

    private static Instant at(long seconds) {
        return T0.plusSeconds(seconds);
    }

    /** A finished task with every field set, warnings that a naive encoding would break. */
    private static TaskRecord done(String vm, String disk) {
        return new TaskRecord(vm + "/" + disk, vm, disk, TaskStatus.WARNING, "px-01", "nbd",
                "px-01: same network as the host; least loaded (2 of 4 slots busy)", "dirty-bitmap:ferry-7",
                "the VM restarted since the last backup: the bitmap is inconsistent", "b-20261123-0001",
                10L << 30, 3L << 30, 1L << 30, 900L << 20, 6L << 30, 1L << 30, at(5), at(65).plusNanos(1), null,
                List.of("fell back from hot-add to network mode, because \"px-02\" is busy", "line one\nline two",
                        "", "a, b; c", "naïve ünïcödé ✓", "nul\u0000inside", "[\"not\", \"a list\"]"));
    }

    /** A task as planned: nulls wherever the record allows them, no warnings. */
    private static TaskRecord queued(String vm, String disk) {
        return new TaskRecord(vm + "/" + disk, vm, disk, TaskStatus.QUEUED, null, null, "", null, null, null,
                1L << 30, 0, 0, 0, 0, 0, null, null, null, List.of());
    }

    private static TaskRecord running(TaskRecord t, long readBytes) {
        return new TaskRecord(t.id(), t.vm(), t.disk(), TaskStatus.RUNNING, "px-01", "nbd", "chosen", "full", null,
                null, t.sizeBytes(), readBytes, readBytes / 2, readBytes / 4, readBytes, readBytes / 4, at(3), null,
                null, List.of());
    }

    private static GuestRecord guest(String vm, TaskStatus status) {
        return new GuestRecord(vm, "gip-01", status, true, "qemu-guest-agent",
                "froze 2 file systems, thawed after 1.2 s", Duration.ofMillis(1200).plusNanos(7));
    }

    private static Session running(String id, String job, Instant started, TaskRecord... tasks) {
        return new Session(id, job, "manual", null, SessionStatus.RUNNING, started, null, List.of(tasks), List.of(),
                "");
    }

    private static List<String> ids(List<Session> sessions) {
        return sessions.stream().map(Session::id).toList();
    }

    // --- create, save, finish ----------------------------------------------------------------

    @Test
    void aSessionRoundTripsEveryFieldIncludingNullsWarningsAndNanoseconds() {
        Session full = new Session("20261123-171127-web", "web-nightly", "retry", "20261122-220000-web",
                SessionStatus.WARNING, T0, at(120).plusNanos(999), List.of(done("web-01", "disk0"),
                        queued("web-01", "disk1"), done("db-01", "disk0")),
                List.of(guest("web-01", TaskStatus.SUCCESS), new GuestRecord("db-01", null, TaskStatus.NOT_EXECUTED,
                        false, "VIX", "would quiesce the guest through VIX on px-win-01", Duration.ZERO)),
                "guest processing of db-01 was not executed: VMware is not available here");
        assertEquals(full, store.create(full));
        assertEquals(Optional.of(full), store.session(full.id()));
        Session bare = running("s-bare", "sql-hourly", T0);
        assertEquals(bare, store.create(bare));
        assertEquals(Optional.of(bare), store.session("s-bare"));
    }

    @Test
    void theIdOfANewSessionMustBeNewAndTaskIdsUniqueWithinIt() {
        store.create(running("s-1", "web-nightly", T0, queued("web-01", "disk0")));
        ConflictException e = assertThrows(ConflictException.class,
                () -> store.create(running("s-1", "other", at(1))));
        assertEquals("Session 's-1' exists already: every run needs a new session id", e.getMessage());
        assertEquals("web-nightly", store.session("s-1").orElseThrow().job(), "the first one is kept");
        ValidationException twice = assertThrows(ValidationException.class, () -> store.create(running("s-2",
                "web-nightly", T0, queued("web-01", "disk0"), queued("web-01", "disk0"))));
        assertEquals("tasks[1].id", twice.field());
        assertEquals("guests[1].vm", assertThrows(ValidationException.class, () -> store.create(new Session("s-3", "j",
                "manual", null, SessionStatus.RUNNING, T0, null, List.of(), List.of(guest("web-01", TaskStatus.SUCCESS),
                        guest("WEB-01", TaskStatus.FAILED)), ""))).field());
        assertTrue(store.session("s-2").isEmpty() && store.session("s-3").isEmpty());
    }

    @Test
    void valuesLongerThanTheirColumnAreRefusedNamingTheField() {
        String longDisk = "d".repeat(256);
        ValidationException e = assertThrows(ValidationException.class,
                () -> store.create(running("s-1", "job", T0, queued("web-01", "disk0"), queued("web-01", longDisk))));
        assertEquals("tasks[1].disk", e.field());
        assertEquals("is 256 characters long; at most 255 are stored", e.problem());
        assertTrue(store.session("s-1").isEmpty(), "nothing of the session was written");
        assertEquals("id", assertThrows(ValidationException.class,
                () -> store.create(running("s".repeat(129), "job", T0))).field());
    }

    @Test
    void saveTaskReplacesATaskByIdKeepingThePlanOrderAndAppendsNewOnes() {
        TaskRecord a = queued("web-01", "disk0");
        TaskRecord b = queued("web-01", "disk1");
        store.create(running("s-1", "web-nightly", T0, a, b));
        store.saveTask("s-1", running(a, 4096));
        store.saveTask("s-1", done("web-01", "disk0"));
        TaskRecord extra = queued("web-02", "disk0");
        store.saveTask("s-1", extra);
        assertEquals(List.of(done("web-01", "disk0"), b, extra), store.session("s-1").orElseThrow().tasks());
        store.saveTask("s-1", running(b, 1));
        assertEquals(List.of("web-01/disk0", "web-01/disk1", "web-02/disk0"),
                store.session("s-1").orElseThrow().tasks().stream().map(TaskRecord::id).toList());
        assertEquals(TaskStatus.RUNNING, store.session("s-1").orElseThrow().task("web-01/disk1").orElseThrow().status());
    }

    @Test
    void saveGuestReplacesTheRecordOfTheSameVmIgnoringCase() {
        store.create(running("s-1", "web-nightly", T0));
        store.saveGuest("s-1", guest("web-01", TaskStatus.RUNNING));
        store.saveGuest("s-1", guest("db-01", TaskStatus.SUCCESS));
        GuestRecord failedOver = new GuestRecord("WEB-01", "backup-01", TaskStatus.WARNING, true, "qemu-guest-agent",
                "gip-01 could not connect; the backup server took over (seed 001)", Duration.ofMillis(800));
        store.saveGuest("s-1", failedOver);
        assertEquals(List.of(failedOver, guest("db-01", TaskStatus.SUCCESS)),
                store.session("s-1").orElseThrow().guests());
    }

    @Test
    void savingIntoAnUnknownSessionIsNotFound() {
        NotFoundException e = assertThrows(NotFoundException.class,
                () -> store.saveTask("nope", queued("web-01", "disk0")));
        assertEquals("No session with id 'nope' (see ferry:session-list)", e.getMessage());
        assertThrows(NotFoundException.class, () -> store.saveGuest("nope", guest("web-01", TaskStatus.SUCCESS)));
        assertThrows(NotFoundException.class, () -> store.finish("nope", SessionStatus.FAILED, T0, "x"));
    }

    @Test
    void finishSetsTheFinalStatusTheEndAndTheMessage() {
        store.create(running("s-1", "web-nightly", T0, done("web-01", "disk0")));
        Session finished = store.finish("s-1", SessionStatus.WARNING, at(90), "1 disk with warnings");
        assertEquals(SessionStatus.WARNING, finished.status());
        assertEquals(at(90), finished.finished());
        assertEquals(Optional.of(Duration.ofSeconds(90)), finished.duration());
        assertEquals("1 disk with warnings", finished.message());
        assertEquals(List.of(done("web-01", "disk0")), finished.tasks());
        assertEquals(Optional.of(finished), store.session("s-1"));
        assertEquals("", store.finish("s-1", SessionStatus.FAILED, at(91), null).message());
        ValidationException e = assertThrows(ValidationException.class,
                () -> store.finish("s-1", SessionStatus.RUNNING, at(92), ""));
        assertEquals("status", e.field());
        assertEquals(SessionStatus.FAILED, store.session("s-1").orElseThrow().status());
    }

    @Test
    void aNulCharacterInFreeTextIsStoredAsAReplacementCharacterOnEveryDatabase() {
        TaskRecord t = queued("web-01", "disk0");
        store.create(running("s-1", "web-nightly", T0, t));
        store.saveTask("s-1", new TaskRecord(t.id(), t.vm(), t.disk(), TaskStatus.FAILED, "px-01", "nbd", "chosen",
                "full", null, null, t.sizeBytes(), 0, 0, 0, 0, 0, at(1), at(2), "nbd_pread: bad\u0000reply",
                List.of("kept\u0000exactly")));
        Session s = store.finish("s-1", SessionStatus.FAILED, at(3), "web-01/disk0: nbd_pread: bad\u0000reply");
        assertEquals("nbd_pread: bad\uFFFDreply", s.tasks().get(0).error());
        assertEquals(List.of("kept\u0000exactly"), s.tasks().get(0).warnings(), "warnings are JSON: exact");
        assertEquals("web-01/disk0: nbd_pread: bad\uFFFDreply", s.message());
    }

    // --- look-ups ----------------------------------------------------------------------------

    @Test
    void aSessionIsFoundByItsIdOrAUniquePrefix() {
        for (String id : List.of("20261123-0900-a", "20261123-2200-b", "20261124-0900-c", "abc", "abcd")) {
            store.create(running(id, "web-nightly", T0));
        }
        assertEquals("20261124-0900-c", store.session("20261124").orElseThrow().id());
        assertEquals("20261123-2200-b", store.session("20261123-2").orElseThrow().id());
        assertEquals("abc", store.session("abc").orElseThrow().id(), "an exact id wins over a longer match");
        ValidationException e = assertThrows(ValidationException.class, () -> store.session("20261123"));
        assertEquals("session: '20261123' is the start of several session ids (20261123-0900-a, 20261123-2200-b):"
                + " give more of the id", e.getMessage());
        assertTrue(store.session("2027").isEmpty());
        assertTrue(store.session("2026112_").isEmpty(), "'_' is not a wildcard");
        assertTrue(store.session("%").isEmpty(), "'%' is not a wildcard");
        assertThrows(ValidationException.class, () -> store.session(" "));
    }

    @Test
    void anAmbiguousPrefixListsAtMostTenMatches() {
        for (int i = 0; i < 12; i++) {
            store.create(running(String.format("s-%02d", i), "web-nightly", at(i)));
        }
        String message = assertThrows(ValidationException.class, () -> store.session("s-")).getMessage();
        assertTrue(message.contains("s-09, ...): give more of the id") && !message.contains("s-10"), message);
    }

    @Test
    void sessionsAreListedNewestFirstPerJobAndLimited() {
        store.create(running("a-1", "web-nightly", at(10)));
        store.create(running("b-1", "sql-hourly", at(15)));
        store.create(running("a-3", "web-nightly", at(30)));
        store.create(running("a-2", "Web-Nightly", at(20)));
        store.create(running("a-2b", "web-nightly", at(20)));
        assertEquals(List.of("a-3", "a-2b", "a-2", "a-1"), ids(store.sessions("web-nightly", 10)),
                "same start: the larger id first");
        assertEquals(List.of("a-3", "a-2b"), ids(store.sessions("WEB-NIGHTLY", 2)));
        assertEquals(List.of("a-3", "a-2b", "a-2", "b-1", "a-1"), ids(store.sessions(null, 100)));
        assertEquals(List.of(), store.sessions("nope", 10));
        assertEquals("limit", assertThrows(ValidationException.class, () -> store.sessions(null, 0)).field());
    }

    @Test
    void aRenamedJobKeepsItsSessionsAndADeletedJobsSessionsRemain() {
        JdbcInventoryService inventory = new JdbcInventoryService(database);
        JdbcJobService jobs = new JdbcJobService(database);
        InventoryFixtures.populate(inventory);
        jobs.createJob(JobFixtures.webNightly());
        store.create(running("s-1", "web-nightly", at(1)));
        JobSpec renamed = JobFixtures.from(JobFixtures.webNightly()).name("web-all").build();
        String jobId = jobs.updateJob("web-nightly", 1, renamed).id();
        store.create(running("s-2", "web-all", at(2)));
        assertEquals(List.of("s-2", "s-1"), ids(store.sessions("web-all", 10)));
        assertEquals(List.of("s-2", "s-1"), ids(store.sessions(jobId, 10)), "by the job's id too");
        assertEquals("web-nightly", store.session("s-1").orElseThrow().job(), "the name it ran as");
        jobs.deleteJob("web-all");
        assertEquals(List.of("s-2"), ids(store.sessions("web-all", 10)));
        assertEquals(List.of("s-1"), ids(store.sessions("web-nightly", 10)));
    }

    @Test
    void sessionsAndTheLedgerSurviveARestartAndAReplacingImport() throws Exception {
        JdbcInventoryService inventory = new JdbcInventoryService(database);
        JsonInventoryTransfer transfer = new JsonInventoryTransfer(database);
        InventoryFixtures.populate(inventory);
        Session s = store.create(running("s-1", "web-nightly", T0, done("web-01", "disk0")));
        ChangedBlockLedger entry = new ChangedBlockLedger("web-01/disk0", "ferry-3", 3, "b-3", 1L << 30, true, null, T0);
        store.saveLedger(entry);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        transfer.exportTo(out);
        String exported = out.toString(StandardCharsets.UTF_8);
        assertFalse(exported.contains("s-1") || exported.contains("ferry-3"), "sessions are not exported");
        transfer.importFrom(Files.writeString(tmp.resolve("inventory.json"), exported), false);
        database.stop();
        database = new InventoryDatabase(db.dataSource(), db.url(), "backup-01");
        store = new JdbcSessionStore(database);
        assertEquals(Optional.of(s), store.session("s-1"));
        assertEquals(Optional.of(entry), store.ledger("web-01/disk0"));
    }

    // --- interrupted sessions ----------------------------------------------------------------

    @Test
    void failInterruptedFailsRunningSessionsAndTheirUnfinishedTasksAndDistrustsTheirBitmaps() {
        TaskRecord ok = done("web-01", "disk0");
        TaskRecord reading = running(queued("web-01", "disk1"), 8192);
        TaskRecord waiting = queued("web-02", "Hard disk 1");
        store.create(running("s-old", "web-nightly", at(0), ok, reading, waiting));
        store.saveGuest("s-old", guest("web-01", TaskStatus.SUCCESS));
        store.saveGuest("s-old", new GuestRecord("web-02", "gip-01", TaskStatus.RUNNING, true, "qemu-guest-agent",
                "", Duration.ZERO));
        store.create(running("s-done", "sql-hourly", at(1), done("sql-01", "disk0")));
        Session done = store.finish("s-done", SessionStatus.SUCCESS, at(2), "");
        // chain keys as the job runner makes them: odd characters of a disk label become '_'
        for (String disk : List.of("web-01/disk0", "web-01/disk1", "web-02/Hard_disk_1")) {
            store.saveLedger(new ChangedBlockLedger(disk, "ferry-1", 1, "b-1", 1L << 30, true, null, at(-100)));
        }
        Instant restart = at(500);

        List<Session> failed = store.failInterrupted(restart);

        assertEquals(List.of("s-old"), ids(failed));
        Session s = store.session("s-old").orElseThrow();
        assertEquals(failed.get(0), s);
        assertEquals(SessionStatus.FAILED, s.status());
        assertEquals(restart, s.finished());
        assertEquals("interrupted: Ferry stopped while the session was running", s.message());
        assertEquals(ok, s.tasks().get(0), "a finished task is kept as it was");
        TaskRecord cut = s.tasks().get(1);
        assertEquals(TaskStatus.FAILED, cut.status());
        assertEquals("interrupted: Ferry stopped while the task was running", cut.error());
        assertEquals(8192, cut.readBytes());
        assertEquals(restart, cut.finished());
        assertEquals("interrupted: Ferry stopped before the task ran", s.tasks().get(2).error());
        assertTrue(s.tasks().stream().skip(1).allMatch(t -> t.status().retryable()),
                "job-retry reruns them");
        assertEquals(TaskStatus.SUCCESS, s.guests().get(0).status());
        assertEquals(TaskStatus.FAILED, s.guests().get(1).status());
        assertEquals("interrupted: Ferry stopped during guest processing", s.guests().get(1).detail());

        assertTrue(store.ledger("web-01/disk0").orElseThrow().trusted(), "its backup had finished");
        for (String disk : List.of("web-01/disk1", "web-02/Hard_disk_1")) {
            ChangedBlockLedger l = store.ledger(disk).orElseThrow();
            assertFalse(l.trusted(), disk);
            assertEquals(JdbcSessionStore.LEDGER_INTERRUPTED, l.note());
            assertEquals(restart, l.updated());
            assertEquals("ferry-1", l.bitmap(), "the entry says which bitmap it no longer trusts");
        }
        assertEquals(Optional.of(done), store.session("s-done"));
        assertEquals(List.of(), store.failInterrupted(at(600)), "nothing is left running");
    }

    // --- changed-block ledger ----------------------------------------------------------------

    @Test
    void theLedgerHasOneEntryPerDiskThatASaveReplaces() {
        assertTrue(store.ledger("web-01/disk0").isEmpty());
        ChangedBlockLedger first = new ChangedBlockLedger("web-01/disk0", null, 0, null, 0, false,
                "no backup yet: the first one reads the whole disk", T0);
        store.saveLedger(first);
        assertEquals(Optional.of(first), store.ledger("web-01/disk0"));
        ChangedBlockLedger trusted = new ChangedBlockLedger("web-01/disk0", "ferry-1", 1, "b-0001", 10L << 30, true,
                null, at(60));
        store.saveLedger(trusted);
        assertEquals(Optional.of(trusted), store.ledger("web-01/disk0"));
        ChangedBlockLedger resized = trusted.untrusted("the disk grew from 10 GiB to 12 GiB", at(120));
        store.saveLedger(resized);
        assertEquals(Optional.of(resized), store.ledger("web-01/disk0"));
        store.saveLedger(new ChangedBlockLedger("web-01/disk1", "ferry-9", 9, "b-0009", 1, true, null, T0));
        assertEquals(Optional.of(resized), store.ledger("web-01/disk0"), "other disks are separate");
        assertTrue(store.ledger("WEB-01/disk0").isEmpty(), "chain keys are exact");
    }

    @Test
    void concurrentFirstSavesOfTheSameLedgerEntryAndOfNewTasksAllSucceed() throws Exception {
        store.create(running("s-1", "web-nightly", T0));
        int threads = 4;
        int rounds = 15;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int round = 0; round < rounds; round++) {
                String disk = "vm-" + round + "/disk0";
                CyclicBarrier start = new CyclicBarrier(threads);
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int thread = t;
                    int r = round;
                    done.add(pool.submit((Callable<Void>) () -> {
                        start.await();
                        store.saveLedger(new ChangedBlockLedger(disk, "ferry-" + thread, thread, "b", 1, true, null,
                                T0));
                        store.saveTask("s-1", queued("vm-" + r, "disk" + thread));
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get();
                }
                assertTrue(store.ledger(disk).isPresent());
            }
        } finally {
            pool.shutdownNow();
        }
        List<TaskRecord> tasks = store.session("s-1").orElseThrow().tasks();
        assertEquals(threads * rounds, tasks.size());
        assertEquals(threads * rounds, tasks.stream().map(TaskRecord::id).distinct().count());
    }
}
