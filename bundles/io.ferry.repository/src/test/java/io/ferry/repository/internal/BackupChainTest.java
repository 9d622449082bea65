package io.ferry.repository.internal;

import static io.ferry.repository.internal.TestRepositories.SMALL_CHUNK;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.NotFoundException;
import io.ferry.api.ValidationException;
import io.ferry.api.repository.BackupInfo;
import io.ferry.api.repository.BackupRequest;
import io.ferry.api.repository.BackupStats;
import io.ferry.api.repository.BackupWriter;
import io.ferry.api.repository.ChunkId;
import io.ferry.api.repository.Repository;
import io.ferry.api.repository.RetentionPolicy;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BackupChainTest {

    private final RepositoryServiceImpl service = new RepositoryServiceImpl();

    @TempDir
    Path tmp;

    @AfterAll
    void stop() {
        service.close();
    }

    @Test
    void anIncrementalBackupHasTheLatestBackupOfTheDiskAsParentAndReusesItsChunks() {
        try (Repository repo = TestRepositories.create(service, tmp.resolve("r"))) {
            byte[] day1 = TestRepositories.image(16, SMALL_CHUNK, 0, 1);
            BackupInfo full = TestRepositories.backup(repo, "web-01/disk0", day1, false);
            assertTrue(full.parentId().isEmpty());
            BackupStats s1 = full.stats();
            // pattern per 4 chunks: text, random, zero, text
            assertEquals(4L * SMALL_CHUNK, s1.zeroBytes());
            assertEquals(12L * SMALL_CHUNK, s1.dataBytes());
            assertEquals(12, s1.newChunks());
            assertEquals(0, s1.reusedChunks());
            assertEquals(12L * SMALL_CHUNK, s1.newBytes());
            assertTrue(s1.compressionRatio() > 1.2, "compression ratio " + s1.compressionRatio());

            byte[] day2 = day1.clone();
            System.arraycopy(TestRepositories.random(SMALL_CHUNK, 99), 0, day2, 5 * SMALL_CHUNK, SMALL_CHUNK);
            BackupInfo incr = TestRepositories.backup(repo, "web-01/disk0", day2, false);
            assertEquals(Optional.of(full.id()), incr.parentId());
            BackupStats s2 = incr.stats();
            assertEquals(1, s2.newChunks());
            assertEquals(11, s2.reusedChunks());
            assertEquals(12.0, s2.dedupeRatio(), 0.001);
            assertEquals("dedupe", s2.changeTracking());

            assertEquals(TestRepositories.sha256(day1), TestRepositories.sha256(TestRepositories.restore(repo, full.id())));
            assertEquals(TestRepositories.sha256(day2), TestRepositories.sha256(TestRepositories.restore(repo, incr.id())));
        }
    }

    @Test
    void parentChunkGivesTheParentsChunksAndNothingForZeroOrMissingOnes() {
        try (Repository repo = TestRepositories.create(service, tmp.resolve("r"))) {
            byte[] image = TestRepositories.image(4, SMALL_CHUNK, 100, 2);
            BackupInfo parent = TestRepositories.backup(repo, "d", image, false);
            ChunkId first;
            try (var reader = repo.openBackup(parent.id())) {
                first = reader.chunk(0).orElseThrow();
                assertTrue(reader.chunk(2).isEmpty());
            }
            try (BackupWriter w = repo.startBackup(BackupRequest.of("d", "test", image.length))) {
                assertEquals(parent.id(), w.parent().orElseThrow().id());
                assertEquals(Optional.of(first), w.parentChunk(0));
                assertTrue(w.parentChunk(2).isEmpty(), "zero chunk");
                assertTrue(w.parentChunk(5).isEmpty(), "beyond the disk");
                // carry every chunk over unread, as with a dirty bitmap that reports no change
                for (long i = 0; i < 5; i++) {
                    w.put(i, w.parentChunk(i));
                }
                BackupInfo carried = w.commit(0, "dirty-bitmap:ferry-1");
                assertEquals(0, carried.stats().newChunks());
                assertEquals(4, carried.stats().reusedChunks());
                assertEquals(0, carried.stats().readBytes());
                assertEquals(TestRepositories.sha256(image),
                        TestRepositories.sha256(TestRepositories.restore(repo, carried.id())));
            }
            // a grown disk: the parent's short last chunk is not carried over as if it were whole
            try (BackupWriter w = repo.startBackup(BackupRequest.of("d", "test", image.length + SMALL_CHUNK))) {
                assertTrue(w.parentChunk(4).isEmpty());
                assertTrue(w.parentChunk(3).isPresent());
            }
        }
    }

    /** Issue 10: a dirty bitmap is relative to one backup; a newer backup of the disk by someone else is not its base. */
    @Test
    void aNamedParentIsUsedEvenWhenANewerBackupOfTheDiskExists() {
        try (Repository repo = TestRepositories.create(service, tmp.resolve("r"))) {
            byte[] ours = TestRepositories.image(4, SMALL_CHUNK, 0, 7);
            byte[] foreign = TestRepositories.image(4, SMALL_CHUNK, 0, 8);
            BackupInfo base = TestRepositories.backup(repo, "vm/disk0", ours, false);
            BackupInfo newer = TestRepositories.backup(repo, "vm/disk0", foreign, false);
            assertEquals(newer.id(), repo.latest("vm/disk0").orElseThrow().id());
            ChunkId oursFirst;
            try (var reader = repo.openBackup(base.id())) {
                oursFirst = reader.chunk(0).orElseThrow();
            }
            BackupRequest request = BackupRequest.of("vm/disk0", "test", ours.length).withParent(base.id());
            try (BackupWriter w = repo.startBackup(request)) {
                assertEquals(base.id(), w.parent().orElseThrow().id());
                assertEquals(Optional.of(oursFirst), w.parentChunk(0));
                for (long i = 0; i < 4; i++) {
                    w.put(i, w.parentChunk(i)); // no changed block since the base
                }
                BackupInfo incremental = w.commit(0, "dirty-bitmap:ferry-2");
                assertEquals(Optional.of(base.id()), incremental.parentId());
                assertArrayEquals(ours, TestRepositories.restore(repo, incremental.id()));
            }
        }
    }

    @Test
    void aNamedParentThatIsGoneOrOfAnotherDiskIsRefused() {
        try (Repository repo = TestRepositories.create(service, tmp.resolve("r"))) {
            byte[] image = TestRepositories.image(2, SMALL_CHUNK, 0, 9);
            BackupInfo old = TestRepositories.backup(repo, "a", image, false);
            TestRepositories.backup(repo, "a", image, false);
            BackupInfo ofB = TestRepositories.backup(repo, "b", image, false);
            repo.prune(RetentionPolicy.keepLast(1), false, io.ferry.api.repository.ProgressListener.NONE);

            BackupRequest gone = BackupRequest.of("a", "test", image.length).withParent(old.id());
            NotFoundException e = assertThrows(NotFoundException.class, () -> repo.startBackup(gone));
            assertTrue(e.getMessage().contains("parent backup " + old.id()) && e.getMessage().contains("not in"),
                    e.getMessage());

            BackupRequest wrongDisk = BackupRequest.of("a", "test", image.length).withParent(ofB.id());
            ValidationException v = assertThrows(ValidationException.class, () -> repo.startBackup(wrongDisk));
            assertTrue(v.getMessage().contains("is of disk 'b', not 'a'"), v.getMessage());
            assertTrue(repo.prune(RetentionPolicy.keepLast(1), false,
                    io.ferry.api.repository.ProgressListener.NONE).removedBackups().isEmpty(), "no lock left held");
        }
    }

    @Test
    void aFullRequestNamesNoParent() {
        ValidationException e = assertThrows(ValidationException.class,
                () -> new BackupRequest("a", "test", 10, true, Map.of(), "20261123T171501Z-3fa9c2"));
        assertTrue(e.getMessage().contains("20261123T171501Z-3fa9c2"), e.getMessage());
        BackupRequest pinned = BackupRequest.of("a", "test", 10).withParent("20261123T171501Z-3fa9c2");
        assertEquals(Optional.of("20261123T171501Z-3fa9c2"), pinned.parentId());
        assertTrue(pinned.withFull(true).parentId().isEmpty());
        assertTrue(BackupRequest.of("a", "test", 10).parentId().isEmpty());
    }

    @Test
    void aFullBackupHasNoParentAndOtherDisksAreSeparateChains() {
        try (Repository repo = TestRepositories.create(service, tmp.resolve("r"))) {
            byte[] image = TestRepositories.image(3, SMALL_CHUNK, 0, 3);
            TestRepositories.backup(repo, "a", image, false);
            BackupInfo full = TestRepositories.backup(repo, "a", image, true);
            assertTrue(full.parentId().isEmpty());
            assertEquals(0, full.stats().newChunks(), "still deduplicated against what is stored");
            BackupInfo other = TestRepositories.backup(repo, "b", image, false);
            assertTrue(other.parentId().isEmpty());
        }
    }

    @Test
    void backupsAreListedOldestFirstAndFoundByUniquePrefix() {
        try (Repository repo = TestRepositories.create(service, tmp.resolve("r"))) {
            byte[] image = TestRepositories.image(2, SMALL_CHUNK, 10, 4);
            BackupInfo a = TestRepositories.backup(repo, "x", image, false);
            BackupInfo b = TestRepositories.backup(repo, "y", image, false);
            BackupInfo c = TestRepositories.backup(repo, "x", image, false);
            assertEquals(List.of(a.id(), b.id(), c.id()), repo.backups().stream().map(BackupInfo::id).toList());
            assertEquals(c.id(), repo.latest("x").orElseThrow().id());
            assertEquals(b.id(), repo.latest("y").orElseThrow().id());
            assertTrue(repo.latest("z").isEmpty());
            assertTrue(a.id().matches("\\d{8}T\\d{6}Z-[0-9a-f]{6}"), a.id());

            BackupInfo found = repo.backup(b.id().substring(0, b.id().length() - 1));
            assertEquals(b, found);
            assertEquals(Map.of("job", "test"), found.labels());
            assertEquals("file:/images/y", found.source());

            String shared = a.id().substring(0, 8);
            ValidationException ambiguous = assertThrows(ValidationException.class, () -> repo.backup(shared));
            assertTrue(ambiguous.getMessage().contains(a.id()) && ambiguous.getMessage().contains(c.id()),
                    ambiguous.getMessage());
            NotFoundException none = assertThrows(NotFoundException.class, () -> repo.backup("19990101"));
            assertTrue(none.getMessage().contains("19990101"), none.getMessage());
        }
    }

    @Test
    void aBackupClosedWithoutCommitLeavesNothingVisibleAndReleasesTheLock() {
        Path dir = tmp.resolve("r");
        try (Repository repo = TestRepositories.create(service, dir)) {
            BackupWriter w = repo.startBackup(BackupRequest.of("d", "test", 2L * SMALL_CHUNK));
            w.put(0, Optional.of(w.store(ByteBuffer.wrap(TestRepositories.random(SMALL_CHUNK, 5))).id()));
            w.close();
            w.close();
            assertTrue(repo.backups().isEmpty());
            assertEquals(1, TestRepositories.countChunkFiles(dir), "the chunk stays until a prune");
            assertThrows(IllegalStateException.class, () -> w.store(ByteBuffer.allocate(10)));
            var report = repo.prune(RetentionPolicy.keepLast(1), false, io.ferry.api.repository.ProgressListener.NONE);
            assertEquals(1, report.removedChunks());
            assertEquals(0, TestRepositories.countChunkFiles(dir));
        }
    }

    @Test
    void infoCountsBackupsChunksAndSizes() throws Exception {
        Path dir = tmp.resolve("r");
        try (Repository repo = TestRepositories.create(service, dir)) {
            byte[] image = TestRepositories.image(8, SMALL_CHUNK, 0, 6);
            BackupInfo b = TestRepositories.backup(repo, "d", image, false);
            TestRepositories.backup(repo, "d", image, false);
            var info = repo.info();
            assertEquals(2, info.backups());
            assertEquals(6, info.chunks());
            assertEquals(2L * image.length, info.logicalBytes());
            assertEquals(b.stats().storedBytes(), info.storedBytes());
            assertFalse(TestRepositories.countEntries(dir.resolve("tmp")) > 0, "no temp files left behind");
        }
    }
}
