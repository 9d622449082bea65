package io.ferry.shell.internal;

import static io.ferry.shell.internal.CommandHarness.run;
import static io.ferry.shell.internal.CommandHarness.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.FerryException;
import io.ferry.api.NotFoundException;
import io.ferry.api.ValidationException;
import io.ferry.api.mover.SourceOptions;
import io.ferry.api.repository.BackupInfo;
import io.ferry.api.repository.BackupRequest;
import io.ferry.api.repository.ChunkProblem;
import io.ferry.api.repository.PruneReport;
import io.ferry.api.repository.RepositoryException;
import io.ferry.api.repository.RepositoryException.Reason;
import io.ferry.api.repository.RetentionPolicy;
import io.ferry.api.repository.VerifyReport;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.support.CommandException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RepositoryCommandsTest {
    private static final String PASSWORD = "correct horse battery";

    @TempDir
    Path dir;

    private final FakeRepositories repositories = new FakeRepositories();
    private final FakeMover mover = new FakeMover();
    private final Map<String, String> environment = new HashMap<>();
    private final Function<String, String> env = environment::get;
    private FakeSession session;
    private Path repoDir;
    private FakeRepositories.Repo repo;

    @BeforeEach
    void repository() {
        session = new FakeSession(dir);
        repoDir = dir.resolve("repo");
        repo = repositories.add(repoDir, PASSWORD);
        environment.put(Passwords.VARIABLE, PASSWORD);
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

    private BackupInfo addBackup(String id, String disk, String parent, int hour) {
        BackupInfo info = FakeRepositories.backup(id, disk, parent, hour);
        repo.backups.add(info);
        return info;
    }

    @Nested
    class RepoInit {

        private Action init(Object... more) {
            environment.clear();
            Object[] base = {"repositories", repositories, "session", session.session(), "environment", env, "path",
                    "new-repo"};
            Object[] all = new Object[base.length + more.length];
            System.arraycopy(base, 0, all, 0, base.length);
            System.arraycopy(more, 0, all, base.length, more.length);
            return with(new RepoInitCommand(), all);
        }

        @Test
        void asksForThePasswordTwicePrintsTheSettingsAndWarnsThatALostPasswordLosesTheBackups() throws Exception {
            session.answering(PASSWORD, PASSWORD);
            String out = run(init());
            assertEquals(List.of("init " + dir.resolve("new-repo") + " 4194304 600000"), repositories.calls);
            assertEquals(List.of(PASSWORD), repositories.passwords);
            assertEquals(List.of(Passwords.PROMPT, Passwords.REPEAT_PROMPT), session.prompts);
            assertTrue(out.startsWith("Created repository " + dir.resolve("new-repo") + "\n"), out);
            for (String expected : List.of(FakeRepositories.REPO_ID, "4 MiB", "AES-256-GCM", "LZ4",
                    "PBKDF2-HMAC-SHA256, 600000 iterations")) {
                assertTrue(out.contains(expected), expected + " missing:\n" + out);
            }
            assertTrue(out.endsWith(RepoInitCommand.WARNING + "\n"), out);
            assertFalse(out.contains(PASSWORD), "the password is never shown");
            assertTrue(repositories.allPasswordsWiped());
        }

        @Test
        void differentEntriesCreateNothing() {
            session.answering(PASSWORD, PASSWORD + "!");
            assertThrows(ValidationException.class, () -> run(init()));
            assertEquals(List.of(), repositories.calls);
        }

        @Test
        void chunkSizeAndKdfIterationsArePassedAndChecked() throws Exception {
            Files.writeString(dir.resolve("pass"), PASSWORD + "\n");
            run(init("chunkSize", "1M", "kdfIterations", 100_000, "passwordFile", "pass"));
            assertEquals(List.of("init " + dir.resolve("new-repo") + " 1048576 100000"), repositories.calls);
            assertEquals(List.of(), session.prompts, "the password came from the file, relative to the shell's directory");

            ValidationException odd = assertThrows(ValidationException.class, () -> run(init("chunkSize", "3M")));
            assertEquals("--chunk-size", odd.field());
            ValidationException few = assertThrows(ValidationException.class, () -> run(init("kdfIterations", 1000)));
            assertEquals("--kdf-iterations", few.field());
            assertEquals(List.of(), session.prompts, "options are checked before the password is asked for");
        }

        @Test
        void aDirectoryThatIsNotEmptyIsRefusedBeforeThePasswordIsAskedFor() throws Exception {
            Files.createDirectories(dir.resolve("new-repo"));
            Files.writeString(dir.resolve("new-repo/notes.txt"), "x");
            RepositoryException e = assertThrows(RepositoryException.class, () -> run(init()));
            assertEquals(Reason.ALREADY_EXISTS, e.reason());
            assertTrue(e.getMessage().contains("not empty"), e.getMessage());
            assertEquals(List.of(), session.prompts);
            assertEquals(List.of(), repositories.calls);
        }

        @Test
        void theEnvironmentVariableIsUsedWithoutPrompting() throws Exception {
            Action init = init();
            environment.put(Passwords.VARIABLE, "from-the-environment");
            run(init);
            assertEquals(List.of("from-the-environment"), repositories.passwords);
            assertEquals(List.of(), session.prompts);
        }
    }

    @Nested
    class RepoInfo {

        private Action info(Object... more) {
            Object[] base = {"repositories", repositories, "session", session.session(), "environment", env, "path",
                    "repo"};
            Object[] all = new Object[base.length + more.length];
            System.arraycopy(base, 0, all, 0, base.length);
            System.arraycopy(more, 0, all, base.length, more.length);
            return with(new RepoInfoCommand(), all);
        }

        @Test
        void showsTheSettingsAndWhatTheRepositoryHolds() throws Exception {
            addBackup("01JA0001", "web-01", null, 0);
            addBackup("01JA0002", "web-01", "01JA0001", 24);
            String out = run(info());
            assertTrue(out.startsWith("Repository " + repoDir + "\n"), out);
            for (String expected : List.of("2025-03-01T02:00:00Z", "AES-256-GCM", "8 (8.0 MiB on disk)",
                    "128 MiB of disks in 2 backups (16.0x the space the chunks use)")) {
                assertTrue(out.contains(expected), expected + " missing:\n" + out);
            }
            assertEquals(1, repo.closed, "the repository is closed");
            assertTrue(repositories.allPasswordsWiped());
        }

        @Test
        void jsonHasTheFieldsOfRepositoryInfo() throws Exception {
            addBackup("01JA0001", "web-01", null, 0);
            assertEquals("""
                    {
                      "path" : "%s",
                      "id" : "%s",
                      "formatVersion" : 1,
                      "chunkSize" : 4194304,
                      "created" : "2025-03-01T02:00:00Z",
                      "encryption" : "AES-256-GCM",
                      "compression" : "LZ4",
                      "kdf" : "PBKDF2-HMAC-SHA256, 600000 iterations",
                      "backups" : 1,
                      "chunks" : 4,
                      "storedBytes" : 4194304,
                      "logicalBytes" : 67108864
                    }
                    """.formatted(repoDir, FakeRepositories.REPO_ID), run(info("json", true)));
        }

        @Test
        void aWrongPasswordIsOneClearErrorAndThePasswordIsWiped() {
            environment.put(Passwords.VARIABLE, "wrong password");
            RepositoryException e = assertThrows(RepositoryException.class, () -> run(info()));
            assertEquals(Reason.WRONG_PASSWORD, e.reason());
            assertTrue(e.getMessage().contains("nothing was changed"), e.getMessage());
            assertTrue(repositories.allPasswordsWiped());
        }

        @Test
        void aDirectoryWithoutARepositorySaysHowToCreateOne() {
            RepositoryException e = assertThrows(RepositoryException.class, () -> run(info("path", "elsewhere")));
            assertEquals(Reason.NOT_A_REPOSITORY, e.reason());
            assertTrue(e.getMessage().contains("ferry:repo-init " + dir.resolve("elsewhere")), e.getMessage());
        }
    }

    @Nested
    class Backups {

        private Action list(Object... more) {
            Object[] base = {"repositories", repositories, "session", session.session(), "environment", env, "repo",
                    "repo"};
            Object[] all = new Object[base.length + more.length];
            System.arraycopy(base, 0, all, 0, base.length);
            System.arraycopy(more, 0, all, base.length, more.length);
            return with(new BackupListCommand(), all);
        }

        @Test
        void aJobRepositoryIsOpenedByTheJobRunnerWithNoPasswordAnywhere() throws Exception {
            addBackup("01JA0001", "web-01", null, 0);
            environment.clear(); // no FERRY_REPOSITORY_PASSWORD, no prompt, no file
            FakeSessions sessions = new FakeSessions();
            sessions.jobRepositories.put("repo-01", repo);
            String out = run(with(new BackupListCommand(), "repositories", repositories, "sessions", sessions,
                    "session", session.session(), "environment", env, "jobRepo", "repo-01"));
            assertTrue(out.contains("01JA0001"), out);
            assertTrue(sessions.calls.contains("jobRepository repo-01"), sessions.calls.toString());
            assertEquals(List.of(), repositories.calls, "the shell opened no repository itself");
            assertTrue(session.prompts.isEmpty(), "asked for a password: " + session.prompts);
        }

        @Test
        void aJobRepositoryTakesNeitherADirectoryNorAPasswordFile() {
            FakeSessions sessions = new FakeSessions();
            sessions.jobRepositories.put("repo-01", repo);
            ValidationException both = assertThrows(ValidationException.class, () -> run(list("sessions", sessions,
                    "jobRepo", "repo-01")));
            assertTrue(both.getMessage().contains("not both"), both.getMessage());
            ValidationException password = assertThrows(ValidationException.class, () -> run(with(
                    new BackupListCommand(), "repositories", repositories, "sessions", sessions, "session",
                    session.session(), "environment", env, "jobRepo", "repo-01", "passwordFile", "pw")));
            assertTrue(password.getMessage().contains("Ferry's own password"), password.getMessage());
            ValidationException none = assertThrows(ValidationException.class, () -> run(with(
                    new BackupListCommand(), "repositories", repositories, "session", session.session(),
                    "environment", env)));
            assertTrue(none.getMessage().contains("--job-repo SERVER"), none.getMessage());
        }

        @Test
        void aTableRowPerBackupWithParentAndTracking() throws Exception {
            addBackup("01JA0001", "web-01", null, 0);
            addBackup("01JA0002", "db-01", null, 1);
            addBackup("01JA0003", "web-01", "01JA0001", 24);
            String out = run(list());
            List<String> lines = out.lines().toList();
            assertTrue(lines.get(0).startsWith("Id"), out);
            assertEquals(5, lines.size(), out);
            String third = lines.get(4);
            for (String cell : List.of("01JA0003", "web-01", "2025-03-02T02:00:08Z", "64.0 MiB", "16.0 MiB",
                    "8.0 MiB / 4.0 MiB", "01JA0001", "dedupe")) {
                assertTrue(third.contains(cell), cell + " missing: " + third);
            }
            assertTrue(lines.get(2).contains("full"), out);
        }

        @Test
        void filteredByDiskAndWithAHintWhenEmpty() throws Exception {
            addBackup("01JA0001", "web-01", null, 0);
            addBackup("01JA0002", "db-01", null, 1);
            String out = run(list("disk", "db-01"));
            assertTrue(out.contains("01JA0002") && !out.contains("01JA0001"), out);
            assertTrue(run(list("disk", "app-01")).contains("No backups of disk 'app-01'"));
            repo.backups.clear();
            assertTrue(run(list()).contains("No backups in " + repoDir + "; make one with ferry:backup-disk"));
        }

        @Test
        void jsonHasTheFieldsOfBackupInfoWithTimesInIso8601() throws Exception {
            addBackup("01JA0001", "web-01", null, 0);
            assertEquals("""
                    [
                      {
                        "id" : "01JA0001",
                        "disk" : "web-01",
                        "source" : "/images/web-01.raw",
                        "size" : 67108864,
                        "chunkSize" : 4194304,
                        "started" : "2025-03-01T02:00:00Z",
                        "finished" : "2025-03-01T02:00:08.250Z",
                        "duration" : "PT8.25S",
                        "durationMillis" : 8250,
                        "stats" : {
                          "readBytes" : 16777216,
                          "dataBytes" : 16777216,
                          "zeroBytes" : 50331648,
                          "newChunks" : 2,
                          "reusedChunks" : 2,
                          "newBytes" : 8388608,
                          "storedBytes" : 4194304,
                          "dedupeRatio" : 2.0,
                          "compressionRatio" : 2.0,
                          "changeTracking" : "full"
                        },
                        "labels" : {
                          "job" : "nightly"
                        }
                      }
                    ]
                    """, run(list("json", true)));
            addBackup("01JA0002", "web-01", "01JA0001", 24);
            assertTrue(run(list("json", true)).contains("\"parent\" : \"01JA0001\""));
            repo.backups.clear();
            assertEquals("[ ]\n", run(list("json", true)));
        }

        @Test
        void withoutRepoTheErrorShowsHowToNameIt() {
            ValidationException e = assertThrows(ValidationException.class, () -> run(list("repo", null)));
            assertEquals("--repo", e.field());
            assertTrue(e.getMessage().contains("ferry:backups --repo DIRECTORY"), e.getMessage());
            assertTrue(e.getMessage().contains("ferry:backups --job-repo SERVER"), e.getMessage());
            assertEquals(List.of(), repositories.calls);
        }
    }

    @Nested
    class BackupDisk {

        private Action backup(String source, Object... more) {
            Object[] base = {"repositories", repositories, "sources", mover.sources, "mover", mover, "session",
                    session.session(), "environment", env, "repo", "repo", "source", source};
            Object[] all = new Object[base.length + more.length];
            System.arraycopy(base, 0, all, 0, base.length);
            System.arraycopy(more, 0, all, base.length, more.length);
            return with(new BackupDiskCommand(), all);
        }

        @Test
        void aFileIsBackedUpUnderAKeyFromItsNameAndTheSummaryShowsTheFigures() throws Exception {
            String out = run(backup("images/web-01.raw", "labels", List.of("job=nightly", "vm = web-01")));
            assertEquals(List.of(dir.resolve("images/web-01.raw").toString()), mover.sources.opened);
            BackupRequest request = mover.requests.get(0);
            assertEquals("web-01.raw", request.disk());
            assertEquals(FakeMover.SIZE, request.size());
            assertFalse(request.full());
            assertEquals(Map.of("job", "nightly", "vm", "web-01"), request.labels());
            assertTrue(out.startsWith("Disk key: web-01.raw (from the source's name; choose another with --disk)\n"
                    + "Backup 01JBK1X7Q2M of disk 'web-01.raw' is complete.\n"), out);
            for (String expected : List.of("full", "64.0 MiB (24.0 MiB data, 40.0 MiB zeros or unallocated)",
                    "16.0 MiB", "8.0 MiB in 2 chunks, stored as 4.0 MiB; 4 chunks reused", "3.0x", "2.0x",
                    "8.0 s (2.0 MiB/s read)", "full (every allocated block was read)", "job=nightly, vm=web-01")) {
                assertTrue(out.contains(expected), expected + " missing:\n" + out);
            }
            assertEquals(1, mover.sources.closed, "the source is closed");
            assertEquals(1, repo.closed, "the repository is closed");
            assertTrue(repositories.allPasswordsWiped());
        }

        @Test
        void theProgressBarIsDrawnOnTheSessionConsoleAndEndsItsLine() throws Exception {
            String out = run(backup("/images/web-01.raw"));
            String console = session.console();
            assertTrue(console.startsWith("\rbackup   ["), console);
            assertTrue(console.contains("100%  64.0 MiB / 64.0 MiB"), console);
            assertTrue(console.endsWith("\n"), console);
            assertFalse(out.contains("\r"), "progress stays out of the command's output");
        }

        @Test
        void withoutATerminalProgressIsPlainLines() throws Exception {
            session.headless();
            run(backup("/images/web-01.raw"));
            String console = session.console();
            assertFalse(console.contains("\r"), console);
            assertEquals(5, console.lines().count(), console);
        }

        @Test
        void noProgressAndJsonShowNoBar() throws Exception {
            run(backup("/images/web-01.raw", "noProgress", true));
            assertEquals("", session.console());
            String json = run(backup("/images/web-01.raw", "json", true));
            assertEquals("", session.console());
            assertTrue(json.startsWith("{\n  \"id\" : \"01JBK2X7Q2M\",\n  \"disk\" : \"web-01.raw\",\n"), json);
            assertTrue(json.contains("\"parent\" : \"01JBK1X7Q2M\""), json);
            assertTrue(json.contains("\"changeTracking\" : \"dedupe\""), json);
            assertFalse(json.contains("Disk key"), json);
        }

        @Test
        void anNbdExportWithABitmapIsReadThroughTheBitmapOnceThereIsAParent() throws Exception {
            String source = "nbd+unix:///backup?socket=/run/ferry/web-01.sock";
            String first = run(backup(source, "disk", "web-01/disk0", "bitmap", "ferry-1"));
            assertEquals(List.of(source), mover.sources.opened);
            assertEquals(new SourceOptions("ferry-1", null, true), mover.sources.options.get(0));
            assertFalse(first.contains("Disk key:"), "a key given with --disk is not announced");
            assertTrue(first.contains("Note: the dirty bitmap 'ferry-1' was not used"), first);

            String second = run(backup(source, "disk", "web-01/disk0", "bitmap", "ferry-2"));
            assertTrue(second.contains("01JBK1X7Q2M (incremental)"), second);
            assertTrue(second.contains("dirty-bitmap:ferry-2 (only blocks changed since the parent were read)"), second);
            assertFalse(second.contains("Note:"), second);

            run(backup(source, "disk", "web-01/disk0", "full", true));
            assertTrue(mover.requests.get(2).full());
        }

        @Test
        void parentPinsTheBaseOfTheBitmapToTheNamedBackupNotTheLatest() throws Exception {
            String source = "nbd+unix:///backup?socket=/run/ferry/web-01.sock";
            run(backup(source, "disk", "web-01/disk0"));
            run(backup("/images/other.raw", "disk", "web-01/disk0")); // someone else's backup of the key
            String pinned = run(backup(source, "disk", "web-01/disk0", "bitmap", "ferry-1", "parent", "01JBK1"));
            assertEquals("01JBK1X7Q2M", mover.requests.get(2).parent(), "the prefix is resolved to the full id");
            assertTrue(pinned.contains("01JBK1X7Q2M (incremental)"), pinned);

            ValidationException both = assertThrows(ValidationException.class,
                    () -> run(backup(source, "disk", "web-01/disk0", "full", true, "parent", "01JBK1")));
            assertEquals("--parent", both.field());
            assertEquals(3, mover.requests.size(), "refused before the backup started");
        }

        @Test
        void aBitmapOrTlsCertificatesOnTheWrongSourceAreRefusedBeforeAnythingIsOpened() throws Exception {
            ValidationException bitmap = assertThrows(ValidationException.class,
                    () -> run(backup("/images/web-01.raw", "bitmap", "ferry-1")));
            assertEquals("--bitmap", bitmap.field());
            ValidationException tls = assertThrows(ValidationException.class,
                    () -> run(backup("nbd://10.0.1.21/web-01", "tlsCertificates", "certs")));
            assertEquals("--tls-certificates", tls.field());
            ValidationException noDir = assertThrows(ValidationException.class,
                    () -> run(backup("nbds://10.0.1.21/web-01", "tlsCertificates", "certs")));
            assertTrue(noDir.getMessage().contains("ca-cert.pem"), noDir.getMessage());
            assertEquals(List.of(), repositories.calls);
            assertEquals(List.of(), mover.sources.opened);

            Files.createDirectories(dir.resolve("certs"));
            run(backup("nbds://10.0.1.21/web-01", "tlsCertificates", "certs"));
            assertEquals(dir.resolve("certs"), mover.sources.options.get(0).tlsCertificates());
        }

        @Test
        void badDiskKeysAndLabelsNameTheirOption() {
            assertEquals("--disk", assertThrows(ValidationException.class,
                    () -> run(backup("/images/a.raw", "disk", "-web 01"))).field());
            assertEquals("--label", assertThrows(ValidationException.class,
                    () -> run(backup("/images/a.raw", "labels", List.of("job")))).field());
            assertEquals("--label", assertThrows(ValidationException.class,
                    () -> run(backup("/images/a.raw", "labels", List.of("job=a", "job=b")))).field());
            assertEquals(List.of(), repositories.calls);
        }

        @Test
        void aWrongPasswordStopsBeforeTheSourceIsOpened() {
            environment.put(Passwords.VARIABLE, "not the password");
            RepositoryException e = assertThrows(RepositoryException.class, () -> run(backup("/images/a.raw")));
            assertEquals(Reason.WRONG_PASSWORD, e.reason());
            assertEquals(List.of(), mover.sources.opened);
            assertEquals(List.of(), repo.backups);
        }

        @Test
        void ctrlCInterruptsTheCommandThreadAndTheMoverSeesACancellation() throws Exception {
            mover.waitForCancel = true;
            Action command = backup("/images/web-01.raw");
            AtomicReference<Outcome> outcome = new AtomicReference<>();
            Thread shell = new Thread(() -> outcome.set(attempt(command)));
            shell.start();
            assertTrue(mover.running.await(10, TimeUnit.SECONDS));
            shell.interrupt();
            shell.join(TimeUnit.SECONDS.toMillis(10));
            assertFalse(shell.isAlive(), "the backup did not stop");
            RepositoryException e = assertInstanceOf(RepositoryException.class, outcome.get().error());
            assertEquals(Reason.CANCELLED, e.reason());
            assertEquals(List.of(), repo.backups);
            assertEquals(1, mover.sources.closed);
            assertEquals(1, repo.closed);
        }

        @Test
        void derivedKeysComeFromTheFileOrExportName() {
            Map<String, String> expected = new LinkedHashMap<>();
            expected.put("/var/lib/libvirt/images/web-01.qcow2", "web-01.qcow2");
            expected.put("/dev/vg0/web-01-snap", "web-01-snap");
            expected.put("file:///srv/images/db%2001.vmdk", "db-01.vmdk");
            expected.put("/images/Wéb (copy) #2.vhdx", "W-b-copy-2.vhdx");
            expected.put("nbd://10.0.1.21:10809/vm/web-01/disk0", "vm/web-01/disk0");
            expected.put("nbds://px-01.corp.example/web-01", "web-01");
            expected.put("nbd+unix:///backup?socket=/run/ferry/web-01.sock", "backup");
            expected.put("nbd+unix:///?socket=/run/ferry/web-01.sock", "web-01.sock");
            expected.put("nbd://10.0.1.21:10809", "10.0.1.21:10809");
            expected.put("nbd://10.0.1.21/_hidden/", "hidden");
            expected.forEach((source, key) -> assertEquals(key, BackupDiskCommand.derivedKey(source), source));
            String longName = "/images/" + "a".repeat(300);
            assertEquals(200, BackupDiskCommand.derivedKey(longName).length());
            for (String key : expected.values()) {
                BackupRequest.of(key, "", 0);
            }
            ValidationException none = assertThrows(ValidationException.class,
                    () -> BackupDiskCommand.derivedKey("/images/###"));
            assertTrue(none.getMessage().contains("--disk KEY"), none.getMessage());
        }

        @Test
        void pathsAreTakenFromTheShellDirectoryAndUrisAsGiven() {
            assertEquals(dir.resolve("a:b.raw").toString(), BackupDiskCommand.location(session.session(), "a:b.raw"));
            assertEquals("nbd://h/e", BackupDiskCommand.location(session.session(), " nbd://h/e "));
            assertEquals("file:///x.raw", BackupDiskCommand.location(session.session(), "file:///x.raw"));
        }
    }

    @Nested
    class RestoreDisk {

        private Action restore(String target, Object... more) {
            Object[] base = {"repositories", repositories, "sources", mover.sources, "mover", mover, "session",
                    session.session(), "environment", env, "repo", "repo", "target", target};
            Object[] all = new Object[base.length + more.length];
            System.arraycopy(base, 0, all, 0, base.length);
            System.arraycopy(more, 0, all, base.length, more.length);
            return with(new RestoreDiskCommand(), all);
        }

        @BeforeEach
        void twoBackups() {
            addBackup("01JA0001", "web-01", null, 0);
            addBackup("01JB0002", "web-01", "01JA0001", 24);
            addBackup("01JB0003", "db-01", null, 25);
        }

        @Test
        void aBackupNamedByAPrefixIsRestoredToANewSparseFile() throws Exception {
            String out = run(restore("restored/web-01.raw", "backup", "01JA"));
            Path target = dir.resolve("restored/web-01.raw");
            assertEquals(List.of(target + " 67108864"), mover.sources.created);
            assertEquals(List.of("01JA0001 -> " + target), mover.restores);
            assertEquals("Restored backup 01JA0001 of disk 'web-01' (2025-03-01T02:00:08Z) to " + target + ".\n"
                    + "  64.0 MiB: 16.0 MiB written, 48.0 MiB left as holes or zeroed; 4.0 s (16.0 MiB/s)\n", out);
            assertTrue(session.console().contains("restore  ["), session.console());
            assertEquals(1, mover.sources.closed);
        }

        @Test
        void withOnlyADiskTheLatestBackupOfThatDiskIsRestored() throws Exception {
            run(restore("out.raw", "disk", "web-01"));
            assertEquals(List.of("01JB0002 -> " + dir.resolve("out.raw")), mover.restores);
        }

        @Test
        void withNeitherBackupNorDiskTheErrorSaysHowToFindIds() {
            ValidationException e = assertThrows(ValidationException.class, () -> run(restore("out.raw")));
            assertTrue(e.getMessage().contains("ferry:backups --repo repo"), e.getMessage());
            assertEquals(List.of(), repositories.calls);
        }

        @Test
        void unknownOrMismatchedBackupsAreErrorsAndNothingIsWritten() {
            assertThrows(NotFoundException.class, () -> run(restore("out.raw", "backup", "01JZ")));
            NotFoundException noDisk = assertThrows(NotFoundException.class,
                    () -> run(restore("out.raw", "disk", "app-01")));
            assertTrue(noDisk.getMessage().contains("No backup of disk 'app-01'"), noDisk.getMessage());
            ValidationException other = assertThrows(ValidationException.class,
                    () -> run(restore("out.raw", "backup", "01JB0003", "disk", "web-01")));
            assertTrue(other.getMessage().contains("is of disk 'db-01'"), other.getMessage());
            assertEquals(List.of(), mover.sources.created);
        }

        @Test
        void anExistingFileNeedsOverwrite() throws Exception {
            Path existing = Files.writeString(dir.resolve("web.raw"), "old");
            ValidationException e = assertThrows(ValidationException.class,
                    () -> run(restore("web.raw", "backup", "01JA")));
            assertTrue(e.getMessage().contains("add --overwrite"), e.getMessage());
            assertEquals(List.of(), repositories.calls, "refused before the password is asked for");

            run(restore("web.raw", "backup", "01JA", "overwrite", true));
            assertEquals(List.of(existing + " 67108864 overwrite"), mover.sources.created);
        }

        @Test
        void jsonHasTheFieldsOfRestoreResult() throws Exception {
            assertEquals("""
                    {
                      "backupId" : "01JA0001",
                      "disk" : "web-01",
                      "target" : "nbd+unix:///restore?socket=/run/r.sock",
                      "size" : 67108864,
                      "writtenBytes" : 16777216,
                      "zeroBytes" : 50331648,
                      "elapsed" : "PT4S",
                      "elapsedMillis" : 4000
                    }
                    """, run(restore("nbd+unix:///restore?socket=/run/r.sock", "backup", "01JA", "json", true)));
            assertEquals("", session.console());
        }
    }

    @Nested
    class Verify {

        private Action verify(Object... more) {
            Object[] base = {"repositories", repositories, "session", session.session(), "environment", env, "repo",
                    "repo"};
            Object[] all = new Object[base.length + more.length];
            System.arraycopy(base, 0, all, 0, base.length);
            System.arraycopy(more, 0, all, base.length, more.length);
            return with(new VerifyCommand(), all);
        }

        @BeforeEach
        void backups() {
            addBackup("01JA0001", "web-01", null, 0);
            addBackup("01JB0002", "web-01", "01JA0001", 24);
            addBackup("01JB0003", "db-01", null, 25);
        }

        private VerifyReport damaged() {
            return new VerifyReport(List.of("01JA0001", "01JB0002", "01JB0003"), 12, 12L << 20, List.of(
                    new ChunkProblem("ab".repeat(32), "missing", List.of("01JA0001", "01JB0002")),
                    new ChunkProblem("cd".repeat(32), "authentication failed", List.of("01JB0002"))));
        }

        @Test
        void allBackupsCheckedPrintOk() throws Exception {
            String out = run(verify());
            assertEquals(List.of(), repo.verified, "no ids: every backup");
            assertTrue(out.matches("OK: 3 backups, 12 chunks \\(12\\.0 MiB\\) in " + Pattern.quote(
                    repoDir.toString()) + " read back, decrypted and checked in .*\\.\n"), out);
            assertTrue(session.console().contains("verify   ["), session.console());
        }

        @Test
        void prefixesAreResolvedToIds() throws Exception {
            run(verify("backups", List.of("01JA", "01JB0003", "01JA0001")));
            assertEquals(List.of("01JA0001", "01JB0003"), repo.verified);
            assertThrows(NotFoundException.class, () -> run(verify("backups", List.of("01JZ"))));
            ValidationException ambiguous = assertThrows(ValidationException.class,
                    () -> run(verify("backups", List.of("01JB"))));
            assertTrue(ambiguous.getMessage().contains("give more of the id"), ambiguous.getMessage());
        }

        @Test
        void problemsArePrintedWithTheBackupsTheyBreakAndThenTheCommandFails() {
            repo.verifyReport = damaged();
            Outcome outcome = attempt(verify());
            String out = outcome.out();
            String missing = out.lines().filter(l -> l.contains("ab".repeat(32))).findFirst().orElseThrow();
            assertTrue(missing.contains("missing") && missing.contains("01JA0001 01JB0002"), out);
            assertTrue(out.contains("authentication failed"), out);
            assertTrue(out.contains("FAILED: 2 chunks missing or damaged in " + repoDir + "; 2 of 3 backups cannot be"
                    + " restored intact: 01JA0001, 01JB0002."), out);
            FerryException e = assertInstanceOf(FerryException.class, outcome.error());
            assertEquals("Verify found 2 missing or damaged chunks in " + repoDir + ": 2 backups cannot be restored"
                    + " intact (listed above). See 'When verify finds problems' in docs/backup-and-restore.md",
                    e.getMessage());
        }

        @Test
        void jsonIsPrintedBeforeTheFailure() {
            repo.verifyReport = damaged();
            Outcome outcome = attempt(verify("json", true));
            // fails for scripts, but prints nothing after the JSON (an empty help)
            CommandException failure = assertInstanceOf(CommandException.class, outcome.error());
            assertEquals("", failure.getNiceHelp());
            assertTrue(failure.getMessage().startsWith("Verify found 2 missing or damaged chunks in " + repoDir),
                    failure.getMessage());
            String json = outcome.out();
            assertTrue(json.startsWith("{\n  \"repository\" : \"" + repoDir + "\",\n  \"ok\" : false,\n"), json);
            assertTrue(json.contains("    {\n      \"chunk\" : \"" + "ab".repeat(32) + "\",\n"
                    + "      \"problem\" : \"missing\",\n      \"backups\" : [\n        \"01JA0001\",\n"
                    + "        \"01JB0002\"\n      ]\n    },\n"), json);
            assertTrue(json.endsWith("""
                      "brokenBackups" : [
                        "01JA0001",
                        "01JB0002"
                      ]
                    }
                    """), json);
            assertEquals("", session.console());
        }

        @Test
        void damagedChunksMovedAsideAndBackupsHealedSinceTheLastVerifyAreShown() {
            VerifyReport d = damaged();
            repo.verifyReport = new VerifyReport(d.backups(), d.chunks(), d.bytes(), d.problems(),
                    List.of("cd".repeat(32)), List.of("ef".repeat(32)), List.of("01JB0003"));
            String out = attempt(verify()).out();
            assertTrue(out.contains("Moved aside: 1 damaged chunk file (renamed to <id>.bad). The next backup of the"
                    + " same data writes it again and heals the backups listed; then run ferry:verify again.\n"), out);
            assertTrue(out.endsWith("Healed since the last verify: 1 chunk written again by later backups; backup"
                    + " 01JB0003 restores intact again.\n"), out);

            String json = attempt(verify("json", true)).out();
            assertTrue(json.contains("\"movedAside\" : [\n    \"" + "cd".repeat(32) + "\"\n  ],\n  \"healedChunks\" : [\n"
                    + "    \"" + "ef".repeat(32) + "\"\n  ],\n  \"healedBackups\" : [\n    \"01JB0003\"\n  ],\n"), json);
        }

        @Test
        void aHealedRepositoryIsOkAndSaysWhatHealed() throws Exception {
            repo.verifyReport = new VerifyReport(List.of("01JA0001", "01JB0002", "01JB0003"), 12, 12L << 20, List.of(),
                    List.of(), List.of("ab".repeat(32)), List.of("01JA0001", "01JB0002"));
            String out = run(verify());
            assertTrue(out.startsWith("OK: 3 backups, 12 chunks"), out);
            assertTrue(out.endsWith("\nHealed since the last verify: 1 chunk written again by later backups; backups"
                    + " 01JA0001, 01JB0002 restore intact again.\n"), out);
        }

        @Test
        void jsonOfAGoodRepositoryEndsNormally() throws Exception {
            String json = run(verify("json", true));
            assertTrue(json.contains("\"ok\" : true"), json);
            assertTrue(json.contains("\"problems\" : [ ]"), json);
        }
    }

    @Nested
    class Prune {

        private Action prune(Object... more) {
            Object[] base = {"repositories", repositories, "session", session.session(), "environment", env, "repo",
                    "repo"};
            Object[] all = new Object[base.length + more.length];
            System.arraycopy(base, 0, all, 0, base.length);
            System.arraycopy(more, 0, all, base.length, more.length);
            return with(new PruneCommand(), all);
        }

        @BeforeEach
        void backups() {
            addBackup("01JA0001", "web-01", null, 0);
            addBackup("01JB0002", "web-01", "01JA0001", 24);
            addBackup("01JB0003", "db-01", null, 25);
            repo.pruneReport = new PruneReport(List.of("01JA0001"), List.of("01JB0002", "01JB0003"), 7, 9L << 20,
                    false);
        }

        @Test
        void aDryRunListsWhatWouldGoAndChangesNothing() throws Exception {
            String out = run(prune("keepLast", 1, "keepDaily", 7, "dryRun", true));
            assertEquals(new RetentionPolicy(1, 7, 0, 0), repo.prunedWith);
            assertEquals(true, repo.prunedDryRun);
            List<String> lines = out.lines().toList();
            assertEquals("Prune of " + repoDir + " with keep-last 1, keep-daily 7 (dry run: nothing was changed):",
                    lines.get(0));
            assertTrue(lines.get(1).contains("Would be"), out);
            assertTrue(lines.get(3).contains("01JB0003") && lines.get(3).contains("db-01") && lines.get(3).contains("kept"),
                    out);
            assertTrue(lines.get(4).contains("01JA0001") && lines.get(4).contains("removed"), out);
            assertTrue(lines.get(5).contains("01JB0002") && lines.get(5).contains("kept"), out);
            assertEquals("Dry run: would remove 1 backup and 7 chunks, freeing 9.0 MiB; would keep 2 backups."
                    + " Nothing was changed.", lines.get(lines.size() - 1));
        }

        @Test
        void aRealPruneReportsWhatWasFreed() throws Exception {
            String out = run(prune("keepWeekly", 4, "keepMonthly", 12));
            assertEquals(false, repo.prunedDryRun);
            assertTrue(out.endsWith("Removed 1 backup and 7 chunks, freed 9.0 MiB; kept 2 backups.\n"), out);
            assertTrue(session.console().contains("sweep    ["), session.console());
        }

        @Test
        void jsonHasThePolicyAndTheReport() throws Exception {
            assertEquals("""
                    {
                      "repository" : "%s",
                      "dryRun" : false,
                      "policy" : {
                        "keepLast" : 3,
                        "keepDaily" : 0,
                        "keepWeekly" : 0,
                        "keepMonthly" : 0
                      },
                      "removedBackups" : [
                        "01JA0001"
                      ],
                      "keptBackups" : [
                        "01JB0002",
                        "01JB0003"
                      ],
                      "removedChunks" : 7,
                      "freedBytes" : 9437184
                    }
                    """.formatted(repoDir), run(prune("keepLast", 3, "json", true)));
        }

        @Test
        void aPolicyThatKeepsNothingIsRefusedBeforeThePasswordIsAskedFor() {
            ValidationException none = assertThrows(ValidationException.class, () -> run(prune()));
            assertTrue(none.getMessage().contains("keep-last"), none.getMessage());
            assertEquals("--keep-daily", assertThrows(ValidationException.class,
                    () -> run(prune("keepDaily", -1))).field());
            assertEquals(List.of(), repositories.calls);
            assertNull(repo.prunedWith);
        }

        @Test
        void aPruneDuringABackupIsOneClearError() {
            repo.pruneFailure = new RepositoryException(Reason.LOCKED, "Repository " + repoDir + " is being written by a"
                    + " backup; prune again when it has finished");
            RepositoryException e = assertThrows(RepositoryException.class, () -> run(prune("keepLast", 3)));
            assertEquals(Reason.LOCKED, e.reason());
            assertEquals(1, repo.closed);
        }
    }
}
