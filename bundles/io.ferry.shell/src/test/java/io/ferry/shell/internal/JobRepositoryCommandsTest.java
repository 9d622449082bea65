package io.ferry.shell.internal;

import static io.ferry.shell.internal.CommandHarness.run;
import static io.ferry.shell.internal.CommandHarness.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.mover.RestoreResult;
import io.ferry.api.repository.BackupInfo;
import io.ferry.api.repository.ProgressListener;
import io.ferry.api.repository.RepositoryInfo;
import io.ferry.api.repository.VerifyReport;
import io.ferry.api.session.DiskRestoreRequest;
import io.ferry.api.session.DiskRestoreResult;
import io.ferry.api.session.JobRepositoryService;
import io.ferry.api.session.JobRepositorySummary;
import io.ferry.api.session.VmRestoreRequest;
import io.ferry.api.session.VmRestoreResult;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ferry:restore-disk --job-repo} and {@code ferry:verify --job-repo} hand the work to the
 * job runner's {@link JobRepositoryService}, the service the REST API calls, so both front ends
 * share its rules (target confinement, overwrite refusal, roles, audit); the shell only makes a
 * relative target absolute against its own directory first.
 */
class JobRepositoryCommandsTest {

    @TempDir
    Path dir;

    /** Records the requests; answers like the job runner would. */
    static final class RecordingService implements JobRepositoryService {
        final List<Object> calls = new ArrayList<>();
        final BackupInfo backup = FakeRepositories.backup("01JA0001", "web-01/disk0", null, 0);

        @Override
        public List<JobRepositorySummary> repositories() {
            return List.of(new JobRepositorySummary("repo-01", List.of("nightly"), Optional.of(new RepositoryInfo(
                    Path.of("/srv/ferry/repositories/repo-01"), "ab", 1, 4 << 20, Instant.EPOCH, "AES-256-GCM", "LZ4",
                    "PBKDF2", 1, 2, 3, 4))));
        }

        @Override
        public List<BackupInfo> backups(String repositoryServer, Optional<String> disk, Optional<String> vm) {
            return List.of(backup);
        }

        @Override
        public BackupInfo backup(String repositoryServer, String idOrPrefix) {
            return backup;
        }

        @Override
        public VerifyReport verify(String repositoryServer, List<String> backups, ProgressListener listener) {
            calls.add("verify " + repositoryServer + " " + backups);
            return new VerifyReport(List.of(backup.id()), 2, 4096, List.of());
        }

        @Override
        public DiskRestoreResult restoreDisk(DiskRestoreRequest request, ProgressListener listener) {
            calls.add(request);
            return new DiskRestoreResult(request.repository(), backup, new RestoreResult(backup.id(), request.target(),
                    backup.size(), 1 << 20, backup.size() - (1 << 20), Duration.ofMillis(250)));
        }

        @Override
        public VmRestoreResult restoreVm(VmRestoreRequest request, ProgressListener listener) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<Path> restoreRoots() {
            return List.of(Path.of("/srv/ferry/restores"));
        }
    }

    @Test
    void restoreDiskFromAJobRepositoryIsTheServicesRestoreWithTheTargetMadeAbsolute() throws Exception {
        RecordingService service = new RecordingService();
        FakeSession session = new FakeSession(dir);
        String out = run(with(new RestoreDiskCommand(), "jobRepositories", service, "session", session.session(),
                "jobRepo", "repo-01", "disk", "web-01/disk0", "target", "web-01.raw", "noProgress", true));

        assertEquals(List.of(new DiskRestoreRequest("repo-01", Optional.empty(), Optional.of("web-01/disk0"),
                dir.resolve("web-01.raw").toString(), false)), service.calls);
        assertTrue(out.contains("Restored backup 01JA0001 of disk 'web-01/disk0'"), out);
        assertTrue(session.prompts.isEmpty(), "asked for a password: " + session.prompts);
    }

    @Test
    void verifyOfAJobRepositoryIsTheServicesVerifyAndNamesTheRepositoryDirectory() throws Exception {
        RecordingService service = new RecordingService();
        FakeSession session = new FakeSession(dir);
        String out = run(with(new VerifyCommand(), "jobRepositories", service, "session", session.session(),
                "jobRepo", "repo-01", "backups", List.of("01JA"), "noProgress", true));

        assertEquals(List.of("verify repo-01 [01JA]"), service.calls);
        assertTrue(out.contains("OK: 1 backup, 2 chunks") && out.contains("/srv/ferry/repositories/repo-01"), out);
    }
}
