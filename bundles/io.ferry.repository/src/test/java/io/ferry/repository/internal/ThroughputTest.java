package io.ferry.repository.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.repository.BackupInfo;
import io.ferry.api.repository.BackupRequest;
import io.ferry.api.repository.BackupWriter;
import io.ferry.api.repository.ChunkId;
import io.ferry.api.repository.InitOptions;
import io.ferry.api.repository.Repository;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import net.jpountz.lz4.LZ4Factory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Measurements with 4 MiB chunks, printed for the report and never asserted (the build
 * machine is shared). Single-threaded figures are per CPU-second of the measuring thread,
 * which stays meaningful when other processes compete for the cores; store and read
 * figures are wall time. What is asserted is that the measured data reads back intact.
 */
class ThroughputTest {

    private static final int MIB = 1 << 20;
    private static final int CHUNK = 4 * MIB;
    private static final int CHUNKS_PER_RUN = 10;
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    @TempDir
    Path tmp;

    @Test
    void hmacSha256CostsAboutTheSameAsPlainSha256() throws Exception {
        byte[] data = TestRepositories.random(CHUNK, 1);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(new byte[32], "HmacSHA256"));
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] a = null;
        byte[] b = null;
        for (int round = 0; round < 3; round++) {
            long c0 = CPU.getCurrentThreadCpuTime();
            for (int i = 0; i < 16; i++) {
                a = sha.digest(data);
            }
            long c1 = CPU.getCurrentThreadCpuTime();
            for (int i = 0; i < 16; i++) {
                b = mac.doFinal(data);
            }
            long c2 = CPU.getCurrentThreadCpuTime();
            System.out.printf("[measure] 4 MiB buffers, pass %d: SHA-256 MessageDigest %.0f MB/cpu-s,"
                    + " HMAC-SHA256 %.0f MB/cpu-s%n", round, rate(16L * CHUNK, c1 - c0), rate(16L * CHUNK, c2 - c1));
        }
        assertEquals(32, a.length);
        assertEquals(32, b.length);
    }

    @Test
    void storeAndReadThroughputAfterWarmUp() throws Exception {
        long constructed = System.nanoTime();
        RepositoryServiceImpl service = new RepositoryServiceImpl();
        try {
            service.awaitWarmUp();
            System.out.printf("[measure] AES-GCM warm-up finished %.2f s after the service was constructed%n",
                    (System.nanoTime() - constructed) / 1e9);
            pipelineOnly();
            Path dir = tmp.resolve("r");
            service.init(dir, TestRepositories.PASSWORD, InitOptions.defaults().withKdfIterations(100_000));
            try (Repository repo = service.open(dir, TestRepositories.PASSWORD)) {
                byte[] text = TestRepositories.compressible(CHUNK, 1);
                byte[] noise = TestRepositories.random(CHUNK, 2);
                int seq = 0;
                for (int threads = 1; threads <= 2; threads++) {
                    for (byte[] base : List.of(text, noise)) {
                        String kind = base == text ? "compressible  " : "incompressible";
                        BackupInfo info = storeRun(repo, base, threads, seq++, kind);
                        readRun(repo, info, threads, kind);
                    }
                }
            }
        } finally {
            service.close();
        }
    }

    /**
     * The same store and read runs through the split repository (key side, an in-JVM link that
     * copies every buffer, storage side) against the local path, on one directory: what the split
     * costs before any network.
     */
    @Test
    void storeAndReadThroughALinkInThisJvmAgainstTheLocalPath() throws Exception {
        try (RepositoryServiceImpl service = new RepositoryServiceImpl()) {
            service.awaitWarmUp();
            Path dir = tmp.resolve("split");
            service.init(dir, TestRepositories.PASSWORD, InitOptions.defaults().withKdfIterations(100_000));
            byte[] text = TestRepositories.compressible(CHUNK, 3);
            byte[] noise = TestRepositories.random(CHUNK, 4);
            int seq = 100;
            for (int round = 0; round < 2; round++) {
                for (byte[] base : List.of(text, noise)) {
                    String kind = base == text ? "compressible  " : "incompressible";
                    try (Repository local = service.open(dir, TestRepositories.PASSWORD)) {
                        System.out.println("[measure] local path:");
                        storeRun(local, base, 2, seq++, kind);
                    }
                    try (io.ferry.repository.remote.RepositoryStore store = service.openStore(dir);
                            Repository remote = io.ferry.repository.remote.RemoteRepositories.open(
                                    new CopyingLink(store), TestRepositories.PASSWORD)) {
                        System.out.println("[measure] through a link in this JVM (key side, copies, storage side):");
                        BackupInfo info = storeRun(remote, base, 2, seq++, kind);
                        readRun(remote, info, 2, kind);
                    }
                }
            }
        }
    }

    /** address + LZ4 + AES-GCM in memory, no file I/O: the CPU cost of one chunk. */
    private static void pipelineOnly() throws Exception {
        byte[] material = new byte[64];
        new SecureRandom().nextBytes(material);
        ChunkCodec codec = new ChunkCodec(MasterKeys.fromMaterial(material), CHUNK, LZ4Factory.nativeInstance(),
                new SecureRandom());
        for (int pass = 0; pass < 3; pass++) {
            for (boolean compressible : new boolean[] {true, false}) {
                pipelinePass(codec, pass, compressible);
            }
        }
    }

    private static void pipelinePass(ChunkCodec codec, int pass, boolean compressible) throws Exception {
        {
            ByteBuffer data = ByteBuffer.wrap(compressible ? TestRepositories.compressible(CHUNK, 3)
                    : TestRepositories.random(CHUNK, 4));
            long t0 = CPU.getCurrentThreadCpuTime();
            long stored = 0;
            for (int i = 0; i < 8; i++) {
                data.putInt(0, i);
                stored += codec.seal(codec.address(data), data).length();
            }
            long t1 = CPU.getCurrentThreadCpuTime();
            ByteBuffer back = ByteBuffer.allocate(CHUNK);
            ChunkId id = codec.address(data);
            ByteBuffer sealed = ByteBuffer.allocateDirect(codec.image().remaining()).put(codec.image().duplicate()).flip();
            for (int i = 0; i < 8; i++) {
                codec.image().clear().put(sealed.duplicate()).flip();
                codec.open(id, back.clear());
            }
            long t2 = CPU.getCurrentThreadCpuTime();
            System.out.printf("[measure] in memory, 1 thread, pass %d, %s: id+LZ4+AES-GCM %.0f MB/cpu-s (stored %.1f%%),"
                    + " open+check %.0f MB/cpu-s%n", pass,
                    compressible ? "compressible  " : "incompressible", rate(8L * CHUNK, t1 - t0),
                    100.0 * stored / (8L * CHUNK), rate(8L * CHUNK, t2 - t1));
            assertEquals(data, back.flip());
        }
    }

    private static BackupInfo storeRun(Repository repo, byte[] base, int threads, int seq, String kind)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (BackupWriter w = repo.startBackup(BackupRequest.of("measure-" + seq, "test", (long) CHUNKS_PER_RUN * CHUNK))) {
            AtomicLong stored = new AtomicLong();
            long t0 = System.nanoTime();
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < CHUNKS_PER_RUN; i++) {
                final int index = i;
                futures.add(pool.submit(() -> {
                    byte[] data = base.clone();
                    ByteBuffer.wrap(data).putInt(0, seq).putInt(4, index); // distinct chunks, same compressibility
                    var c = w.store(ByteBuffer.wrap(data));
                    stored.addAndGet(c.storedBytes());
                    w.put(index, Optional.of(c.id()));
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
            BackupInfo info = w.commit((long) CHUNKS_PER_RUN * CHUNK, "full");
            long t1 = System.nanoTime();
            System.out.printf("[measure] store()+commit, %d thread(s), %s: %.0f MB/s (stored %.1f%%, fsync per chunk)%n",
                    threads, kind, rate((long) CHUNKS_PER_RUN * CHUNK, t1 - t0),
                    100.0 * stored.get() / ((long) CHUNKS_PER_RUN * CHUNK));
            assertEquals(CHUNKS_PER_RUN, info.stats().newChunks());
            return info;
        } finally {
            pool.shutdownNow();
        }
    }

    private static void readRun(Repository repo, BackupInfo info, int threads, String kind) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (var reader = repo.openBackup(info.id())) {
            long t0 = System.nanoTime();
            List<Future<Boolean>> futures = new ArrayList<>();
            for (int i = 0; i < CHUNKS_PER_RUN; i++) {
                final int index = i;
                futures.add(pool.submit(() -> {
                    ChunkId id = reader.chunk(index).orElseThrow();
                    ByteBuffer dst = ByteBuffer.allocate(CHUNK);
                    reader.read(id, dst);
                    return dst.position() == CHUNK && dst.getInt(4) == index;
                }));
            }
            for (Future<Boolean> f : futures) {
                assertTrue(f.get());
            }
            long t1 = System.nanoTime();
            System.out.printf("[measure] read(), %d thread(s), %s: %.0f MB/s (decrypt+LZ4+id check, page cache)%n",
                    threads, kind, rate((long) CHUNKS_PER_RUN * CHUNK, t1 - t0));
        } finally {
            pool.shutdownNow();
        }
    }

    private static double rate(long bytes, long nanos) {
        return bytes * 1e3 / nanos;
    }
}
