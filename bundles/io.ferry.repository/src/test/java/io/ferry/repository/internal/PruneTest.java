package io.ferry.repository.internal;

import static io.ferry.repository.internal.TestRepositories.SMALL_CHUNK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.repository.BackupInfo;
import io.ferry.api.repository.BackupRequest;
import io.ferry.api.repository.BackupWriter;
import io.ferry.api.repository.ProgressListener;
import io.ferry.api.repository.PruneReport;
import io.ferry.api.repository.Repository;
import io.ferry.api.repository.RepositoryException;
import io.ferry.api.repository.RepositoryException.Reason;
import io.ferry.api.repository.RetentionPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PruneTest {

    private final RepositoryServiceImpl service = new RepositoryServiceImpl();

    @TempDir
    Path tmp;

    @AfterAll
    void stop() {
        service.close();
    }

    /** Three generations of disk "a" (each changes two chunks) and one backup of disk "b". */
    private record Fixture(Path dir, Repository repo, List<byte[]> images, List<BackupInfo> a, BackupInfo b) {
    }

    private Fixture fixture() {
        Path dir = tmp.resolve("r");
        Repository repo = TestRepositories.create(service, dir);
        byte[] gen = TestRepositories.image(8, SMALL_CHUNK, 0, 1);
        List<byte[]> images = new java.util.ArrayList<>();
        List<BackupInfo> a = new java.util.ArrayList<>();
        for (int g = 0; g < 3; g++) {
            gen = gen.clone();
            System.arraycopy(TestRepositories.random(2 * SMALL_CHUNK, 100 + g), 0, gen, 4 * SMALL_CHUNK, 2 * SMALL_CHUNK);
            images.add(gen);
            a.add(TestRepositories.backup(repo, "a", gen, false));
        }
        BackupInfo b = TestRepositories.backup(repo, "b", TestRepositories.image(4, SMALL_CHUNK, 0, 2), false);
        return new Fixture(dir, repo, images, a, b);
    }

    @Test
    void pruneRemovesOldBackupsAndOnlyTheChunksNoRemainingBackupUses() {
        Fixture f = fixture();
        try (Repository repo = f.repo()) {
            // a: 4 common + 2 per generation = 10 chunks; b: 3 chunks
            assertEquals(13, TestRepositories.countChunkFiles(f.dir()));
            PruneReport report = repo.prune(RetentionPolicy.keepLast(1), false, ProgressListener.NONE);
            assertFalse(report.dryRun());
            assertEquals(List.of(f.a().get(0).id(), f.a().get(1).id()), report.removedBackups());
            assertEquals(List.of(f.a().get(2).id(), f.b().id()), report.keptBackups());
            assertEquals(4, report.removedChunks());
            assertTrue(report.freedBytes() >= 4L * SMALL_CHUNK, "random chunks are stored raw");
            assertEquals(9, TestRepositories.countChunkFiles(f.dir()));
            assertTrue(repo.verify(List.of(), ProgressListener.NONE).ok());
            assertEquals(TestRepositories.sha256(f.images().get(2)),
                    TestRepositories.sha256(TestRepositories.restore(repo, f.a().get(2).id())));
            PruneReport again = repo.prune(RetentionPolicy.keepLast(1), false, ProgressListener.NONE);
            assertEquals(List.of(), again.removedBackups());
            assertEquals(0, again.removedChunks());
        }
    }

    @Test
    void aDryRunChangesNothingAndPredictsTheRealRun() {
        Fixture f = fixture();
        try (Repository repo = f.repo()) {
            Map<String, String> before = TestRepositories.snapshot(f.dir());
            PruneReport dry = repo.prune(RetentionPolicy.keepLast(2), true, ProgressListener.NONE);
            assertTrue(dry.dryRun());
            assertEquals(List.of(f.a().get(0).id()), dry.removedBackups());
            assertEquals(2, dry.removedChunks());
            assertEquals(before, TestRepositories.snapshot(f.dir()));
            PruneReport real = repo.prune(RetentionPolicy.keepLast(2), false, ProgressListener.NONE);
            assertEquals(dry.removedBackups(), real.removedBackups());
            assertEquals(dry.removedChunks(), real.removedChunks());
            assertEquals(dry.freedBytes(), real.freedBytes());
        }
    }

    @Test
    void pruneIsRefusedWhileABackupIsBeingWrittenAndABackupWhilePruning() {
        Fixture f = fixture();
        try (Repository repo = f.repo()) {
            BackupWriter writer = repo.startBackup(BackupRequest.of("web-01/disk0", "test", SMALL_CHUNK));
            RepositoryException locked = assertThrows(RepositoryException.class,
                    () -> repo.prune(RetentionPolicy.keepLast(1), false, ProgressListener.NONE));
            assertEquals(Reason.LOCKED, locked.reason());
            assertTrue(locked.getMessage().contains("of disk 'web-01/disk0'"), locked.getMessage());
            assertTrue(locked.getMessage().contains("pid " + ProcessHandle.current().pid()), locked.getMessage());
            assertEquals(4, repo.backups().size(), "nothing was pruned");
            writer.close();

            RepositoryException[] duringPrune = new RepositoryException[1];
            ((FileRepository) repo).afterManifestsDeleted(() -> duringPrune[0] = assertThrows(RepositoryException.class,
                    () -> repo.startBackup(BackupRequest.of("a", "test", SMALL_CHUNK))));
            repo.prune(RetentionPolicy.keepLast(1), false, ProgressListener.NONE);
            assertEquals(Reason.LOCKED, duringPrune[0].reason());
            assertTrue(duringPrune[0].getMessage().contains("is being pruned (pid "), duringPrune[0].getMessage());
            // and the lock is free again afterwards
            repo.startBackup(BackupRequest.of("a", "test", SMALL_CHUNK)).close();
        }
    }

    @Test
    void anInterruptedPruneLeavesAConsistentRepositoryAndTheNextPruneFinishesTheSweep() throws Exception {
        Fixture f = fixture();
        try (Repository repo = f.repo()) {
            RuntimeException crash = new IllegalStateException("simulated crash between manifest deletion and sweep");
            ((FileRepository) repo).afterManifestsDeleted(() -> {
                throw crash;
            });
            assertSame(crash, assertThrows(IllegalStateException.class,
                    () -> repo.prune(RetentionPolicy.keepLast(1), false, ProgressListener.NONE)));
            assertEquals(List.of(f.a().get(2).id(), f.b().id()), repo.backups().stream().map(BackupInfo::id).toList());
            assertEquals(13, TestRepositories.countChunkFiles(f.dir()), "nothing swept yet");
            assertTrue(repo.verify(List.of(), ProgressListener.NONE).ok());
            assertEquals(TestRepositories.sha256(f.images().get(2)),
                    TestRepositories.sha256(TestRepositories.restore(repo, f.a().get(2).id())));

            ((FileRepository) repo).afterManifestsDeleted(() -> { });
            PruneReport next = repo.prune(RetentionPolicy.keepLast(1), false, ProgressListener.NONE);
            assertEquals(List.of(), next.removedBackups());
            assertEquals(4, next.removedChunks());
            assertEquals(9, TestRepositories.countChunkFiles(f.dir()));
            assertTrue(repo.verify(List.of(), ProgressListener.NONE).ok());
        }
    }

    @Test
    void pruneDeletesLeftoverTemporaryFiles() throws Exception {
        Fixture f = fixture();
        try (Repository repo = f.repo()) {
            Files.writeString(f.dir().resolve("tmp").resolve("0123.deadbeef.tmp"), "half a chunk");
            repo.prune(RetentionPolicy.keepLast(5), false, ProgressListener.NONE);
            assertEquals(0, TestRepositories.countEntries(f.dir().resolve("tmp")));
            assertEquals(4, repo.backups().size());
        }
    }
}
