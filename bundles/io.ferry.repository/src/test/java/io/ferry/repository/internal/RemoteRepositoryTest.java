package io.ferry.repository.internal;

import static io.ferry.repository.internal.TestRepositories.PASSWORD;
import static io.ferry.repository.internal.TestRepositories.SMALL_CHUNK;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.ValidationException;
import io.ferry.api.repository.BackupInfo;
import io.ferry.api.repository.BackupRequest;
import io.ferry.api.repository.BackupWriter;
import io.ferry.api.repository.ChunkId;
import io.ferry.api.repository.ProgressListener;
import io.ferry.api.repository.Repository;
import io.ferry.api.repository.RepositoryException;
import io.ferry.api.repository.RepositoryException.Reason;
import io.ferry.api.repository.RetentionPolicy;
import io.ferry.api.repository.StoredChunk;
import io.ferry.api.repository.VerifyReport;
import io.ferry.repository.remote.KeyMaterial;
import io.ferry.repository.remote.RemoteOptions;
import io.ferry.repository.remote.RemoteRepositories;
import io.ferry.repository.remote.RepositoryStore;
import io.ferry.repository.remote.StoreSession;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The split repository (issue 12, "Repository servers"): backups written by the key side
 * through a link into a directory served by the storage side, which never holds the key, are
 * ordinary repositories that a local Ferry opens with the password.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RemoteRepositoryTest {

    private static final String MARKER = "FERRY-PLAINTEXT-MARKER-4e1d";

    private final RepositoryServiceImpl service = new RepositoryServiceImpl();

    @TempDir
    Path tmp;

    @AfterAll
    void stop() {
        service.close();
    }

    /** A new, empty repository on disk (created locally, as repo-init does on the repository server). */
    private Path newRepository(String name) {
        Path dir = tmp.resolve(name);
        service.init(dir, PASSWORD, TestRepositories.SMALL);
        return dir;
    }

    /** 16 chunks: text with the marker, random, zero, text; a short tail. */
    private static byte[] diskWithMarker(long seed) {
        byte[] image = TestRepositories.image(16, SMALL_CHUNK, 1000, seed);
        byte[] marker = MARKER.getBytes(StandardCharsets.US_ASCII);
        for (int chunk = 0; chunk < 16; chunk += 4) {
            for (int off = 0; off + marker.length < SMALL_CHUNK; off += 4096) {
                System.arraycopy(marker, 0, image, chunk * SMALL_CHUNK + off, marker.length);
            }
        }
        return image;
    }

    @Test
    void aBackupThroughTheLinkIsAnOrdinaryRepositoryThatOpensWithThePasswordAndVerifiesClean() {
        Path dir = newRepository("r");
        byte[] disk = diskWithMarker(1);
        BackupInfo info;
        try (RepositoryStore store = RepositoryStore.open(dir);
                Repository remote = RemoteRepositories.open(new CopyingLink(store), PASSWORD)) {
            info = TestRepositories.backup(remote, "web-01/disk0", disk, false);
            assertEquals(13, info.stats().newChunks(), "12 data chunks, 4 zero ones, a tail: " + info.stats());
            assertTrue(info.stats().storedBytes() < info.stats().newBytes(), "text compresses: " + info.stats());
            assertEquals(List.of(info.id()), remote.backups().stream().map(BackupInfo::id).toList());
            assertArrayEquals(disk, TestRepositories.restore(remote, info.id()), "restored through the link");
        }
        try (Repository local = service.open(dir, PASSWORD)) {
            assertEquals(info, local.backup(info.id()));
            assertArrayEquals(disk, TestRepositories.restore(local, info.id()), "restored locally");
            VerifyReport report = local.verify(List.of(), ProgressListener.NONE);
            assertTrue(report.problems().isEmpty(), "verify: " + report.problems());
            assertEquals(13, report.chunks());
        }
    }

    @Test
    void imagesReceivedInAlignedDirectBuffersAreStoredAsTheyAreWithoutThePadding() throws IOException {
        Path dir = newRepository("r");
        byte[] disk = diskWithMarker(3);
        BackupInfo info;
        try (RepositoryStore store = RepositoryStore.open(dir)) {
            CopyingLink link = new CopyingLink(store);
            link.directImages = true; // as a repository agent receives them, garbage after each image
            try (Repository remote = RemoteRepositories.open(link, PASSWORD)) {
                info = TestRepositories.backup(remote, "web-01/disk0", disk, false);
                assertArrayEquals(disk, TestRepositories.restore(remote, info.id()), "restored through the link");
            }
            assertEquals(link.putBytes.get(), TestRepositories.chunkBytes(dir), "chunk files of the images' lengths");
        }
        try (Repository local = service.open(dir, PASSWORD)) {
            assertArrayEquals(disk, TestRepositories.restore(local, info.id()), "restored locally");
            VerifyReport report = local.verify(List.of(), ProgressListener.NONE);
            assertTrue(report.problems().isEmpty(), "verify: " + report.problems());
            assertEquals(13, report.chunks());
        }
    }

    @Test
    void theStoredFilesHoldNoPlaintext() throws IOException {
        Path dir = newRepository("r");
        try (RepositoryStore store = RepositoryStore.open(dir);
                Repository remote = RemoteRepositories.open(new CopyingLink(store), PASSWORD)) {
            TestRepositories.backup(remote, "web-01/disk0", diskWithMarker(2), false);
        }
        byte[] marker = MARKER.getBytes(StandardCharsets.US_ASCII);
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(Files::isRegularFile).toList();
        }
        assertTrue(files.size() > 12, "chunks, manifest, config, key: " + files);
        for (Path f : files) {
            assertFalse(contains(Files.readAllBytes(f), marker), "plaintext marker found in " + f);
        }
        // the test can fail: the marker is in the data
        assertTrue(contains(diskWithMarker(2), marker));
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    @Test
    void aSecondBackupOfTheSameDataUploadsNothingAndAnIncrementalCarriesChunksOver() {
        Path dir = newRepository("r");
        byte[] day1 = diskWithMarker(3);
        try (RepositoryStore store = RepositoryStore.open(dir)) {
            CopyingLink link = new CopyingLink(store);
            try (Repository remote = RemoteRepositories.open(link, PASSWORD)) {
                BackupInfo first = TestRepositories.backup(remote, "d", day1, false);
                assertEquals(13, link.putCalls.get());

                BackupInfo second = TestRepositories.backup(remote, "d", day1, false);
                assertEquals(13, link.putCalls.get(), "no chunk uploaded again");
                assertEquals(Optional.of(first.id()), second.parentId());
                assertEquals(0, second.stats().newChunks());
                assertEquals(13, second.stats().reusedChunks());

                // a full backup (no parent to ask about) of the same data: sealed, asked about, not sent
                BackupInfo full = TestRepositories.backup(remote, "d", day1, true);
                assertEquals(13, link.putCalls.get(), "the store has every chunk");
                assertEquals(0, full.stats().newChunks());

                byte[] day2 = day1.clone();
                System.arraycopy(TestRepositories.random(SMALL_CHUNK, 77), 0, day2, 5 * SMALL_CHUNK, SMALL_CHUNK);
                // as a dirty bitmap would: read chunk 5 only, carry every other chunk over from the parent
                BackupInfo incremental;
                try (BackupWriter writer = remote.startBackup(BackupRequest.of("d", "file:/d", day2.length)
                        .withParent(full.id()))) {
                    long count = (day2.length + SMALL_CHUNK - 1) / SMALL_CHUNK;
                    for (long i = 0; i < count; i++) {
                        if (i == 5) {
                            StoredChunk c = writer.store(ByteBuffer.wrap(day2, 5 * SMALL_CHUNK, SMALL_CHUNK));
                            writer.put(i, Optional.of(c.id()));
                        } else {
                            writer.put(i, writer.parentChunk(i));
                        }
                    }
                    incremental = writer.commit(SMALL_CHUNK, "dirty-bitmap:b1");
                }
                assertEquals(14, link.putCalls.get(), "only the changed chunk");
                assertEquals(1, incremental.stats().newChunks());
                assertEquals(12, incremental.stats().reusedChunks());
                assertArrayEquals(day2, TestRepositories.restore(remote, incremental.id()));
            }
        }
        try (Repository local = service.open(dir, PASSWORD)) {
            assertEquals(4, local.backups().size());
            assertTrue(local.verify(List.of(), ProgressListener.NONE).problems().isEmpty());
        }
    }

    @Test
    void chunkQueriesGoInBatchesNotOneRoundTripPerChunk() {
        Path dir = newRepository("r");
        int chunks = 200;
        byte[] disk = TestRepositories.random(chunks * SMALL_CHUNK, 11);
        RemoteOptions options = new RemoteOptions(32, 4, 8, 16L << 20, Duration.ofSeconds(60));
        try (RepositoryStore store = RepositoryStore.open(dir)) {
            CopyingLink link = new CopyingLink(store);
            try (Repository remote = RemoteRepositories.open(link, PASSWORD, options)) {
                BackupInfo first = TestRepositories.backup(remote, "d", disk, false);
                assertEquals(chunks, first.stats().newChunks());
                assertEquals(chunks, link.putCalls.get());
                assertEquals(chunks, link.missingIds.get());
                // 16 MiB of sealed chunks in flight at most (about 250 of 64 KiB): the batches fill
                assertEquals((chunks + 31) / 32, link.missingCalls.get(), "missing calls");

                int before = link.missingCalls.get();
                TestRepositories.backup(remote, "d", disk, false);
                assertEquals((chunks + 31) / 32, link.missingCalls.get() - before,
                        "the parent's chunks asked about in batches, nothing else");
                assertEquals(chunks, link.putCalls.get());
            }
        }
    }

    @Test
    void theStoreItselfServesAsTheLinkInOneProcess() {
        // its calls complete at once, on the caller's thread: nothing may nest or wait on itself
        Path dir = newRepository("r");
        byte[] disk = TestRepositories.random(300 * SMALL_CHUNK, 15);
        RemoteOptions options = new RemoteOptions(8, 2, 2, 1L << 20, Duration.ofSeconds(60));
        try (RepositoryStore store = RepositoryStore.open(dir);
                Repository remote = RemoteRepositories.open(store, PASSWORD, options)) {
            BackupInfo first = TestRepositories.backup(remote, "d", disk, false);
            BackupInfo second = TestRepositories.backup(remote, "d", disk, false);
            assertEquals(300, first.stats().newChunks());
            assertEquals(300, second.stats().reusedChunks());
            assertArrayEquals(disk, TestRepositories.restore(remote, second.id()));
        }
    }

    @Test
    void aSmallMemoryBoundSendsPartialBatchesAndStillCompletes() {
        Path dir = newRepository("r");
        byte[] disk = TestRepositories.random(40 * SMALL_CHUNK, 12);
        // room for about 4 sealed chunks: batches of 32 never fill
        RemoteOptions options = new RemoteOptions(32, 2, 2, 4L * (SMALL_CHUNK + 1024), Duration.ofSeconds(60));
        try (RepositoryStore store = RepositoryStore.open(dir)) {
            CopyingLink link = new CopyingLink(store);
            try (Repository remote = RemoteRepositories.open(link, PASSWORD, options)) {
                BackupInfo info = TestRepositories.backup(remote, "d", disk, false);
                assertEquals(40, link.putCalls.get());
                assertTrue(link.missingCalls.get() >= 10, "partial batches: " + link.missingCalls.get());
                assertArrayEquals(disk, TestRepositories.restore(remote, info.id()));
            }
        }
    }

    @Test
    void aCommitReferencingAChunkTheStoreDoesNotHaveIsRefusedAndNoManifestAppears() throws IOException {
        Path dir = newRepository("r");
        byte[] disk = diskWithMarker(4);
        ChunkId never = ChunkId.of(new byte[32]);
        try (RepositoryStore store = RepositoryStore.open(dir);
                Repository remote = RemoteRepositories.open(new CopyingLink(store), PASSWORD)) {
            try (BackupWriter writer = remote.startBackup(BackupRequest.of("d", "file:/d", disk.length))) {
                StoredChunk c = writer.store(ByteBuffer.wrap(disk, 0, SMALL_CHUNK));
                writer.put(0, Optional.of(c.id()));
                writer.put(1, Optional.of(never));
                RepositoryException e = assertThrows(RepositoryException.class, () -> writer.commit(SMALL_CHUNK, "full"));
                assertEquals(Reason.CORRUPT, e.reason());
                assertTrue(e.getMessage().contains(never.hex()) && e.getMessage().contains("not stored"), e.getMessage());
            }
            // the store refuses it too, whatever the key side says
            StoreSession session = store.begin(StoreSession.Kind.BACKUP, "test").join();
            CompletionException refused = assertThrows(CompletionException.class, () -> store.commit(session.token(),
                    session.backupId(), sealedManifestOf(dir, session.backupId()), List.of(never), Optional.empty())
                    .join());
            assertTrue(refused.getCause() instanceof RepositoryException re && re.reason() == Reason.CORRUPT
                    && re.getMessage().contains(never.hex()), String.valueOf(refused.getCause()));
            assertEquals(0, TestRepositories.countEntries(dir.resolve("backups")));
            assertTrue(remote.backups().isEmpty());
            assertEquals(0, ((io.ferry.repository.internal.FileRepositoryStore) store).openSessions());
        }
    }

    /** A well-formed sealed manifest for {@code id} with one data chunk, sealed with the repository's key. */
    private ByteBuffer sealedManifestOf(Path dir, String id) {
        try (RepositoryStore store = RepositoryStore.open(dir)) {
            byte[] keys = RemoteKeys.unlock(store.images().join(), PASSWORD);
            RepositoryConfig config = RemoteKeys.config(RemoteKeys.configFields(store.images().join()));
            MasterKeys master = RemoteKeys.keys(keys, config, RemoteKeys.configFields(store.images().join()));
            ChunkTable table = new ChunkTable(1);
            table.set(0, ChunkId.of(new byte[32]));
            BackupInfo info = new BackupInfo(id, "d", "test", SMALL_CHUNK, SMALL_CHUNK, java.time.Instant.now(),
                    java.time.Instant.now(), null, new io.ferry.api.repository.BackupStats(0, SMALL_CHUNK, 0, 0, 1, 0, 0,
                    "full"), Map.of());
            return new ManifestStore(null, null, master, new java.security.SecureRandom()).seal(new Manifest(info, table));
        }
    }

    @Test
    void anUploadInterruptedMidWayLeavesNoVisibleBackupAndTheNextBackupCompletes() throws Exception {
        Path dir = newRepository("r");
        byte[] disk = TestRepositories.random(40 * SMALL_CHUNK, 13);
        try (FileRepositoryStore store = FileRepositoryStore.open(dir, Duration.ofMillis(500))) {
            CopyingLink link = new CopyingLink(store);
            link.breakAfterPuts = 5;
            try (Repository remote = RemoteRepositories.open(link, PASSWORD)) {
                RepositoryException e = assertThrows(RepositoryException.class,
                        () -> TestRepositories.backup(remote, "d", disk, false));
                assertTrue(e.getMessage().contains("connection to the store lost"), e.getMessage());
                assertEquals(0, TestRepositories.countEntries(dir.resolve("backups")), "nothing visible");
                // the key side could not end its session over the broken link: the store ends it when idle
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (store.openSessions() > 0 && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertEquals(0, store.openSessions(), "the idle session was ended");

                link.heal();
                BackupInfo info = TestRepositories.backup(remote, "d", disk, false);
                assertEquals(40, info.stats().newChunks() + info.stats().reusedChunks());
                assertArrayEquals(disk, TestRepositories.restore(remote, info.id()));
            }
        }
        try (Repository local = service.open(dir, PASSWORD)) {
            assertEquals(1, local.backups().size());
            // the lock is free: a prune takes it exclusively
            local.prune(new RetentionPolicy(1, 0, 0, 0), false, ProgressListener.NONE);
            assertTrue(local.verify(List.of(), ProgressListener.NONE).problems().isEmpty());
        }
    }

    @Test
    void anOpenBackupThatMakesNoCallsForLongerThanTheIdleTimeoutIsKeptAlive() throws Exception {
        Path dir = newRepository("r");
        byte[] disk = TestRepositories.random(2 * SMALL_CHUNK, 14);
        RemoteOptions options = new RemoteOptions(32, 4, 8, 16L << 20, Duration.ofSeconds(60), Duration.ofMillis(50));
        try (FileRepositoryStore store = FileRepositoryStore.open(dir, Duration.ofSeconds(1))) {
            try (Repository remote = RemoteRepositories.open(new CopyingLink(store), PASSWORD, options);
                    BackupWriter writer = remote.startBackup(BackupRequest.of("d", "file:/d", disk.length))) {
                Thread.sleep(2500); // a slow source: no chunk for longer than the store's idle timeout
                assertEquals(1, store.openSessions());
                for (int i = 0; i < 2; i++) {
                    StoredChunk c = writer.store(ByteBuffer.wrap(disk, i * SMALL_CHUNK, SMALL_CHUNK));
                    writer.put(i, Optional.of(c.id()));
                }
                writer.commit(disk.length, "full");
            }
            assertEquals(0, store.openSessions());
            assertEquals(1, TestRepositories.countEntries(dir.resolve("backups")));
        }
    }

    @Test
    void theStoreRefusesMalformedAndOversizedChunkImages() throws Exception {
        Path dir = newRepository("r");
        try (RepositoryStore store = RepositoryStore.open(dir)) {
            StoreSession session = store.begin(StoreSession.Kind.BACKUP, "test").join();
            ChunkId id = ChunkId.of(new byte[32]);
            byte[] random = TestRepositories.random(1000, 5);
            assertRefused(store, session, id, ByteBuffer.wrap(random), "bad magic");

            ByteBuffer oversized = header(0, SMALL_CHUNK, SMALL_CHUNK + 41);
            assertRefused(store, session, id, oversized, "bytes, not");

            ByteBuffer lengthMismatch = header(0, 5000, 40 + 4000); // stored, but payload != plaintext length
            assertRefused(store, session, id, lengthMismatch, "does not fit");

            ByteBuffer unknownFlag = header(2, 100, 40 + 100);
            assertRefused(store, session, id, unknownFlag, "flags");

            ByteBuffer tooLong = header(0, SMALL_CHUNK + 1, 40 + SMALL_CHUNK);
            assertRefused(store, session, id, tooLong, "plaintext length");

            assertEquals(0, TestRepositories.countChunkFiles(dir));
            assertEquals(0, TestRepositories.countEntries(dir.resolve("tmp")));

            // a malformed manifest is refused at commit, and nothing becomes visible
            CompletionException e = assertThrows(CompletionException.class, () -> store.commit(session.token(),
                    session.backupId(), ByteBuffer.wrap(random), List.of(), Optional.empty()).join());
            assertTrue(e.getCause() instanceof ValidationException, e.toString());
            assertEquals(0, TestRepositories.countEntries(dir.resolve("backups")));
            // a bad id never reaches the file system
            assertThrows(CompletionException.class, () -> store.manifest("../config", false).join());
        }
    }

    /** A chunk image of {@code fileLength} bytes with a well-formed header (flags, plaintext length) and zero payload. */
    private static ByteBuffer header(int flags, int length, int fileLength) {
        ByteBuffer b = ByteBuffer.allocate(fileLength);
        b.put(new byte[] {'F', 'R', 'Y', 'C', 1, (byte) flags, 0, 0}).putInt(length);
        return b.position(0);
    }

    private static void assertRefused(RepositoryStore store, StoreSession session, ChunkId id, ByteBuffer image,
            String why) {
        CompletionException e = assertThrows(CompletionException.class,
                () -> store.putChunk(session.token(), id, image).join());
        assertTrue(e.getCause() instanceof ValidationException && e.getCause().getMessage().contains(why),
                String.valueOf(e.getCause()));
    }

    @Test
    void aChunkThatVerifyMovedAsideCountsAsMissingAndTheNextBackupThroughTheLinkHealsIt() throws IOException {
        Path dir = newRepository("r");
        byte[] disk = diskWithMarker(6);
        String damagedHex;
        try (RepositoryStore store = RepositoryStore.open(dir);
                Repository remote = RemoteRepositories.open(new CopyingLink(store), PASSWORD)) {
            BackupInfo first = TestRepositories.backup(remote, "d", disk, false);
            try (var reader = remote.openBackup(first.id())) {
                damagedHex = reader.chunk(0).orElseThrow().hex();
            }
        }
        Path file = TestRepositories.chunkFile(dir, damagedHex);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 1] ^= 1;
        Files.write(file, bytes);
        try (Repository local = service.open(dir, PASSWORD)) {
            assertEquals(1, local.verify(List.of(), ProgressListener.NONE).problems().size());
        }
        assertFalse(Files.exists(file), "moved aside");
        try (RepositoryStore store = RepositoryStore.open(dir)) {
            CopyingLink link = new CopyingLink(store);
            try (Repository remote = RemoteRepositories.open(link, PASSWORD)) {
                BackupInfo second = TestRepositories.backup(remote, "d", disk, false);
                assertEquals(1, link.putCalls.get(), "only the damaged chunk is sent again");
                assertEquals(1, second.stats().newChunks());
            }
        }
        try (Repository local = service.open(dir, PASSWORD)) {
            VerifyReport report = local.verify(List.of(), ProgressListener.NONE);
            assertTrue(report.problems().isEmpty(), report.problems().toString());
            assertEquals(List.of(damagedHex), report.healedChunks());
        }
    }

    @Test
    void anIncrementalThatCarriesOverAChunkVerifyMovedAsideIsRefusedWithWhatToDo() throws IOException {
        Path dir = newRepository("r");
        byte[] disk = diskWithMarker(9);
        BackupInfo first;
        String lost;
        try (RepositoryStore store = RepositoryStore.open(dir);
                Repository remote = RemoteRepositories.open(new CopyingLink(store), PASSWORD)) {
            first = TestRepositories.backup(remote, "d", disk, false);
            try (var reader = remote.openBackup(first.id())) {
                lost = reader.chunk(3).orElseThrow().hex();
            }
        }
        Path file = TestRepositories.chunkFile(dir, lost);
        byte[] bytes = Files.readAllBytes(file);
        bytes[60] ^= 1;
        Files.write(file, bytes);
        try (Repository local = service.open(dir, PASSWORD)) {
            assertFalse(local.verify(List.of(), ProgressListener.NONE).ok());
        }
        try (RepositoryStore store = RepositoryStore.open(dir);
                Repository remote = RemoteRepositories.open(new CopyingLink(store), PASSWORD)) {
            try (BackupWriter writer = remote.startBackup(BackupRequest.of("d", "file:/d", disk.length)
                    .withParent(first.id()))) {
                for (long i = 0; i < first.chunkCount(); i++) {
                    writer.put(i, writer.parentChunk(i)); // a dirty bitmap with no change: nothing read
                }
                RepositoryException e = assertThrows(RepositoryException.class, () -> writer.commit(0, "dirty-bitmap:b"));
                assertEquals(Reason.CORRUPT, e.reason());
                assertTrue(e.getMessage().contains(lost) && e.getMessage().contains("carried it over")
                        && e.getMessage().contains("reading the whole disk"), e.getMessage());
            }
            assertEquals(1, remote.backups().size(), "nothing new is visible");
            // reading the whole disk again heals it
            TestRepositories.backup(remote, "d", disk, false);
        }
        try (Repository local = service.open(dir, PASSWORD)) {
            assertTrue(local.verify(List.of(), ProgressListener.NONE).ok());
        }
    }

    @Test
    void exportedKeyMaterialOpensTheRepositoryWithoutThePassword() {
        Path dir = newRepository("r");
        Path other = newRepository("other");
        byte[] disk = diskWithMarker(7);
        byte[] exported;
        try (RepositoryStore store = RepositoryStore.open(dir)) {
            try (KeyMaterial keys = RemoteRepositories.exportKey(new CopyingLink(store), PASSWORD)) {
                exported = keys.toBytes();
                assertEquals(85, exported.length);
            }
            KeyMaterial rebuilt = KeyMaterial.fromBytes(exported);
            Arrays.fill(exported, (byte) 0);
            BackupInfo info;
            try (Repository remote = RemoteRepositories.open(new CopyingLink(store), rebuilt)) {
                rebuilt.close();
                assertThrows(IllegalStateException.class, rebuilt::toBytes, "zeroed");
                info = TestRepositories.backup(remote, "d", disk, false);
            }
            try (Repository local = service.open(dir, PASSWORD)) {
                assertArrayEquals(disk, TestRepositories.restore(local, info.id()));
            }
            // keys of another repository are refused, and so is a wrong password
            try (RepositoryStore otherStore = RepositoryStore.open(other);
                    KeyMaterial otherKeys = RemoteRepositories.exportKey(new CopyingLink(otherStore), PASSWORD)) {
                RepositoryException e = assertThrows(RepositoryException.class,
                        () -> RemoteRepositories.open(new CopyingLink(store), otherKeys));
                assertEquals(Reason.WRONG_PASSWORD, e.reason());
            }
            RepositoryException wrong = assertThrows(RepositoryException.class,
                    () -> RemoteRepositories.open(new CopyingLink(store), "not the password".toCharArray()));
            assertEquals(Reason.WRONG_PASSWORD, wrong.reason());
        }
        assertThrows(IllegalArgumentException.class, () -> KeyMaterial.fromBytes(new byte[85]));
    }

    @Test
    void verifyThroughTheLinkReportsDamagedAndMissingChunksWithTheBackupsTheyBreakAndChangesNothing()
            throws IOException {
        Path dir = newRepository("r");
        byte[] disk = diskWithMarker(8);
        try (RepositoryStore store = RepositoryStore.open(dir);
                Repository remote = RemoteRepositories.open(new CopyingLink(store), PASSWORD)) {
            BackupInfo first = TestRepositories.backup(remote, "a", disk, false);
            BackupInfo second = TestRepositories.backup(remote, "b", disk, false);
            VerifyReport clean = remote.verify(List.of(), ProgressListener.NONE);
            assertTrue(clean.ok(), clean.problems().toString());
            assertEquals(13, clean.chunks());
            assertEquals(List.of(first.id(), second.id()), clean.backups());

            String damaged;
            String missing;
            try (var reader = remote.openBackup(first.id())) {
                damaged = reader.chunk(0).orElseThrow().hex();
                missing = reader.chunk(1).orElseThrow().hex();
            }
            Path file = TestRepositories.chunkFile(dir, damaged);
            byte[] bytes = Files.readAllBytes(file);
            bytes[50] ^= 1;
            Files.write(file, bytes);
            Files.delete(TestRepositories.chunkFile(dir, missing));
            Map<String, String> before = TestRepositories.snapshot(dir);

            VerifyReport report = remote.verify(List.of(first.id()), ProgressListener.NONE);
            assertEquals(2, report.problems().size(), report.problems().toString());
            for (var p : report.problems()) {
                assertEquals(List.of(first.id(), second.id()), p.backups(), "every backup that uses it: " + p);
                assertEquals(p.chunk().equals(missing) ? "missing" : "authentication failed", p.problem());
            }
            assertEquals(before, TestRepositories.snapshot(dir), "a verify through a link writes nothing");
        }
    }

    @Test
    void aStoreSessionHoldsTheWriterLockSoALocalPruneWaits() {
        Path dir = newRepository("r");
        try (RepositoryStore store = RepositoryStore.open(dir);
                Repository remote = RemoteRepositories.open(new CopyingLink(store), PASSWORD)) {
            List<Runnable> cleanup = new ArrayList<>();
            BackupWriter writer = remote.startBackup(BackupRequest.of("d", "file:/d", SMALL_CHUNK));
            cleanup.add(writer::close);
            try (Repository local = service.open(dir, PASSWORD)) {
                RepositoryException e = assertThrows(RepositoryException.class,
                        () -> local.prune(new RetentionPolicy(1, 0, 0, 0), false, ProgressListener.NONE));
                assertEquals(Reason.LOCKED, e.reason());
            } finally {
                cleanup.forEach(Runnable::run);
            }
        }
    }

    static Map<String, String> labels(String lockUntil) {
        return Map.of(RemoteBackupWriter.LOCK_UNTIL_LABEL, lockUntil);
    }
}
