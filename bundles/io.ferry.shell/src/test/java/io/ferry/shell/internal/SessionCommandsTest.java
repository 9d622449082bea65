package io.ferry.shell.internal;

import static io.ferry.shell.internal.CommandHarness.run;
import static io.ferry.shell.internal.CommandHarness.with;
import static io.ferry.shell.internal.FakeSessions.failed;
import static io.ferry.shell.internal.FakeSessions.progress;
import static io.ferry.shell.internal.FakeSessions.queued;
import static io.ferry.shell.internal.FakeSessions.running;
import static io.ferry.shell.internal.FakeSessions.session;
import static io.ferry.shell.internal.FakeSessions.succeeded;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.FerryException;
import io.ferry.api.NotFoundException;
import io.ferry.api.ValidationException;
import io.ferry.api.repository.RepositoryException;
import io.ferry.api.session.GuestRecord;
import io.ferry.api.session.Session;
import io.ferry.api.session.SessionStatus;
import io.ferry.api.session.TaskRecord;
import io.ferry.api.session.TaskStatus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.support.CommandException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionCommandsTest {
    private static final String ID = "01JC8ZQ4M2";
    private static final String JOB = "demo-proxmox";

    @TempDir
    Path dir;

    private final FakeSessions sessions = new FakeSessions();
    private FakeSession shell;

    private final TaskRecord web = queued("pve-web-01", "scsi0", "gp-hq-01", "proxmox-nbd");
    private final TaskRecord db = queued("pve-db-01", "scsi0", "gp-br-01", "proxmox-nbd");
    private final GuestRecord webGuest = new GuestRecord("pve-web-01", "gi-lin-01", TaskStatus.SUCCESS, true,
            "qemu-guest-agent", "froze /data", Duration.ofMillis(84));
    private final GuestRecord appGuest = new GuestRecord("vmw-app-01", "gi-win-01", TaskStatus.NOT_EXECUTED, false,
            "VIX", "would quiesce the guest with VSS over VIX", Duration.ZERO);

    @BeforeEach
    void shell() {
        shell = new FakeSession(dir);
    }

    /** The command's output and the exception it ended with (null when it succeeded). */
    private record Outcome(String out, Exception error) {
    }

    private static Outcome attempt(Action action) {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try (PrintStream console = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            System.setOut(console);
            try {
                action.execute();
                return new Outcome(captured.toString(StandardCharsets.UTF_8), null);
            } catch (Exception e) {
                return new Outcome(captured.toString(StandardCharsets.UTF_8), e);
            }
        } finally {
            System.setOut(original);
        }
    }

    private Session state(SessionStatus status, List<GuestRecord> guests, TaskRecord... tasks) {
        return session(ID, JOB, status, List.of(tasks), guests, "");
    }

    /** Queued, then web running at 16 MiB, then web done and db running at 32 MiB, then both done. */
    private void successfulRun() {
        TaskRecord webRunning = running(web);
        TaskRecord webDone = succeeded(web, "dirty-bitmap:ferry-2", null);
        TaskRecord dbRunning = running(db);
        TaskRecord dbDone = succeeded(db, "full", "first backup of the disk: no dirty bitmap yet");
        sessions.run(
                new FakeSessions.Step(state(SessionStatus.RUNNING, List.of(), web, db), List.of()),
                new FakeSessions.Step(state(SessionStatus.RUNNING, List.of(webGuest), webRunning, db),
                        List.of(progress(webRunning, 16))),
                new FakeSessions.Step(state(SessionStatus.RUNNING, List.of(webGuest), webDone, dbRunning),
                        List.of(progress(dbRunning, 32))),
                new FakeSessions.Step(state(SessionStatus.SUCCESS, List.of(webGuest), webDone, dbDone), List.of()));
    }

    private Action jobRun(Object... more) {
        return with(with(new JobRunCommand(), "sessions", sessions, "shell", shell.session(), "job", JOB), more);
    }

    @Nested
    class JobRun {

        @Test
        void withoutATerminalEachStateChangeIsALineAndTheEndPrintsTheSession() throws Exception {
            successfulRun();
            shell.headless();
            String out = run(jobRun());
            assertEquals(List.of("Session " + ID + " of job '" + JOB + "' started: 2 disks, proxies gp-hq-01, gp-br-01",
                    "pve-web-01: guest processing success on gi-lin-01 (qemu-guest-agent, frozen 84 ms): froze /data",
                    "pve-web-01/scsi0: running on gp-hq-01 (proxmox-nbd)",
                    "pve-web-01/scsi0: success: 64.0 MiB, 16.0 MiB read, 8.0 s, 8.0 MiB/s (dirty-bitmap:ferry-2)",
                    "pve-db-01/scsi0: running on gp-br-01 (proxmox-nbd)",
                    "pve-db-01/scsi0: success: 64.0 MiB, 16.0 MiB read, 8.0 s, 8.0 MiB/s (full)"),
                    shell.console().lines().toList());
            assertEquals("start " + JOB + " manual", sessions.calls.get(0));
            assertTrue(out.startsWith("\nSession " + ID + " of job '" + JOB + "': success\n"), "a blank line after"
                    + " the progress lines: " + out);
            assertTrue(out.contains("full read: first backup of the disk: no dirty bitmap yet"), out);
            assertTrue(sessions.awaitTimeouts.stream().allMatch(t -> t.compareTo(Duration.ofMillis(250)) <= 0),
                    "the state is fetched at most four times a second: " + sessions.awaitTimeouts);
        }

        @Test
        void onATerminalOneLinePerTaskAndAnOverallLineAreRedrawnInPlace() throws Exception {
            successfulRun();
            shell.terminal("xterm-256color", 120);
            String out = run(jobRun());
            String console = shell.console();
            List<String> screens = List.of(console.split("\u001B\\[3A", -1));
            assertEquals(4, screens.size(), "drawn once per state, moving up over the 3 lines drawn before:\n"
                    + console);
            assertTrue(screens.get(1).contains("pve-web-01/scsi0  gp-hq-01  proxmox-nbd  running   [#####"
                    + "...............]   25%  16.0 MiB / 64.0 MiB  4.0 MiB/s"), screens.get(1));
            assertTrue(screens.get(1).contains("overall  0 of 2 disks done  [##..................]   12%"
                    + "  16.0 MiB / 128 MiB  4.0 MiB/s"), screens.get(1));
            assertTrue(screens.get(2).contains("overall  1 of 2 disks done  [###############.....]   75%"),
                    screens.get(2));
            assertTrue(screens.get(3).contains("overall  2 of 2 disks done  [####################]  100%"),
                    screens.get(3));
            for (String line : console.split("\n")) {
                assertTrue(line.replaceAll("\u001B\\[[0-9]*[A-Z]", "").replace("\r", "").length() < 120, line);
            }
            assertFalse(out.contains("\u001B"), "progress stays out of the command's output");
            assertTrue(out.contains("Session " + ID + " of job '" + JOB + "': success"), out);
        }

        @Test
        void aFailedSessionIsPrintedAndTheCommandFailsNamingTheRetry() {
            sessions.run(new FakeSessions.Step(state(SessionStatus.RUNNING, List.of(), web, db), List.of()),
                    new FakeSessions.Step(session(ID, JOB, SessionStatus.FAILED, List.of(succeeded(web, "full", null),
                            failed(db, "NBD server of pve-db-01 closed the connection at 12.0 MiB")), List.of(),
                            "1 of 2 disks failed"), List.of()));
            shell.headless();
            Outcome outcome = attempt(jobRun());
            FerryException e = assertInstanceOf(FerryException.class, outcome.error());
            assertTrue(e.getMessage().contains("failed: 2 disks: 1 success, 1 failed. See the errors above"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("ferry:job-retry " + ID), e.getMessage());
            assertTrue(outcome.out().contains("error: NBD server of pve-db-01 closed the connection at 12.0 MiB"),
                    outcome.out());
            assertTrue(shell.console().contains("pve-db-01/scsi0: failed: NBD server of pve-db-01 closed"),
                    shell.console());
            String failedRow = outcome.out().lines().filter(l -> l.startsWith("pve-db-01/scsi0  | failed")).findFirst()
                    .orElseThrow();
            assertTrue(failedRow.endsWith("|    2.0 s |         -"), "no rate for a disk that failed: " + failedRow);
            assertTrue(outcome.out().contains("Rate        | 1.5 MiB/s of disks backed up (414 KiB/s read)"),
                    "the rate counts the disks backed up: " + outcome.out());
        }

        @Test
        void withJsonAFailedSessionIsTheWholeOutputAndTheCommandStillFails() throws Exception {
            sessions.run(new FakeSessions.Step(state(SessionStatus.RUNNING, List.of(), web, db), List.of()),
                    new FakeSessions.Step(session(ID, JOB, SessionStatus.FAILED, List.of(succeeded(web, "full", null),
                            failed(db, "NBD server of pve-db-01 closed the connection at 12.0 MiB")), List.of(),
                            "1 of 2 disks failed"), List.of()));
            shell.headless();
            Outcome outcome = attempt(jobRun("json", true));
            // a CommandException with an empty help: Karaf's shell prints nothing more, bin/client exits 1
            CommandException e = assertInstanceOf(CommandException.class, outcome.error());
            assertEquals("", e.getNiceHelp());
            assertEquals("Session " + ID + " of job '" + JOB + "' ended FAILED: 2 disks: 1 success, 1 failed",
                    e.getMessage());
            assertEquals(io.ferry.json.FerryJson.text(JsonOutput.VIEWS.session(sessions.session(ID).orElseThrow(), true)), outcome.out());
            assertTrue(outcome.out().contains("\"status\" : \"FAILED\""), outcome.out());
            assertEquals("", shell.console());
        }

        @Test
        void ctrlCDetachesAndLeavesTheJobRunning() throws Exception {
            sessions.run(new FakeSessions.Step(state(SessionStatus.RUNNING, List.of(), web, db), List.of()));
            sessions.blockAwait = true;
            Action command = jobRun();
            AtomicReference<Outcome> outcome = new AtomicReference<>();
            Thread shellThread = new Thread(() -> outcome.set(attempt(command)));
            shellThread.start();
            assertTrue(sessions.awaiting.await(10, TimeUnit.SECONDS));
            shellThread.interrupt();
            shellThread.join(TimeUnit.SECONDS.toMillis(10));
            assertFalse(shellThread.isAlive(), "the command did not return");
            assertNull(outcome.get().error());
            assertEquals("Detached from session " + ID + " of job '" + JOB + "': it keeps running. Follow it with"
                    + " ferry:session-show " + ID + ", stop it with ferry:job-stop " + ID + ".\n", outcome.get().out());
            assertFalse(sessions.calls.stream().anyMatch(c -> c.startsWith("stop")), "Ctrl-C does not stop the job");
        }

        @Test
        void noWaitReturnsOnceStartedAndSaysHowToFollowAndStop() throws Exception {
            successfulRun();
            String out = run(jobRun("noWait", true));
            assertEquals(List.of("start " + JOB + " manual"), sessions.calls);
            assertEquals("Session " + ID + " of job '" + JOB + "' started: 2 disks, proxies gp-hq-01, gp-br-01.\n"
                    + "It runs on the server: follow it with ferry:session-show " + ID + ", stop it with"
                    + " ferry:job-stop " + ID + ".\n", out);
            assertEquals("", shell.console());
        }

        @Test
        void jsonAndNoProgressShowNothingWhileRunning() throws Exception {
            successfulRun();
            String json = run(jobRun("json", true));
            assertEquals("", shell.console());
            assertTrue(json.startsWith("{\n  \"id\" : \"" + ID + "\",\n  \"job\" : \"" + JOB + "\",\n"), json);
            assertTrue(json.contains("\"status\" : \"SUCCESS\""), json);

            successfulRun();
            String text = run(jobRun("noProgress", true));
            assertEquals("", shell.console());
            assertTrue(text.startsWith("Session " + ID + " of job '" + JOB + "': success\n"), text);
        }
    }

    @Nested
    class JobRetry {

        @Test
        void startsANewSessionOfTheFailedTasksAndFollowsIt() throws Exception {
            Session retry = new Session("01JC9A", JOB, "retry", ID, SessionStatus.RUNNING, FakeSessions.T0, null,
                    List.of(db), List.of(), "");
            Session done = new Session("01JC9A", JOB, "retry", ID, SessionStatus.SUCCESS, FakeSessions.T0,
                    FakeSessions.T0.plusSeconds(9), List.of(succeeded(db, "full", null)), List.of(), "");
            sessions.run(new FakeSessions.Step(retry, List.of()), new FakeSessions.Step(done, List.of()));
            shell.headless();
            String out = run(with(new JobRetryCommand(), "sessions", sessions, "shell", shell.session(), "session",
                    " 01JC8Z "));
            assertEquals("retry 01JC8Z", sessions.calls.get(0));
            assertTrue(shell.console().startsWith("Session 01JC9A of job '" + JOB + "' (retry of " + ID
                    + ") started: 1 disk, proxy gp-br-01\n"), shell.console());
            assertTrue(out.contains("retry (retries the failed and stopped tasks of " + ID + ")"), out);
        }
    }

    @Nested
    class JobStop {

        @Test
        void aRunningSessionIsBeingStopped() throws Exception {
            sessions.add(state(SessionStatus.RUNNING, List.of(), running(web), db));
            String out = run(with(new JobStopCommand(), "sessions", sessions, "sessionOrJob", JOB));
            assertEquals(List.of("stop " + JOB), sessions.calls);
            assertEquals("Stopping session " + ID + " of job '" + JOB + "': running disks are being cancelled, queued"
                    + " ones dropped. ferry:session-show " + ID + " shows the result.\n", out);
        }

        @Test
        void aStoppedSessionCountsWhatWasStoppedAndWhatHadFinished() throws Exception {
            sessions.add(state(SessionStatus.STOPPED, List.of(), succeeded(web, "full", null),
                    db.withStatus(TaskStatus.STOPPED)));
            String out = run(with(new JobStopCommand(), "sessions", sessions, "sessionOrJob", "01JC8Z"));
            assertEquals("Session " + ID + " of job '" + JOB + "' is stopped: 1 disk stopped, 1 finished before."
                    + " ferry:job-retry " + ID + " runs the stopped disks again.\n", out);
        }
    }

    @Nested
    class SessionShow {

        private Action show(String id, Object... more) {
            return with(with(new SessionShowCommand(), "sessions", sessions, "session", id), more);
        }

        @Test
        void showsPerDiskProxyModeWhyTrackingFiguresAndTheGuestProcessing() throws Exception {
            TaskRecord full = succeeded(db, "full", "the VM restarted since the last backup: the bitmap is"
                    + " inconsistent");
            sessions.add(session(ID, JOB, SessionStatus.SUCCESS, List.of(succeeded(web, "dirty-bitmap:ferry-2", null),
                    full), List.of(webGuest, appGuest), ""));
            String out = run(show("01JC8"));
            assertTrue(out.startsWith("Session " + ID + " of job '" + JOB + "': success\n"), out);
            for (String expected : List.of("2 disks: 2 success", "Read        | 32.0 MiB (25% of the disks)",
                    "Stored      | 8.0 MiB", "Dedupe      | 3.0x", "Compression | 2.0x", "Duration    | 0:42",
                    "pve-web-01 | gi-lin-01 | qemu-guest-agent | success      |  84 ms | froze /data",
                    "vmw-app-01 | gi-win-01 | VIX              | not-executed |      - | not executed: would quiesce the"
                            + " guest with VSS over VIX",
                    "pve-web-01/scsi0 | success | gp-hq-01 | proxmox-nbd | dirty-bitmap:ferry-2 |    8.0 s | 8.0 MiB/s",
                    "pve-db-01/scsi0  | success | gp-br-01 | proxmox-nbd | full                 |    8.0 s | 8.0 MiB/s",
                    "pve-web-01/scsi0 | 64.0 MiB | 16.0 MiB |     5.0 MiB | 4.0 MiB |   3.0x |        2.0x",
                    "  why: gp-hq-01 via proxmox-nbd (same network as the VM)",
                    "  full read: the VM restarted since the last backup: the bitmap is inconsistent",
                    "  backup: 01JBKPVE-WEB-01")) {
                assertTrue(out.contains(expected), expected + " missing:\n" + out);
            }
        }

        @Test
        void aRunningSessionShowsEachRunningDisksPercentAndRate() throws Exception {
            TaskRecord webRunning = running(web);
            sessions.run(new FakeSessions.Step(state(SessionStatus.RUNNING, List.of(), webRunning, db),
                    List.of(progress(webRunning, 32))));
            String out = run(show(ID));
            assertTrue(out.contains("pve-web-01/scsi0 | running 50% | gp-hq-01 | proxmox-nbd | -        |        -"
                    + " | 8.0 MiB/s"), out);
            assertTrue(out.contains("pve-db-01/scsi0  | queued      |"), out);
            assertFalse(out.contains("Finished"), out);
        }

        @Test
        void anUnknownSessionNamesTheListCommand() {
            NotFoundException e = assertThrows(NotFoundException.class, () -> run(show("01XX")));
            assertEquals("No session with id or id prefix '01XX' (see ferry:session-list)", e.getMessage());
        }

        @Test
        void jsonHoldsEveryFieldOfTheSessionItsGuestsAndTasks() throws Exception {
            TaskRecord failedDb = failed(db, "disk read error");
            sessions.add(new Session(ID, JOB, "retry", "01JC7", SessionStatus.FAILED, FakeSessions.T0,
                    FakeSessions.T0.plusSeconds(42), List.of(failedDb), List.of(appGuest), "1 of 1 disk failed"));
            assertEquals("""
                    {
                      "id" : "01JC8ZQ4M2",
                      "job" : "demo-proxmox",
                      "trigger" : "retry",
                      "retryOf" : "01JC7",
                      "status" : "FAILED",
                      "started" : "2025-03-01T02:00:00Z",
                      "finished" : "2025-03-01T02:00:42Z",
                      "durationMillis" : 42000,
                      "message" : "1 of 1 disk failed",
                      "totals" : {
                        "tasks" : 1,
                        "taskStatus" : {
                          "FAILED" : 1
                        },
                        "sizeBytes" : 67108864,
                        "readBytes" : 1048576,
                        "transferredBytes" : 0,
                        "storedBytes" : 0,
                        "dataBytes" : 0,
                        "newBytes" : 0,
                        "dedupeRatio" : 1.0,
                        "compressionRatio" : 1.0
                      },
                      "guests" : [
                        {
                          "vm" : "vmw-app-01",
                          "proxy" : "gi-win-01",
                          "status" : "NOT_EXECUTED",
                          "executed" : false,
                          "channel" : "VIX",
                          "detail" : "would quiesce the guest with VSS over VIX",
                          "frozenMillis" : 0
                        }
                      ],
                      "tasks" : [
                        {
                          "id" : "pve-db-01/scsi0",
                          "vm" : "pve-db-01",
                          "disk" : "scsi0",
                          "status" : "FAILED",
                          "proxy" : "gp-br-01",
                          "transportMode" : "proxmox-nbd",
                          "reason" : "gp-br-01 via proxmox-nbd (same network as the VM)",
                          "changeTracking" : "full",
                          "sizeBytes" : 67108864,
                          "readBytes" : 1048576,
                          "transferredBytes" : 0,
                          "storedBytes" : 0,
                          "dataBytes" : 0,
                          "newBytes" : 0,
                          "dedupeRatio" : 1.0,
                          "compressionRatio" : 1.0,
                          "started" : "2025-03-01T02:00:01Z",
                          "finished" : "2025-03-01T02:00:03Z",
                          "durationMillis" : 2000,
                          "bytesPerSecond" : 33554432,
                          "error" : "disk read error",
                          "warnings" : [ ]
                        }
                      ]
                    }
                    """, run(show(ID, "json", true)));
        }
    }

    @Nested
    class SessionList {

        @Test
        void listsNewestFirstWithStatusCountsAndFigures() throws Exception {
            sessions.add(session("01JC7", JOB, SessionStatus.SUCCESS, List.of(succeeded(web, "full", null)), List.of(),
                    ""));
            sessions.add(new Session(ID, JOB, "schedule", null, SessionStatus.FAILED, FakeSessions.T0.plusSeconds(
                    3600), FakeSessions.T0.plusSeconds(3700), List.of(succeeded(web, "full", null), failed(db,
                            "boom")), List.of(), "1 of 2 disks failed"));
            String out = run(with(new SessionListCommand(), "sessions", sessions, "job", JOB, "limit", 5));
            assertEquals("sessions " + JOB + " 5", sessions.calls.get(0));
            List<String> lines = out.lines().toList();
            assertTrue(lines.get(0).startsWith("Id         | Job          | Trigger  | Status  | Started (UTC)"),
                    out);
            assertTrue(lines.get(2).startsWith(ID + " | " + JOB + " | schedule | failed  | 2025-03-01T03:00:00Z |"
                    + "     1:40 | 1 success, 1 failed | 17.0 MiB | 4.0 MiB | 1 of 2 disks failed"), out);
            assertTrue(lines.get(3).startsWith("01JC7      | " + JOB + " | manual   | success | 2025-03-01T02:00:00Z"),
                    out);
        }

        @Test
        void aLongMessageIsCutToItsFirstSentenceOnOneLine() {
            assertEquals("2 of 3 disks failed: pve-db-01/scsi0 (guest processing st...",
                    SessionListCommand.headline("2 of 3 disks failed: pve-db-01/scsi0 (guest processing stage of VM\n"
                            + " pve-db-01 failed: cannot take point-in-time views). The other 1 were backed up."));
            assertEquals("The disk was backed up.", SessionListCommand.headline("The disk was backed up. Retention"
                    + " (keep last 7 per disk): nothing to remove."));
            assertEquals("", SessionListCommand.headline(""));
        }

        @Test
        void anEmptyListSaysHowToRunAJobAndABadLimitIsRefused() throws Exception {
            String out = run(with(new SessionListCommand(), "sessions", sessions));
            assertTrue(out.contains("No sessions yet; run a job with ferry:job-run JOB"), out);
            assertEquals("sessions null 20", sessions.calls.get(0));
            ValidationException e = assertThrows(ValidationException.class,
                    () -> run(with(new SessionListCommand(), "sessions", sessions, "limit", 0)));
            assertEquals("--limit", e.field());
        }

        @Test
        void jsonListsTheSessionsWithTotalsButNotTheirTasks() throws Exception {
            sessions.add(session(ID, JOB, SessionStatus.SUCCESS, List.of(succeeded(web, "full", null)), List.of(), ""));
            String json = run(with(new SessionListCommand(), "sessions", sessions, "json", true));
            assertTrue(json.startsWith("[\n  {\n    \"id\" : \"" + ID + "\""), json);
            assertTrue(json.contains("\"readBytes\" : 16777216"), json);
            assertFalse(json.contains("\"tasks\" : ["), json);
        }
    }

    @Nested
    class Restore {

        private Action restore(Object... more) {
            return with(with(new RestoreVmCommand(), "sessions", sessions, "shell", shell.session(), "vm",
                    "pve-web-01"), more);
        }

        @BeforeEach
        void backedUp() {
            sessions.add(session(ID, JOB, SessionStatus.SUCCESS, List.of(succeeded(web, "full", null)), List.of(), ""));
        }

        @Test
        void everyDiskIsRestoredIntoADirectoryRelativeToTheShellsDirectory() throws Exception {
            String out = run(restore("to", "restored", "session", "01JC8"));
            Path target = dir.resolve("restored");
            assertEquals(List.of("restore pve-web-01 01JC8 " + target + " false"), sessions.calls.subList(0, 1));
            assertTrue(out.startsWith("Restored 1 disk of VM 'pve-web-01' from session " + ID + " to " + target
                    + ".\n"), out);
            assertTrue(out.contains("scsi0 | 01JBKPVE-WEB-01 | " + target + "/pve-web-01-scsi0.raw | 64.0 MiB"
                    + " | 16.0 MiB |       48.0 MiB |    2.0 s | 32.0 MiB/s"), out);
            assertTrue(shell.console().contains("restore  ["), "progress bar on the console: " + shell.console());
        }

        @Test
        void anNbdPrefixIsPassedAsItIsAndAFileIsRefused() throws Exception {
            run(restore("to", "nbd+unix:///?socket=/run/r.sock", "overwrite", true, "noProgress", true));
            assertEquals("restore pve-web-01 null nbd+unix:///?socket=/run/r.sock true", sessions.calls.get(0));
            Files.writeString(dir.resolve("a-file"), "x");
            ValidationException file = assertThrows(ValidationException.class, () -> run(restore("to", "a-file")));
            assertEquals("--to", file.field());
            assertTrue(file.getMessage().contains("is a file: name a directory"), file.getMessage());
            ValidationException scheme = assertThrows(ValidationException.class,
                    () -> run(restore("to", "http://x/y")));
            assertEquals("--to", scheme.field());
        }

        @Test
        void jsonNamesEachDiskWithItsBackupAndTarget() throws Exception {
            String json = run(restore("to", "/var/tmp/r", "json", true));
            assertEquals("""
                    {
                      "vm" : "pve-web-01",
                      "session" : "01JC8ZQ4M2",
                      "disks" : [
                        {
                          "disk" : "scsi0",
                          "backupId" : "01JBKPVE-WEB-01",
                          "target" : "/var/tmp/r/pve-web-01-scsi0.raw",
                          "size" : 67108864,
                          "writtenBytes" : 16777216,
                          "zeroBytes" : 50331648,
                          "elapsedMillis" : 2000
                        }
                      ]
                    }
                    """, json);
            assertEquals("", shell.console());
        }

        @Test
        void ctrlCCancelsTheRestore() throws Exception {
            sessions.restoreWaitsForCancel = true;
            Action command = restore("to", "/var/tmp/r");
            AtomicReference<Outcome> outcome = new AtomicReference<>();
            Thread shellThread = new Thread(() -> outcome.set(attempt(command)));
            shellThread.start();
            assertTrue(sessions.restoring.await(10, TimeUnit.SECONDS));
            shellThread.interrupt();
            shellThread.join(TimeUnit.SECONDS.toMillis(10));
            assertFalse(shellThread.isAlive(), "the restore did not stop");
            RepositoryException e = assertInstanceOf(RepositoryException.class, outcome.get().error());
            assertEquals(RepositoryException.Reason.CANCELLED, e.reason());
        }
    }

    @Nested
    class Completers {

        @Test
        void jobStopOffersOnlyRunningSessionsAndTheirJobs() {
            sessions.add(session("01JC7", "old-job", SessionStatus.SUCCESS, List.of(), List.of(), ""));
            sessions.add(session(ID, JOB, SessionStatus.RUNNING, List.of(), List.of(), ""));
            Completer completer = CommandHarness.inject(new RunningSessionCompleter(), "sessions", sessions);
            assertEquals(List.of(ID + " ", JOB + " "), complete(completer, ""));
            Completer ids = CommandHarness.inject(new SessionIdCompleter(), "sessions", sessions);
            assertEquals(List.of("01JC7 "), complete(ids, "01JC7"));
        }

        private static List<String> complete(Completer completer, String typed) {
            List<String> candidates = new ArrayList<>();
            completer.complete(null, line(typed), candidates);
            candidates.sort(null);
            return candidates;
        }

        private static CommandLine line(String typed) {
            return new CommandLine() {
                @Override
                public int getCursorArgumentIndex() {
                    return 1;
                }

                @Override
                public String getCursorArgument() {
                    return typed;
                }

                @Override
                public int getArgumentPosition() {
                    return typed.length();
                }

                @Override
                public String[] getArguments() {
                    return new String[] {"ferry:job-stop", typed};
                }

                @Override
                public int getBufferPosition() {
                    return typed.length();
                }

                @Override
                public String getBuffer() {
                    return "ferry:job-stop " + typed;
                }
            };
        }
    }
}
