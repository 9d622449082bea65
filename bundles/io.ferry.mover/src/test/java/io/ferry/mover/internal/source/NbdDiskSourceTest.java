package io.ferry.mover.internal.source;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.FerryException;
import io.ferry.api.mover.DiskSource;
import io.ferry.api.mover.DiskSources;
import io.ferry.api.mover.Extent;
import io.ferry.api.mover.ExtentType;
import io.ferry.api.mover.SourceOptions;
import io.ferry.mover.internal.testing.DiskDigest;
import io.ferry.mover.internal.testing.Images;
import io.ferry.mover.internal.testing.NbdServer;
import io.ferry.mover.internal.testing.Tools;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class NbdDiskSourceTest {

    private static final int MIB = Images.MIB;

    @TempDir
    static Path dir;
    static Path raw;
    static String rawSha256;
    static byte[] content;

    private final DiskSources sources = new DiskSourcesImpl();

    @BeforeAll
    static void makeImages() throws IOException {
        raw = Images.raw(dir.resolve("disk.raw"));
        rawSha256 = Images.sha256(raw);
        content = Files.readAllBytes(raw);
        for (String format : List.of("qcow2", "vmdk", "vhdx")) {
            Images.convert(raw, format, dir.resolve("disk." + format));
            assertEquals(Images.SIZE, Images.virtualSize(dir.resolve("disk." + format), format), format + " size");
        }
    }

    /** Name, server, and whether the server reports allocation (qemu 7.2's vhdx driver has no block status). */
    static Stream<Arguments> servers() {
        return Stream.of(
                Arguments.of("raw via nbdkit, unix socket", NbdServer.nbdkit(dir.resolve("disk.raw")), true),
                Arguments.of("qcow2 via qemu-nbd, unix socket", NbdServer.qemuNbd(dir.resolve("disk.qcow2"), "qcow2"),
                        true),
                Arguments.of("vmdk via qemu-nbd, unix socket", NbdServer.qemuNbd(dir.resolve("disk.vmdk"), "vmdk"),
                        true),
                Arguments.of("vhdx via qemu-nbd, unix socket", NbdServer.qemuNbd(dir.resolve("disk.vhdx"), "vhdx"),
                        false),
                Arguments.of("qcow2 via qemu-nbd, 127.0.0.1",
                        NbdServer.qemuNbd(dir.resolve("disk.qcow2"), "qcow2").overTcp(), true),
                Arguments.of("raw via nbdkit, 127.0.0.1", NbdServer.nbdkit(dir.resolve("disk.raw")).overTcp(), true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("servers")
    void readingTheDataExtentsReproducesTheImageAndHolesAreNotRead(String name, NbdServer.Spec spec,
            boolean reportsAllocation) throws IOException {
        try (NbdServer server = spec.start(dir);
                DiskSource source = sources.open(server.uri(), SourceOptions.defaults())) {
            assertEquals(Images.SIZE, source.size());
            assertEquals(server.uri(), source.description());

            DiskDigest digest = DiskDigest.of(source);

            assertEquals(rawSha256, digest.sha256(), name);
            for (Extent hole : Images.CERTAIN_HOLES) {
                List<Extent> extents = source.extents(hole.offset(), hole.length());
                if (reportsAllocation) {
                    assertTrue(extents.stream().allMatch(e -> e.type().readsAsZero()), name + ": " + extents
                            + " lie in a hole of the image");
                } else {
                    assertEquals(List.of(new Extent(hole.offset(), hole.length(), ExtentType.DATA)), extents);
                }
            }
            System.out.printf("%s: read %d of %d bytes%n", name, digest.bytesRead(), source.size());
        }
    }

    @Test
    void unallocatedQcow2ClustersAreHolesAndZeroFilledDataIsNotStored() throws IOException {
        try (NbdServer server = NbdServer.qemuNbd(dir.resolve("disk.qcow2"), "qcow2").start(dir);
                DiskSource source = sources.open(server.uri(), SourceOptions.defaults())) {
            assertEquals(List.of(new Extent(10L * MIB, 6L * MIB, ExtentType.HOLE)), source.extents(10L * MIB, 6L * MIB));
            // qemu-img convert does not allocate the written zeros of [16 MiB, 20 MiB + 512).
            assertEquals(List.of(new Extent(16L * MIB, 4L * MIB, ExtentType.HOLE)), source.extents(16L * MIB, 4L * MIB));
            assertEquals(List.of(new Extent(0, 4L * MIB, ExtentType.DATA)), source.extents(0, 4L * MIB));
        }
    }

    @Test
    void preallocatedButUnwrittenClustersAreZeroExtents() throws IOException {
        Path preallocated = dir.resolve("preallocated.qcow2");
        Tools.run("qemu-img", "create", "-q", "-f", "qcow2", "-o",
                "preallocation=metadata", preallocated.toString(), "8M");
        try (NbdServer server = NbdServer.qemuNbd(preallocated, "qcow2").start(dir);
                DiskSource source = sources.open(server.uri(), SourceOptions.defaults())) {
            assertEquals(List.of(new Extent(0, 8L * MIB, ExtentType.ZERO)), source.extents(0, 8L * MIB));
        }
    }

    @Test
    void aRawFileViaNbdkitHasTheFileSystemsHoles() throws IOException {
        try (NbdServer server = NbdServer.nbdkit(raw).start(dir);
                DiskSource source = sources.open(server.uri(), SourceOptions.defaults())) {
            assertEquals(Images.rawExtents(4096), source.extents(0, source.size()));
        }
    }

    @Test
    void extentsOfADiskOver4GiBAreAskedInPiecesBelow4GiB() throws IOException {
        Path big = dir.resolve("big.raw");
        long size = 9L << 30;
        Images.sparse(Files.createFile(big), size);
        Images.applyToRaw(big, new Images.Write((5L << 30) + 100, 1, 1));
        try (NbdServer server = NbdServer.nbdkit(big).start(dir);
                DiskSource source = sources.open(server.uri(), SourceOptions.defaults())) {
            assertEquals(List.of(new Extent(0, 5L << 30, ExtentType.HOLE),
                    new Extent(5L << 30, 4096, ExtentType.DATA),
                    new Extent((5L << 30) + 4096, (4L << 30) - 4096, ExtentType.HOLE)), source.extents(0, size));
        } finally {
            Files.delete(big);
        }
    }

    @Test
    void largeReadsAreSplitIntoRequestsTheServerAcceptsAndHeapBuffersWork() throws IOException {
        try (NbdServer server = NbdServer.qemuNbd(raw, "raw").start(dir);
                DiskSource source = sources.open(server.uri(), SourceOptions.defaults())) {
            ByteBuffer everything = ByteBuffer.allocateDirect((int) Images.SIZE);
            source.read(everything, 0);
            ByteBuffer heap = ByteBuffer.allocate(9 * MIB + 3);
            source.read(heap, 12345);

            assertTrue(everything.flip().equals(ByteBuffer.wrap(content)), "40 MiB in one read (> 32 MiB)");
            assertArrayEquals(FileDiskSourceTest.bytes(ByteBuffer.wrap(content, 12345, 9 * MIB + 3)),
                    heap.array());
        }
    }

    @Test
    void fourReadersUseFourConnectionsAtOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (NbdServer server = NbdServer.qemuNbd(dir.resolve("disk.qcow2"), "qcow2").start(dir);
                DiskSource source = sources.open(server.uri(), SourceOptions.defaults())) {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int round = 0; round < 3; round++) {
                for (long offset = 0; offset < Images.SIZE; offset += MIB) {
                    long at = offset;
                    results.add(pool.submit(() -> {
                        int length = (int) Math.min(MIB, Images.SIZE - at);
                        ByteBuffer buffer = FileDiskSourceTest.aligned(length);
                        source.read(buffer, at);
                        source.extents(at, length);
                        return buffer.flip().equals(ByteBuffer.wrap(content, (int) at, length));
                    }));
                }
            }
            for (Future<Boolean> result : results) {
                assertTrue(result.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aServerKilledWhileReadingFailsTheReadWithTheSourceAndOffset() throws Exception {
        ExecutorService reader = Executors.newSingleThreadExecutor();
        try (NbdServer server = NbdServer.qemuNbd(raw, "raw").start(dir);
                DiskSource source = sources.open(server.uri(), SourceOptions.defaults())) {
            CountDownLatch reading = new CountDownLatch(1);
            Future<?> loop = reader.submit(() -> {
                ByteBuffer buffer = FileDiskSourceTest.aligned(4 * MIB);
                while (true) {
                    for (long offset = 0; offset + 4 * MIB <= Images.SIZE; offset += 4 * MIB) {
                        source.read(buffer.clear(), offset);
                        reading.countDown();
                    }
                }
            });
            assertTrue(reading.await(20, TimeUnit.SECONDS), "reads started");

            server.kill();

            ExecutionException failure = assertThrows(ExecutionException.class, () -> loop.get(30, TimeUnit.SECONDS));
            IOException e = (IOException) failure.getCause();
            assertTrue(e.getMessage().startsWith("NBD source " + server.uri() + ": read of 4194304 bytes at offset "),
                    e.getMessage());
            System.out.println("server killed: " + e.getMessage());

            IOException next = assertThrows(IOException.class, () -> source.read(ByteBuffer.allocate(4096), 0));
            assertTrue(next.getMessage().contains(server.uri()), next.getMessage());
        } finally {
            reader.shutdownNow();
        }
    }

    @Test
    void noServerAtTheSocketIsAClearError() {
        String uri = "nbd+unix:///?socket=" + dir.resolve("nobody-listens.sock");

        FerryException e = assertThrows(FerryException.class, () -> sources.open(uri, SourceOptions.defaults()));

        assertTrue(e.getMessage().startsWith("Cannot open NBD source " + uri + ": nbd_aio_connect_uri(" + uri + "): "),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("(is the NBD server running, and is the address right?)"), e.getMessage());
    }

    @Test
    void anExportWithoutBitmapHasNoChangedBlockTracking() throws IOException {
        try (NbdServer server = NbdServer.nbdkit(raw).start(dir);
                DiskSource source = sources.open(server.uri(), SourceOptions.defaults())) {
            assertEquals(Optional.empty(), source.changedBlockTracking());
            assertThrows(IllegalStateException.class, () -> source.changed(0, MIB));
        }
    }

    @Test
    void readThroughputFileVersusNbd() throws IOException {
        try (NbdServer kit = NbdServer.nbdkit(raw).start(dir);
                NbdServer qemu = NbdServer.qemuNbd(dir.resolve("disk.qcow2"), "qcow2").start(dir)) {
            for (String location : List.of(raw.toString(), kit.uri(), qemu.uri())) {
                try (DiskSource source = sources.open(location, SourceOptions.defaults())) {
                    double best = Double.MAX_VALUE;
                    long bytes = 0;
                    for (int pass = 0; pass < 3; pass++) {
                        long start = System.nanoTime();
                        bytes = readAllData(source);
                        best = Math.min(best, (System.nanoTime() - start) / 1e9);
                    }
                    System.out.printf("throughput %-8s %7.1f MB/s (%d data bytes in 4 MiB reads, best of 3: %.3f s)"
                            + " %s%n", location.startsWith("/") ? "file" : location.equals(kit.uri()) ? "nbdkit"
                                    : "qemu-nbd", bytes / best / 1e6, bytes, best, location);
                }
            }
        }
    }

    private static long readAllData(DiskSource source) throws IOException {
        ByteBuffer buffer = FileDiskSourceTest.aligned(4 * MIB);
        long bytes = 0;
        for (long chunk = 0; chunk < source.size(); chunk += 4 * MIB) {
            for (Extent extent : source.extents(chunk, Math.min(4L * MIB, source.size() - chunk))) {
                if (!extent.type().readsAsZero()) {
                    source.read(buffer.clear().limit((int) extent.length()), extent.offset());
                    bytes += extent.length();
                }
            }
        }
        return bytes;
    }
}
