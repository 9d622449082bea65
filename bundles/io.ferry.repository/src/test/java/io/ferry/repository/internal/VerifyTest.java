package io.ferry.repository.internal;

import static io.ferry.repository.internal.TestRepositories.SMALL_CHUNK;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.repository.BackupInfo;
import io.ferry.api.repository.BackupReader;
import io.ferry.api.repository.BackupRequest;
import io.ferry.api.repository.BackupWriter;
import io.ferry.api.repository.ChunkId;
import io.ferry.api.repository.ChunkProblem;
import io.ferry.api.repository.Progress;
import io.ferry.api.repository.ProgressListener;
import io.ferry.api.repository.Repository;
import io.ferry.api.repository.RepositoryException;
import io.ferry.api.repository.RepositoryException.Reason;
import io.ferry.api.repository.RetentionPolicy;
import io.ferry.api.repository.VerifyReport;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VerifyTest {

    private final RepositoryServiceImpl service = new RepositoryServiceImpl();

    @TempDir
    Path tmp;

    private Path dir;
    private Repository repo;
    private byte[] image;
    private BackupInfo first;
    private BackupInfo second;
    private BackupInfo other;
    /** A chunk in {@code first} and {@code second} but not in {@code other}. */
    private ChunkId shared;

    @BeforeEach
    void threeBackups() {
        dir = tmp.resolve("r");
        repo = TestRepositories.create(service, dir);
        image = TestRepositories.image(8, SMALL_CHUNK, 0, 1);
        first = TestRepositories.backup(repo, "a", image, false);
        second = TestRepositories.backup(repo, "a", image, false);
        other = TestRepositories.backup(repo, "b", TestRepositories.image(4, SMALL_CHUNK, 0, 2), false);
        try (BackupReader r = repo.openBackup(first.id())) {
            shared = r.chunk(1).orElseThrow();
        }
    }

    @AfterEach
    void closeRepository() {
        repo.close();
    }

    @AfterAll
    void stop() {
        service.close();
    }

    @Test
    void aCleanRepositoryVerifiesAndReportsProgress() {
        List<Progress> progress = new CopyOnWriteArrayList<>();
        Map<String, String> before = TestRepositories.snapshot(dir);
        VerifyReport report = repo.verify(List.of(), progress::add);
        assertTrue(report.ok(), report.problems().toString());
        assertEquals(List.of(first.id(), second.id(), other.id()), report.backups());
        assertEquals(6 + 3, report.chunks());
        assertTrue(report.bytes() > 0);
        Progress last = progress.get(progress.size() - 1);
        assertEquals("verify", last.phase());
        assertEquals(last.total(), last.done());
        assertEquals(report.bytes(), last.read());
        assertEquals(before, TestRepositories.snapshot(dir), "verify changes nothing");
    }

    @Test
    void aFlippedByteIsReportedWithEveryBackupThatUsesTheChunkAndTheFileIsMovedAside() throws Exception {
        Path file = TestRepositories.chunkFile(dir, shared.hex());
        flipOneByte(file);

        VerifyReport report = repo.verify(List.of(other.id()), ProgressListener.NONE);
        assertTrue(report.ok(), "the damaged chunk is not part of " + other.id());
        assertTrue(Files.exists(file), "a verify that did not check the chunk leaves it alone");

        VerifyReport all = repo.verify(List.of(), ProgressListener.NONE);
        assertEquals(1, all.problems().size());
        ChunkProblem problem = all.problems().get(0);
        assertEquals(shared.hex(), problem.chunk());
        assertTrue(problem.problem().startsWith("authentication failed; moved aside as " + shared.hex() + ".bad"),
                problem.problem());
        assertEquals(List.of(first.id(), second.id()), problem.backups());
        assertEquals(List.of(shared.hex()), all.movedAside());
        assertFalse(Files.exists(file));
        assertTrue(Files.exists(file.resolveSibling(shared.hex() + ".bad")));
        String record = Files.readString(dir.resolve("damaged"));
        assertTrue(record.contains(shared.hex() + " " + String.join(",", new java.util.TreeSet<>(List.of(first.id(),
                second.id()))) + " authentication failed\n"), record);

        // verifying one backup still names every backup the chunk breaks, and what happened to it
        VerifyReport one = repo.verify(List.of(second.id()), ProgressListener.NONE);
        assertEquals(List.of(first.id(), second.id()), one.problems().get(0).backups());
        assertTrue(one.problems().get(0).problem().startsWith("missing: moved aside as " + shared.hex()
                + ".bad by an earlier verify (authentication failed)"), one.problems().get(0).problem());
        assertEquals(List.of(), one.movedAside());

        try (BackupReader r = repo.openBackup(first.id())) {
            RepositoryException e = assertThrows(RepositoryException.class,
                    () -> r.read(shared, ByteBuffer.allocate(SMALL_CHUNK)));
            assertEquals(Reason.CORRUPT, e.reason());
            assertTrue(e.getMessage().contains(shared.hex()) && e.getMessage().contains(first.id()), e.getMessage());
        }
    }

    /** Issue 10: one byte flipped in a chunk; the next backup of the same data heals every backup that uses it. */
    @Test
    void theNextBackupOfTheSameDataHealsTheBackupsADamagedChunkBroke() throws Exception {
        flipOneByte(TestRepositories.chunkFile(dir, shared.hex()));
        VerifyReport damaged = repo.verify(List.of(), ProgressListener.NONE);
        assertEquals(java.util.Set.of(first.id(), second.id()), damaged.brokenBackups());

        BackupInfo third = TestRepositories.backup(repo, "a", image, false);
        assertEquals(1, third.stats().newChunks(), "the chunk moved aside is written again, nothing else");

        VerifyReport healed = repo.verify(List.of(), ProgressListener.NONE);
        assertTrue(healed.ok(), healed.problems().toString());
        assertEquals(List.of(shared.hex()), healed.healedChunks());
        assertEquals(List.of(first.id(), second.id()), healed.healedBackups());
        assertArrayEquals(image, TestRepositories.restore(repo, first.id()), "the old backup restores byte for byte");
        assertArrayEquals(image, TestRepositories.restore(repo, second.id()));
        assertFalse(Files.exists(dir.resolve("damaged")), "nothing is recorded as damaged any more");

        VerifyReport again = repo.verify(List.of(), ProgressListener.NONE);
        assertEquals(List.of(), again.healedBackups(), "healed is reported once");

        // the damaged file moved aside is garbage now: prune removes it
        Path bad = TestRepositories.chunkFile(dir, shared.hex()).resolveSibling(shared.hex() + ".bad");
        assertTrue(Files.exists(bad));
        repo.prune(new RetentionPolicy(10, 0, 0, 0), false, ProgressListener.NONE);
        assertFalse(Files.exists(bad));
        assertTrue(repo.verify(List.of(), ProgressListener.NONE).ok());
    }

    @Test
    void aWriterChecksAChunkFileRecordedAsDamagedBeforeTrustingIt() throws Exception {
        Path file = TestRepositories.chunkFile(dir, shared.hex());
        flipOneByte(file);
        repo.verify(List.of(), ProgressListener.NONE);
        // the damaged file comes back under its name (an operator's copy, a backup tool, ...)
        Files.copy(file.resolveSibling(shared.hex() + ".bad"), file);

        BackupInfo third = TestRepositories.backup(repo, "a", image, false);
        assertEquals(1, third.stats().newChunks(), "the damaged file is checked, moved aside and written again");
        VerifyReport report = repo.verify(List.of(), ProgressListener.NONE);
        assertTrue(report.ok(), report.problems().toString());
        assertArrayEquals(image, TestRepositories.restore(repo, first.id()));
    }

    @Test
    void aChunkMovedAsideIsWrittenAgainWhileTheRepositoryStaysInUse() throws Exception {
        // an open reader keeps the lock, and with it this process's cache of stored chunks
        try (BackupReader keepOpen = repo.openBackup(other.id())) {
            TestRepositories.backup(repo, "a", image, false); // every chunk is in the cache now
            flipOneByte(TestRepositories.chunkFile(dir, shared.hex()));
            assertFalse(repo.verify(List.of(), ProgressListener.NONE).ok());
            BackupInfo next = TestRepositories.backup(repo, "a", image, false);
            assertEquals(1, next.stats().newChunks());
        }
        VerifyReport report = repo.verify(List.of(), ProgressListener.NONE);
        assertTrue(report.ok(), report.problems().toString());
    }

    @Test
    void aBackupThatTookAChunkAsStoredIsNotCommittedWhenVerifyMovesItAsideMeanwhile() throws Exception {
        try (BackupWriter writer = repo.startBackup(BackupRequest.of("a", "file:/images/a", image.length))) {
            ChunkId id = writer.store(ByteBuffer.wrap(image, SMALL_CHUNK, SMALL_CHUNK)).id();
            assertEquals(shared, id);
            writer.put(1, Optional.of(id));
            flipOneByte(TestRepositories.chunkFile(dir, shared.hex()));
            repo.verify(List.of(), ProgressListener.NONE);
            RepositoryException e = assertThrows(RepositoryException.class, () -> writer.commit(SMALL_CHUNK, "dedupe"));
            assertEquals(Reason.CORRUPT, e.reason());
            assertTrue(e.getMessage().contains(shared.hex()) && e.getMessage().contains("run the backup again"),
                    e.getMessage());
        }
        assertEquals(3, repo.backups().size(), "nothing was committed");
    }

    @Test
    void anIncrementalThatCarriesADamagedChunkOverFromItsParentIsNotCommitted() throws Exception {
        flipOneByte(TestRepositories.chunkFile(dir, shared.hex()));
        repo.verify(List.of(), ProgressListener.NONE);
        BackupRequest request = BackupRequest.of("a", "file:/images/a", image.length).withParent(second.id());
        try (BackupWriter writer = repo.startBackup(request)) {
            for (long i = 0; i < 8; i++) {
                writer.put(i, writer.parentChunk(i)); // a dirty bitmap that says nothing changed
            }
            RepositoryException e = assertThrows(RepositoryException.class, () -> writer.commit(0, "dirty-bitmap:b"));
            assertEquals(Reason.CORRUPT, e.reason());
            assertTrue(e.getMessage().contains("carried it over from its parent " + second.id()), e.getMessage());
        }
        // reading the whole disk again heals it
        TestRepositories.backup(repo, "a", image, false);
        assertTrue(repo.verify(List.of(), ProgressListener.NONE).ok());
        assertArrayEquals(image, TestRepositories.restore(repo, second.id()));
    }

    @Test
    void pruneForgetsDamageNoRemainingBackupNeeds() throws Exception {
        BackupInfo old = TestRepositories.backup(repo, "c", TestRepositories.image(2, SMALL_CHUNK, 0, 30), false);
        TestRepositories.backup(repo, "c", TestRepositories.image(2, SMALL_CHUNK, 0, 31), false);
        ChunkId onlyOld;
        try (BackupReader r = repo.openBackup(old.id())) {
            onlyOld = r.chunk(0).orElseThrow();
        }
        flipOneByte(TestRepositories.chunkFile(dir, onlyOld.hex()));
        assertEquals(java.util.Set.of(old.id()), repo.verify(List.of(), ProgressListener.NONE).brokenBackups());
        Path bad = TestRepositories.chunkFile(dir, onlyOld.hex()).resolveSibling(onlyOld.hex() + ".bad");
        assertTrue(Files.exists(bad));

        repo.prune(RetentionPolicy.keepLast(1), false, ProgressListener.NONE);

        assertFalse(Files.exists(bad), "the damaged file of a chunk no backup uses is garbage");
        assertFalse(Files.exists(dir.resolve("damaged")), "nothing left to heal");
        VerifyReport report = repo.verify(List.of(), ProgressListener.NONE);
        assertTrue(report.ok(), report.problems().toString());
        assertEquals(List.of(), report.healedChunks());
    }

    private static void flipOneByte(Path file) throws Exception {
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(file, bytes);
    }

    @Test
    void aMissingChunkIsReportedWithItsBackups() throws Exception {
        Files.delete(TestRepositories.chunkFile(dir, shared.hex()));
        VerifyReport report = repo.verify(List.of(), ProgressListener.NONE);
        assertEquals(1, report.problems().size());
        ChunkProblem p = report.problems().get(0);
        assertEquals("missing", p.problem());
        assertEquals(List.of(first.id(), second.id()), p.backups());
        assertEquals(java.util.Set.of(first.id(), second.id()), report.brokenBackups());
    }

    /** Chunk files are read with O_DIRECT in whole blocks: a cut or padded file must still be caught. */
    @Test
    void aChunkFileCutShortOrGrownBeyondAChunkIsReportedAndRestoreRefusesIt() throws Exception {
        Path file = TestRepositories.chunkFile(dir, shared.hex());
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 1000));
        VerifyReport report = repo.verify(List.of(), ProgressListener.NONE);
        assertEquals(1, report.problems().size(), report.problems().toString());
        assertTrue(report.problems().get(0).problem().startsWith("authentication failed"), report.problems().toString());

        ChunkId victim;
        try (BackupReader r = repo.openBackup(other.id())) {
            victim = r.chunk(0).orElseThrow();
        }
        Path grown = TestRepositories.chunkFile(dir, victim.hex());
        Files.write(grown, new byte[SMALL_CHUNK + 3 * 4096], java.nio.file.StandardOpenOption.APPEND);
        try (BackupReader r = repo.openBackup(other.id())) {
            RepositoryException e = assertThrows(RepositoryException.class,
                    () -> r.read(victim, ByteBuffer.allocate(SMALL_CHUNK)));
            assertEquals(RepositoryException.Reason.CORRUPT, e.reason());
            assertTrue(e.getMessage().contains("more than a chunk can have"), e.getMessage());
        }
    }

    @Test
    void aChunkFileRenamedToAnotherIdFailsAuthentication() throws Exception {
        ChunkId victim;
        try (BackupReader r = repo.openBackup(other.id())) {
            victim = r.chunk(0).orElseThrow();
        }
        Files.copy(TestRepositories.chunkFile(dir, shared.hex()), TestRepositories.chunkFile(dir, victim.hex()),
                StandardCopyOption.REPLACE_EXISTING);
        VerifyReport report = repo.verify(List.of(), ProgressListener.NONE);
        assertEquals(1, report.problems().size());
        assertEquals(victim.hex(), report.problems().get(0).chunk());
        assertTrue(report.problems().get(0).problem().startsWith("authentication failed"), report.problems().toString());
        assertEquals(List.of(other.id()), report.problems().get(0).backups());
    }

    @Test
    void anUnreadableManifestIsReportedAndBlocksPrune() throws Exception {
        Path manifest = dir.resolve("backups").resolve(second.id());
        byte[] bytes = Files.readAllBytes(manifest);
        bytes[40] ^= 0x40;
        Files.write(manifest, bytes);
        repo.close();
        repo = service.open(dir, TestRepositories.PASSWORD);

        assertEquals(List.of(first.id(), other.id()), repo.backups().stream().map(BackupInfo::id).toList());
        VerifyReport report = repo.verify(List.of(), ProgressListener.NONE);
        assertFalse(report.ok());
        assertEquals(List.of(second.id()), report.problems().get(0).backups());
        assertTrue(report.problems().get(0).problem().startsWith("unreadable manifest"), report.problems().toString());

        long chunks = TestRepositories.countChunkFiles(dir);
        RepositoryException e = assertThrows(RepositoryException.class,
                () -> repo.prune(RetentionPolicy.keepLast(1), false, ProgressListener.NONE));
        assertEquals(Reason.CORRUPT, e.reason());
        assertTrue(e.getMessage().contains(second.id()), e.getMessage());
        assertEquals(chunks, TestRepositories.countChunkFiles(dir));
        assertEquals(3, TestRepositories.countEntries(dir.resolve("backups")));
    }

    @Test
    void verifyStopsWhenCancelled() {
        ProgressListener cancel = new ProgressListener() {
            @Override
            public void progress(Progress p) {
            }

            @Override
            public boolean cancelRequested() {
                return true;
            }
        };
        RepositoryException e = assertThrows(RepositoryException.class, () -> repo.verify(List.of(), cancel));
        assertEquals(Reason.CANCELLED, e.reason());
    }
}
