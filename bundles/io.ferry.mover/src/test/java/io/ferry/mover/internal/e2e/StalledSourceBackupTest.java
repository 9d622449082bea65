package io.ferry.mover.internal.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.FerryException;
import io.ferry.api.mover.DiskSource;
import io.ferry.api.mover.DiskTarget;
import io.ferry.api.mover.SourceOptions;
import io.ferry.api.repository.BackupInfo;
import io.ferry.api.repository.BackupRequest;
import io.ferry.api.repository.InitOptions;
import io.ferry.api.repository.Progress;
import io.ferry.api.repository.ProgressListener;
import io.ferry.api.repository.Repository;
import io.ferry.api.repository.RepositoryException;
import io.ferry.api.repository.RetentionPolicy;
import io.ferry.mover.internal.DataMoverImpl;
import io.ferry.mover.internal.source.DiskSourcesImpl;
import io.ferry.mover.internal.testing.Images;
import io.ferry.mover.internal.testing.NbdServer;
import io.ferry.repository.internal.RepositoryServiceImpl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backup from a hung NBD server (nbdkit's delay filter holding every read for 10 minutes,
 * issue 10 point 4) fails at the request deadline, or ends at once when cancelled, and in
 * both cases leaves the repository free: prune and the next backup are not refused.
 */
@Timeout(120)
class StalledSourceBackupTest {

    private static final char[] PASSWORD = "correct horse battery".toCharArray();

    @TempDir
    static Path shared;
    static Path raw;
    static RepositoryServiceImpl repositories;

    @TempDir
    Path dir;

    private final DataMoverImpl mover = new DataMoverImpl(3);

    @BeforeAll
    static void image() {
        raw = Images.raw(shared.resolve("disk.raw"));
        repositories = new RepositoryServiceImpl();
    }

    @AfterAll
    static void stop() {
        repositories.close();
    }

    private Repository newRepository() {
        Path path = dir.resolve("repo");
        repositories.init(path, PASSWORD, InitOptions.defaults().withKdfIterations(InitOptions.MIN_KDF_ITERATIONS));
        return repositories.open(path, PASSWORD);
    }

    @Test
    void aBackupFromAHungServerFailsAtTheDeadlineNamingTheExportAndTheRepositoryIsFreeAtOnce() throws Exception {
        DiskSourcesImpl sources = new DiskSourcesImpl(Duration.ofSeconds(3));
        try (Repository repo = newRepository();
                NbdServer server = NbdServer.nbdkit(raw).delayed("rdelay=600").start(dir)) {
            long start = System.nanoTime();
            FerryException e;
            try (DiskSource source = sources.open(server.uri(), SourceOptions.defaults())) {
                e = assertThrows(FerryException.class, () -> mover.backup(source, repo,
                        BackupRequest.of("vm1/disk0", source.description(), source.size()), ProgressListener.NONE));
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis < 3_000 + 10_000, "the backup failed " + millis + " ms after it started: " + e);
            assertTrue(e.getMessage().contains(server.uri()) && e.getMessage().contains("no reply within 3 s"),
                    e.getMessage());
            assertTrue(!(e instanceof RepositoryException re) || re.reason() != RepositoryException.Reason.CANCELLED,
                    "a deadline is a failure, not a cancel: " + e);

            assertRepositoryFree(repo);
        }
    }

    @Test
    void cancellingABackupThatWaitsOnAHungServerEndsItWithinSecondsAndFreesTheRepository() throws Exception {
        DiskSourcesImpl sources = new DiskSourcesImpl();
        AtomicBoolean cancel = new AtomicBoolean();
        ProgressListener listener = new ProgressListener() {
            @Override
            public void progress(Progress p) {
                // not needed here
            }

            @Override
            public boolean cancelRequested() {
                return cancel.get();
            }
        };
        try (Repository repo = newRepository();
                NbdServer server = NbdServer.nbdkit(raw).delayed("rdelay=600").start(dir);
                DiskSource source = sources.open(server.uri(), SourceOptions.defaults())) {
            Thread canceller = new Thread(() -> {
                try {
                    Thread.sleep(2_000);
                } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                }
                cancel.set(true);
            });
            long start = System.nanoTime();
            canceller.start();
            RepositoryException e = assertThrows(RepositoryException.class, () -> mover.backup(source, repo,
                    BackupRequest.of("vm1/disk0", source.description(), source.size()), listener));
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(RepositoryException.Reason.CANCELLED, e.reason(), e.getMessage());
            assertTrue(millis >= 2_000 && millis < 2_000 + 5_000, "the backup ended " + millis
                    + " ms after it started, cancelled at 2000 ms");
            assertTrue(server.isAlive(), "the server still hangs: the cancel, not the server, ended the reads");

            assertRepositoryFree(repo);
        }
    }

    @Test
    void cancellingARestoreThatWaitsOnAHungTargetEndsItWithinSeconds() throws Exception {
        DiskSourcesImpl sources = new DiskSourcesImpl();
        AtomicBoolean cancel = new AtomicBoolean();
        ProgressListener listener = new ProgressListener() {
            @Override
            public void progress(Progress p) {
                // not needed here
            }

            @Override
            public boolean cancelRequested() {
                return cancel.get();
            }
        };
        Path export = Files.copy(raw, dir.resolve("target.raw"));
        try (Repository repo = newRepository()) {
            BackupInfo info;
            try (DiskSource source = sources.open(raw.toString(), SourceOptions.defaults())) {
                info = mover.backup(source, repo, BackupRequest.of("vm1/disk0", source.description(), source.size()),
                        ProgressListener.NONE);
            }
            try (NbdServer server = NbdServer.nbdkit(export).writable().delayed("wdelay=600").start(dir);
                    DiskTarget target = sources.create(server.uri(), info.size(), true, SourceOptions.defaults())) {
                Thread canceller = new Thread(() -> {
                    try {
                        Thread.sleep(2_000);
                    } catch (InterruptedException ignored) {
                        Thread.currentThread().interrupt();
                    }
                    cancel.set(true);
                });
                long start = System.nanoTime();
                canceller.start();
                RepositoryException e = assertThrows(RepositoryException.class,
                        () -> mover.restore(repo, info.id(), target, listener));
                long millis = (System.nanoTime() - start) / 1_000_000;
                assertEquals(RepositoryException.Reason.CANCELLED, e.reason(), e.getMessage());
                assertTrue(millis >= 2_000 && millis < 2_000 + 5_000, "the restore ended " + millis
                        + " ms after it started, cancelled at 2000 ms");
            }
            repo.prune(RetentionPolicy.keepLast(1), false, ProgressListener.NONE);
        }
    }

    /** Prune (exclusive lock) and a new backup (shared lock) run at once, and nothing of the failed backup shows. */
    private void assertRepositoryFree(Repository repo) throws Exception {
        assertTrue(repo.backups().isEmpty(), "nothing of the ended backup is visible: " + repo.backups());
        repo.prune(RetentionPolicy.keepLast(1), false, ProgressListener.NONE);
        try (DiskSource healthy = new DiskSourcesImpl().open(raw.toString(), SourceOptions.defaults())) {
            BackupInfo info = mover.backup(healthy, repo, BackupRequest.of("vm1/disk0", healthy.description(),
                    healthy.size()), ProgressListener.NONE);
            assertEquals(List.of(info.id()), repo.backups().stream().map(BackupInfo::id).toList());
        }
        assertTrue(repo.verify(List.of(), ProgressListener.NONE).ok());
    }
}
