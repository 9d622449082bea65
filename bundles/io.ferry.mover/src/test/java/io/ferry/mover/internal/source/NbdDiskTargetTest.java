package io.ferry.mover.internal.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.ValidationException;
import io.ferry.api.mover.DiskSource;
import io.ferry.api.mover.DiskSources;
import io.ferry.api.mover.DiskTarget;
import io.ferry.api.mover.Extent;
import io.ferry.api.mover.ExtentType;
import io.ferry.api.mover.SourceOptions;
import io.ferry.mover.internal.testing.DiskDigest;
import io.ferry.mover.internal.testing.Images;
import io.ferry.mover.internal.testing.NbdServer;
import io.ferry.mover.internal.testing.Tools;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NbdDiskTargetTest {

    private static final int MIB = Images.MIB;

    @TempDir
    static Path dir;
    static Path raw;

    @TempDir
    Path work;

    private final DiskSources sources = new DiskSourcesImpl();

    @BeforeAll
    static void makeImage() {
        raw = Images.raw(dir.resolve("disk.raw"));
    }

    @Test
    void restoringToAWritableQcow2ExportGivesAnIdenticalDisk() throws IOException {
        Path qcow2 = Images.emptyQcow2(work.resolve("restored.qcow2"), Images.SIZE);
        try (NbdServer server = NbdServer.qemuNbd(qcow2, "qcow2").writable().start(work)) {
            try (DiskSource source = sources.open(raw.toString(), SourceOptions.defaults());
                    DiskTarget target = sources.create(server.uri(), source.size(), false, SourceOptions.defaults())) {
                assertFalse(target.unwrittenReadsAsZero());
                assertEquals(Images.SIZE, target.size());
                copy(source, target);
                target.flush();
            }
            try (DiskSource readBack = sources.open(server.uri(), SourceOptions.defaults())) {
                assertEquals(Images.sha256(raw), DiskDigest.of(readBack).sha256(), "read back over NBD");
            }
        }

        Tools.run("qemu-img", "compare", "-q", "-f", "raw", "-F", "qcow2", raw.toString(), qcow2.toString());
    }

    @Test
    void zeroClearsOldDataOfTheExport() throws IOException {
        Path qcow2 = Images.convert(raw, "qcow2", work.resolve("old.qcow2"));
        try (NbdServer server = NbdServer.qemuNbd(qcow2, "qcow2").writable().start(work)) {
            try (DiskTarget target = sources.create(server.uri(), Images.SIZE, true, SourceOptions.defaults())) {
                target.zero(0, 8L * MIB);
                target.flush();
            }
            try (DiskSource readBack = sources.open(server.uri(), SourceOptions.defaults())) {
                ByteBuffer buffer = ByteBuffer.allocate(8 * MIB);
                readBack.read(buffer, 0);
                assertTrue(Arrays.equals(new byte[8 * MIB], buffer.array()), "reads as zeros");
                assertTrue(readBack.extents(0, 8L * MIB).stream().allMatch(e -> e.type().readsAsZero()),
                        "and the clusters are not data any more: " + readBack.extents(0, 8L * MIB));
            }
        }
    }

    @Test
    void aReadOnlyExportIsRefused() {
        Path qcow2 = Images.emptyQcow2(work.resolve("ro.qcow2"), Images.SIZE);
        try (NbdServer server = NbdServer.qemuNbd(qcow2, "qcow2").start(work)) {
            ValidationException e = assertThrows(ValidationException.class,
                    () -> sources.create(server.uri(), Images.SIZE, true, SourceOptions.defaults()));

            assertEquals("NBD export " + server.uri() + " is read-only: cannot restore to it (export it writable, e.g."
                    + " qemu-nbd without --read-only)", e.problem());
        }
    }

    @Test
    void anExportSmallerThanTheBackupIsRefused() {
        Path qcow2 = Images.emptyQcow2(work.resolve("small.qcow2"), 64L * MIB);
        try (NbdServer server = NbdServer.qemuNbd(qcow2, "qcow2").writable().start(work)) {
            ValidationException e = assertThrows(ValidationException.class,
                    () -> sources.create(server.uri(), 128L * MIB, true, SourceOptions.defaults()));

            assertEquals("NBD export " + server.uri() + " is 64 MiB, the backup needs 128 MiB: export a larger disk",
                    e.problem());
        }
    }

    @Test
    void aLargerExportIsFineAndWritesStayInside() throws IOException {
        Path qcow2 = Images.emptyQcow2(work.resolve("large.qcow2"), 64L * MIB);
        try (NbdServer server = NbdServer.qemuNbd(qcow2, "qcow2").writable().start(work);
                DiskTarget target = sources.create(server.uri(), 16L * MIB, true, SourceOptions.defaults())) {
            assertEquals(64L * MIB, target.size());
            IOException e = assertThrows(IOException.class, () -> target.write(ByteBuffer.allocate(8192),
                    64L * MIB - 4096));
            assertTrue(e.getMessage().contains(server.uri()), e.getMessage());
        }
    }

    /** What a restore does: DATA is written, the rest zeroed (an NBD export keeps old content otherwise). */
    private static void copy(DiskSource source, DiskTarget target) throws IOException {
        ByteBuffer buffer = FileDiskSourceTest.aligned(4 * MIB);
        for (long chunk = 0; chunk < source.size(); chunk += 4 * MIB) {
            List<Extent> extents = source.extents(chunk, Math.min(4L * MIB, source.size() - chunk));
            for (Extent extent : extents) {
                if (extent.type() == ExtentType.DATA) {
                    source.read(buffer.clear().limit((int) extent.length()), extent.offset());
                    target.write(buffer.flip(), extent.offset());
                } else {
                    target.zero(extent.offset(), extent.length());
                }
            }
        }
    }
}
