package io.ferry.mover.internal.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.NotFoundException;
import io.ferry.api.mover.DiskSource;
import io.ferry.api.mover.DiskSources;
import io.ferry.api.mover.Extent;
import io.ferry.api.mover.ExtentType;
import io.ferry.api.mover.SourceOptions;
import io.ferry.mover.internal.testing.DiskDigest;
import io.ferry.mover.internal.testing.Images;
import io.ferry.mover.internal.testing.NbdServer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirtyBitmapTest {

    private static final int MIB = Images.MIB;
    private static final String BITMAP = "ferry-1";

    @TempDir
    static Path dir;
    static Images.BitmapImage image;

    private final DiskSources sources = new DiskSourcesImpl();

    @BeforeAll
    static void makeImage() {
        Path raw = Images.raw(dir.resolve("disk.raw"));
        image = Images.withDirtyBitmap(raw, dir, BITMAP, Images.SAMPLE_WRITES);
    }

    @Test
    void changedReturnsExactlyTheWrittenRangesAtTheBitmapGranularity() throws IOException {
        try (NbdServer server = NbdServer.qemuNbd(image.qcow2(), "qcow2").bitmap(BITMAP).start(dir);
                DiskSource source = sources.open(server.uri(), SourceOptions.defaults().withDirtyBitmap(BITMAP))) {
            assertEquals(Optional.of(BITMAP), source.changedBlockTracking());

            List<Extent> changed = source.changed(0, source.size());

            assertEquals(List.of(
                    new Extent(64 * 1024, 64 * 1024, ExtentType.DATA),
                    new Extent(8L * MIB - 64 * 1024, 128 * 1024, ExtentType.DATA),
                    new Extent(24L * MIB, 256 * 1024, ExtentType.DATA)), changed);
            assertEquals(image.expectedChanges(), changed);
        }
    }

    @Test
    void changedRangesAreClippedToTheQuestionPerChunk() throws IOException {
        try (NbdServer server = NbdServer.qemuNbd(image.qcow2(), "qcow2").bitmap(BITMAP).start(dir);
                DiskSource source = sources.open(server.uri(), SourceOptions.defaults().withDirtyBitmap(BITMAP))) {
            assertEquals(List.of(new Extent(8L * MIB - 64 * 1024, 64 * 1024, ExtentType.DATA)),
                    source.changed(4L * MIB, 4L * MIB), "first half of the write across the 8 MiB boundary");
            assertEquals(List.of(new Extent(8L * MIB, 64 * 1024, ExtentType.DATA)), source.changed(8L * MIB, 4L * MIB));
            assertEquals(List.of(), source.changed(12L * MIB, 4L * MIB), "an unchanged chunk");
            assertEquals(List.of(), source.changed(40L * MIB, Images.SIZE - 40L * MIB), "the short last chunk");
        }
    }

    @Test
    void theExportWithTheBitmapReadsAsTheModifiedDisk() throws IOException {
        try (NbdServer server = NbdServer.qemuNbd(image.qcow2(), "qcow2").bitmap(BITMAP).start(dir);
                DiskSource source = sources.open(server.uri(), SourceOptions.defaults().withDirtyBitmap(BITMAP))) {
            assertEquals(Images.sha256(image.modifiedRaw()), DiskDigest.of(source).sha256());

            byte[] expected = Files.readAllBytes(image.modifiedRaw());
            for (Extent extent : source.changed(0, source.size())) {
                ByteBuffer buffer = ByteBuffer.allocate((int) extent.length());
                source.read(buffer, extent.offset());
                assertEquals(ByteBuffer.wrap(expected, (int) extent.offset(), (int) extent.length()), buffer.flip());
            }
        }
    }

    @Test
    void aBitmapTheServerDoesNotOfferIsAClearError() {
        try (NbdServer server = NbdServer.qemuNbd(image.qcow2(), "qcow2").bitmap(BITMAP).start(dir)) {
            NotFoundException e = assertThrows(NotFoundException.class,
                    () -> sources.open(server.uri(), SourceOptions.defaults().withDirtyBitmap("ferry-0")));

            assertTrue(e.getMessage().startsWith("NBD export " + server.uri() + " does not offer dirty bitmap"
                    + " 'ferry-0' (meta context qemu:dirty-bitmap:ferry-0)"), e.getMessage());
        }
    }

    @Test
    void anExportWithoutBitmapsRefusesABitmapSource() {
        try (NbdServer server = NbdServer.qemuNbd(image.qcow2(), "qcow2").start(dir)) {
            NotFoundException e = assertThrows(NotFoundException.class,
                    () -> sources.open(server.uri(), SourceOptions.defaults().withDirtyBitmap(BITMAP)));

            assertTrue(e.getMessage().contains("does not offer dirty bitmap '" + BITMAP + "'"), e.getMessage());
        }
    }

    @Test
    void extentsStillWorkOnABitmapSource() throws IOException {
        try (NbdServer server = NbdServer.qemuNbd(image.qcow2(), "qcow2").bitmap(BITMAP).start(dir);
                DiskSource source = sources.open(server.uri(), SourceOptions.defaults().withDirtyBitmap(BITMAP))) {
            assertEquals(List.of(new Extent(10L * MIB, 6L * MIB, ExtentType.HOLE)), source.extents(10L * MIB, 6L * MIB));
            assertEquals(List.of(new Extent(24L * MIB, 256 * 1024, ExtentType.DATA),
                    new Extent(24L * MIB + 256 * 1024, MIB - 256 * 1024, ExtentType.HOLE)),
                    source.extents(24L * MIB, MIB), "the write into a hole allocated clusters");
        }
    }
}
