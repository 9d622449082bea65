package io.ferry.repository.internal;

import static io.ferry.repository.internal.TestRepositories.SMALL_CHUNK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.repository.BackupInfo;
import io.ferry.api.repository.ProgressListener;
import io.ferry.api.repository.PruneReport;
import io.ferry.api.repository.Repository;
import io.ferry.api.repository.RepositoryException;
import io.ferry.api.repository.RepositoryException.Reason;
import io.ferry.api.repository.RetentionPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A backup in another JVM killed with SIGKILL half-way. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KilledProcessTest {

    private final RepositoryServiceImpl service = new RepositoryServiceImpl();

    @TempDir
    Path tmp;

    @AfterAll
    void stop() {
        service.close();
    }

    @Test
    @Timeout(120)
    void aKilledBackupLeavesNoTraceButGarbageThatTheNextPruneRemoves() throws Exception {
        Path dir = tmp.resolve("r");
        byte[] image = TestRepositories.image(8, SMALL_CHUNK, 0, 1);
        BackupInfo before;
        long chunksBefore;
        try (Repository repo = TestRepositories.create(service, dir)) {
            before = TestRepositories.backup(repo, "d", image, false);
            chunksBefore = TestRepositories.countChunkFiles(dir);
        }

        Path stderr = tmp.resolve("child.err");
        Process child = ChildJvm.start(dir, "backup", stderr);
        try (Repository repo = service.open(dir, TestRepositories.PASSWORD)) {
            ChildJvm.awaitLine(child, "STORED 10", stderr);

            RepositoryException locked = assertThrows(RepositoryException.class,
                    () -> repo.prune(RetentionPolicy.keepLast(1), false, ProgressListener.NONE));
            assertEquals(Reason.LOCKED, locked.reason());
            assertTrue(locked.getMessage().contains("pid " + child.pid()), locked.getMessage());
            assertTrue(locked.getMessage().contains("of disk 'slow'"), locked.getMessage());

            ChildJvm.kill(child);
            // chunk files are made durable (fsync, rename) in the background: the killed
            // backup leaves renamed chunks and temp files behind, both garbage
            assertTrue(TestRepositories.countChunkFiles(dir) + TestRepositories.countEntries(dir.resolve("tmp"))
                    >= chunksBefore + 10);
            long orphanChunks = TestRepositories.countChunkFiles(dir) - chunksBefore;

            assertEquals(List.of(before.id()), repo.backups().stream().map(BackupInfo::id).toList());
            assertTrue(repo.verify(List.of(), ProgressListener.NONE).ok());
            BackupInfo next = TestRepositories.backup(repo, "d", image, false);
            assertEquals(before.id(), next.parent());

            PruneReport report = repo.prune(RetentionPolicy.keepLast(5), false, ProgressListener.NONE);
            assertEquals(List.of(), report.removedBackups());
            assertEquals(orphanChunks, report.removedChunks(), "the orphans of the killed backup are removed");
            assertEquals(chunksBefore, TestRepositories.countChunkFiles(dir));
            assertEquals(0, TestRepositories.countEntries(dir.resolve("tmp")));
            assertTrue(repo.verify(List.of(), ProgressListener.NONE).ok());
            assertEquals(TestRepositories.sha256(image), TestRepositories.sha256(TestRepositories.restore(repo, next.id())));
        } finally {
            ChildJvm.kill(child);
        }
    }

    /** Issue 12: kill -9 of the repository server (its store and, here, the proxy with it) mid-upload. */
    @Test
    @Timeout(120)
    void aRepositoryServerKilledMidUploadLeavesNoPartialBackupAndTheNextRunThroughALinkCompletes() throws Exception {
        Path dir = tmp.resolve("r");
        byte[] image = TestRepositories.image(8, SMALL_CHUNK, 0, 3);
        BackupInfo before;
        long chunksBefore;
        try (Repository repo = TestRepositories.create(service, dir)) {
            before = TestRepositories.backup(repo, "d", image, false);
            chunksBefore = TestRepositories.countChunkFiles(dir);
        }
        Path stderr = tmp.resolve("child.err");
        Process child = ChildJvm.start(dir, "remote", stderr);
        try {
            ChildJvm.awaitLine(child, "UPLOADED 10", stderr);
            try (Repository repo = service.open(dir, TestRepositories.PASSWORD)) {
                RepositoryException locked = assertThrows(RepositoryException.class,
                        () -> repo.prune(RetentionPolicy.keepLast(1), false, ProgressListener.NONE));
                assertEquals(Reason.LOCKED, locked.reason());
                assertTrue(locked.getMessage().contains("pid " + child.pid()) && locked.getMessage().contains(
                        "for disk 'slow'"), locked.getMessage());
            }
            ChildJvm.kill(child);
            assertTrue(TestRepositories.countChunkFiles(dir) >= chunksBefore + 10, "acknowledged uploads are durable");
            assertEquals(1, TestRepositories.countEntries(dir.resolve("backups")), "the backup from before, no partial one");

            try (io.ferry.repository.remote.RepositoryStore store = io.ferry.repository.remote.RepositoryStore.open(dir);
                    Repository remote = io.ferry.repository.remote.RemoteRepositories.open(new CopyingLink(store),
                            TestRepositories.PASSWORD)) {
                assertEquals(List.of(before.id()), remote.backups().stream().map(BackupInfo::id).toList());
                BackupInfo next = TestRepositories.backup(remote, "d", image, false);
                assertEquals(before.id(), next.parent());
            }
            try (Repository repo = service.open(dir, TestRepositories.PASSWORD)) {
                assertTrue(repo.verify(List.of(), ProgressListener.NONE).ok());
                PruneReport report = repo.prune(RetentionPolicy.keepLast(5), false, ProgressListener.NONE);
                assertEquals(List.of(), report.removedBackups());
                assertEquals(chunksBefore, TestRepositories.countChunkFiles(dir), "the orphans are removed");
                assertEquals(0, TestRepositories.countEntries(dir.resolve("tmp")));
                assertTrue(repo.verify(List.of(), ProgressListener.NONE).ok());
            }
        } finally {
            ChildJvm.kill(child);
        }
    }

    @Test
    @Timeout(120)
    void aPruneInAnotherProcessBlocksBackupsAndAKilledPruneLeavesAConsistentRepository() throws Exception {
        Path dir = tmp.resolve("r");
        byte[] day1 = TestRepositories.image(8, SMALL_CHUNK, 0, 1);
        byte[] day2 = TestRepositories.image(8, SMALL_CHUNK, 0, 2);
        BackupInfo second;
        try (Repository repo = TestRepositories.create(service, dir)) {
            TestRepositories.backup(repo, "d", day1, false);
            second = TestRepositories.backup(repo, "d", day2, false);
        }
        Path stderr = tmp.resolve("child.err");
        Process child = ChildJvm.start(dir, "prune", stderr);
        try (Repository repo = service.open(dir, TestRepositories.PASSWORD)) {
            ChildJvm.awaitLine(child, "PRUNING", stderr);
            RepositoryException locked = assertThrows(RepositoryException.class,
                    () -> TestRepositories.backup(repo, "d", day2, false));
            assertEquals(Reason.LOCKED, locked.reason());
            assertTrue(locked.getMessage().contains("is being pruned (pid " + child.pid() + " on host "),
                    locked.getMessage());

            ChildJvm.kill(child);
            assertEquals(List.of(second.id()), repo.backups().stream().map(BackupInfo::id).toList());
            assertTrue(repo.verify(List.of(), ProgressListener.NONE).ok());
            assertEquals(TestRepositories.sha256(day2),
                    TestRepositories.sha256(TestRepositories.restore(repo, second.id())));
            BackupInfo third = TestRepositories.backup(repo, "d", day2, false);
            assertEquals(second.id(), third.parent());
            PruneReport finish = repo.prune(RetentionPolicy.keepLast(2), false, ProgressListener.NONE);
            assertEquals(6, finish.removedChunks(), "the six chunks only day 1 had");
            assertTrue(repo.verify(List.of(), ProgressListener.NONE).ok());
        } finally {
            ChildJvm.kill(child);
        }
    }
}
