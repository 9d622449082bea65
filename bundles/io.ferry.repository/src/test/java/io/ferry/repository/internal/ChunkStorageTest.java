package io.ferry.repository.internal;

import static io.ferry.repository.internal.TestRepositories.PASSWORD;
import static io.ferry.repository.internal.TestRepositories.SMALL_CHUNK;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.ValidationException;
import io.ferry.api.repository.BackupInfo;
import io.ferry.api.repository.BackupReader;
import io.ferry.api.repository.BackupRequest;
import io.ferry.api.repository.BackupWriter;
import io.ferry.api.repository.InitOptions;
import io.ferry.api.repository.Repository;
import io.ferry.api.repository.StoredChunk;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChunkStorageTest {

    private final RepositoryServiceImpl service = new RepositoryServiceImpl();

    @TempDir
    Path tmp;

    @AfterAll
    void stop() {
        service.close();
    }

    /** Stores one chunk as the only chunk of a one-chunk backup, commits, and reads it back. */
    private StoredChunk storeAndReadBack(Repository repo, byte[] data) {
        StoredChunk stored;
        String id;
        try (BackupWriter w = repo.startBackup(BackupRequest.of("d", "test", data.length))) {
            stored = w.store(ByteBuffer.wrap(data));
            w.put(0, Optional.of(stored.id()));
            id = w.commit(data.length, "full").id();
        }
        try (BackupReader r = repo.openBackup(id)) {
            ByteBuffer dst = ByteBuffer.allocate(SMALL_CHUNK);
            r.read(stored.id(), dst);
            assertEquals(data.length, dst.position());
            assertArrayEquals(data, java.util.Arrays.copyOf(dst.array(), data.length));
        }
        return stored;
    }

    @Test
    void compressibleChunkIsStoredCompressedAndReadsBackIdentical() {
        try (Repository repo = TestRepositories.create(service, tmp.resolve("r"))) {
            byte[] data = TestRepositories.compressible(SMALL_CHUNK, 1);
            StoredChunk c = storeAndReadBack(repo, data);
            assertTrue(c.added());
            assertTrue(c.compressed());
            assertTrue(c.storedBytes() < data.length / 2, "stored " + c.storedBytes());
            assertEquals(c.storedBytes(), fileSize(tmp.resolve("r"), c));
        }
    }

    @Test
    void incompressibleChunkIsStoredRawAndReadsBackIdentical() {
        try (Repository repo = TestRepositories.create(service, tmp.resolve("r"))) {
            byte[] data = TestRepositories.random(SMALL_CHUNK, 2);
            StoredChunk c = storeAndReadBack(repo, data);
            assertTrue(c.added());
            assertFalse(c.compressed());
            assertEquals(data.length + ChunkCodec.OVERHEAD, c.storedBytes());
        }
    }

    @Test
    void shortLastChunkRoundTrips() {
        Path dir = tmp.resolve("r");
        try (Repository repo = TestRepositories.create(service, dir)) {
            byte[] image = TestRepositories.image(5, SMALL_CHUNK, 1234, 3);
            BackupInfo info = TestRepositories.backup(repo, "d", image, false);
            assertEquals(6, info.chunkCount());
            assertEquals(TestRepositories.sha256(image), TestRepositories.sha256(TestRepositories.restore(repo, info.id())));
            StoredChunk tiny = storeAndReadBack(repo, new byte[] {42});
            assertEquals(1, tiny.length());
        }
    }

    @Test
    void theChunkIdIsKeyedSoTwoRepositoriesNameTheSameDataDifferently() {
        byte[] data = TestRepositories.compressible(SMALL_CHUNK, 4);
        StoredChunk a;
        StoredChunk b;
        try (Repository repo = TestRepositories.create(service, tmp.resolve("a"))) {
            a = storeAndReadBack(repo, data);
        }
        try (Repository repo = TestRepositories.create(service, tmp.resolve("b"))) {
            b = storeAndReadBack(repo, data);
        }
        assertNotEquals(a.id(), b.id());
        assertNotEquals(TestRepositories.sha256(data), a.id().hex());
    }

    @Test
    void storingTheSameDataTwiceAddsItOnce() {
        Path dir = tmp.resolve("r");
        try (Repository repo = TestRepositories.create(service, dir);
                BackupWriter w = repo.startBackup(BackupRequest.of("d", "test", 2L * SMALL_CHUNK))) {
            byte[] data = TestRepositories.random(SMALL_CHUNK, 5);
            ByteBuffer first = ByteBuffer.wrap(data);
            StoredChunk one = w.store(first);
            assertEquals(first.limit(), first.position());
            ByteBuffer direct = ByteBuffer.allocateDirect(SMALL_CHUNK).put(data).flip();
            StoredChunk two = w.store(direct);
            assertEquals(one.id(), two.id());
            assertTrue(one.added());
            assertFalse(two.added());
            assertEquals(0, two.storedBytes());
            w.put(0, Optional.of(one.id()));
            w.put(1, Optional.of(two.id()));
            BackupInfo info = w.commit(2L * SMALL_CHUNK, "full");
            assertEquals(1, info.stats().newChunks());
            assertEquals(1, TestRepositories.countChunkFiles(dir));
        }
        // a later writer finds the chunk on disk even without the in-memory cache
        try (Repository repo = service.open(dir, PASSWORD);
                BackupWriter w = repo.startBackup(BackupRequest.of("e", "test", SMALL_CHUNK))) {
            assertFalse(w.store(ByteBuffer.wrap(TestRepositories.random(SMALL_CHUNK, 5))).added());
        }
    }

    @Test
    void twoWritersStoringTheSameChunkInParallelBothSucceed() throws Exception {
        Path dir = tmp.resolve("r");
        byte[] data = TestRepositories.compressible(SMALL_CHUNK, 6);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (Repository repo = TestRepositories.create(service, dir)) {
            CyclicBarrier barrier = new CyclicBarrier(2);
            List<Future<StoredChunk>> results = new ArrayList<>();
            List<BackupWriter> writers = List.of(
                    repo.startBackup(BackupRequest.of("one", "test", SMALL_CHUNK)),
                    repo.startBackup(BackupRequest.of("two", "test", SMALL_CHUNK)));
            for (BackupWriter w : writers) {
                results.add(pool.submit(() -> {
                    barrier.await();
                    StoredChunk c = w.store(ByteBuffer.wrap(data));
                    w.put(0, Optional.of(c.id()));
                    w.commit(SMALL_CHUNK, "full");
                    w.close();
                    return c;
                }));
            }
            StoredChunk a = results.get(0).get();
            StoredChunk b = results.get(1).get();
            assertEquals(a.id(), b.id());
            assertEquals(1, (a.added() ? 1 : 0) + (b.added() ? 1 : 0), "exactly one of them wrote the chunk");
            assertEquals(1, TestRepositories.countChunkFiles(dir));
            assertEquals(2, repo.backups().size());
            assertTrue(repo.verify(List.of(), io.ferry.api.repository.ProgressListener.NONE).ok());
            for (BackupInfo b2 : repo.backups()) {
                assertEquals(TestRepositories.sha256(data), TestRepositories.sha256(TestRepositories.restore(repo, b2.id())));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void chunksOfTheWrongSizeAreRefused() {
        try (Repository repo = TestRepositories.create(service, tmp.resolve("r"));
                BackupWriter w = repo.startBackup(BackupRequest.of("d", "test", 4L * SMALL_CHUNK))) {
            assertThrows(ValidationException.class, () -> w.store(ByteBuffer.allocate(SMALL_CHUNK + 1)));
            assertThrows(ValidationException.class, () -> w.store(ByteBuffer.allocate(0)));
            assertThrows(ValidationException.class, () -> w.put(4, Optional.empty()));
        }
    }

    @Test
    void theDefaultFourMebibyteChunksRoundTripAnImage() {
        Path dir = tmp.resolve("big");
        service.init(dir, PASSWORD, InitOptions.defaults().withKdfIterations(100_000));
        try (Repository repo = service.open(dir, PASSWORD)) {
            int cs = InitOptions.DEFAULT_CHUNK_SIZE;
            byte[] image = TestRepositories.image(4, cs, 777_777, 7);
            BackupInfo info = TestRepositories.backup(repo, "vm/disk0", image, false);
            assertEquals(5, info.chunkCount());
            assertEquals(cs, info.stats().zeroBytes());
            assertEquals(TestRepositories.sha256(image), TestRepositories.sha256(TestRepositories.restore(repo, info.id())));
            assertTrue(repo.verify(List.of(), io.ferry.api.repository.ProgressListener.NONE).ok());
        }
    }

    private static long fileSize(Path repo, StoredChunk c) {
        try {
            return Files.size(TestRepositories.chunkFile(repo, c.id().hex()));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
