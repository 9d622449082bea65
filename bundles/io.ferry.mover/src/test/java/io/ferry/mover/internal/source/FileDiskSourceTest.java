package io.ferry.mover.internal.source;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.NotFoundException;
import io.ferry.api.ValidationException;
import io.ferry.api.mover.DiskSource;
import io.ferry.api.mover.DiskSources;
import io.ferry.api.mover.Extent;
import io.ferry.api.mover.ExtentType;
import io.ferry.api.mover.SourceOptions;
import io.ferry.mover.internal.testing.Images;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileDiskSourceTest {

    private static final int MIB = Images.MIB;

    @TempDir
    static Path dir;
    static Path image;
    static byte[] content;

    private final DiskSources sources = new DiskSourcesImpl();

    @BeforeAll
    static void makeImage() throws IOException {
        image = Images.raw(dir.resolve("disk.raw"));
        content = Files.readAllBytes(image);
    }

    @Test
    void extentsAreTheHolesAndDataOfTheFile() throws IOException {
        try (DiskSource source = sources.open(image.toString(), SourceOptions.defaults())) {
            assertEquals(Images.SIZE, source.size());
            assertEquals(Images.rawExtents(4096), source.extents(0, source.size()));
        }
    }

    @Test
    void extentsOfARangeAreClippedToItWithoutGaps() throws IOException {
        try (DiskSource source = sources.open(image.toString(), SourceOptions.defaults())) {
            List<Extent> extents = source.extents(8L * MIB, 4L * MIB);

            assertEquals(List.of(new Extent(8L * MIB, MIB + 4096, ExtentType.DATA),
                    new Extent(9L * MIB + 4096, 3L * MIB - 4096, ExtentType.HOLE)), extents);
            assertEquals(List.of(new Extent(36L * MIB, 4L * MIB, ExtentType.HOLE)), source.extents(36L * MIB, 4L * MIB));
            assertEquals(List.of(), source.extents(Images.SIZE, 0));
        }
    }

    @Test
    void extentsOutsideTheDiskAreAProgrammingError() throws IOException {
        try (DiskSource source = sources.open(image.toString(), SourceOptions.defaults())) {
            assertThrows(IllegalArgumentException.class, () -> source.extents(Images.SIZE - 10, 11));
        }
    }

    @Test
    void alignedReadsUseDirectIoAndMatchTheFile() throws IOException {
        try (FileDiskSource source = (FileDiskSource) sources.open(image.toString(), SourceOptions.defaults())) {
            assertTrue(source.usesDirectIo());
            ByteBuffer buffer = aligned(4 * MIB);

            source.read(buffer, 4L * MIB);

            assertFalse(buffer.hasRemaining(), "position advanced to the limit");
            assertArrayEquals(expected(4L * MIB, 4 * MIB), bytes(buffer.flip()));
            assertEquals(4L * MIB, source.directBytesRead());
            assertEquals(0, source.bufferedBytesRead());
        }
    }

    @Test
    void theUnalignedTailAtTheEndOfTheDiskIsReadThroughThePageCache() throws IOException {
        try (FileDiskSource source = (FileDiskSource) sources.open(image.toString(), SourceOptions.defaults())) {
            long lastChunk = 40L * MIB;
            int length = (int) (Images.SIZE - lastChunk);
            ByteBuffer buffer = aligned(length);

            source.read(buffer, lastChunk);

            assertArrayEquals(expected(lastChunk, length), bytes(buffer.flip()));
            assertEquals(length / 4096 * 4096, source.directBytesRead());
            assertEquals(length % 4096, source.bufferedBytesRead());
        }
    }

    @Test
    void unalignedOffsetsHeapBuffersAndMisalignedDirectBuffersReadCorrectly() throws IOException {
        try (FileDiskSource source = (FileDiskSource) sources.open(image.toString(), SourceOptions.defaults())) {
            long[][] ranges = {{12345, 3 * MIB}, {4096 * 3, MIB + 777}, {Images.SIZE - 5000, 5000}, {5L * MIB, 1},
                {0, 4096}};
            for (long[] range : ranges) {
                int length = (int) range[1];
                ByteBuffer heap = ByteBuffer.allocate(length + 10).position(10);
                ByteBuffer misaligned = aligned(length + 1).position(1);

                source.read(heap, range[0]);
                source.read(misaligned, range[0]);

                String what = "read of " + length + " at " + range[0];
                assertArrayEquals(expected(range[0], length), bytes(heap.position(10)), what + " into a heap buffer");
                assertArrayEquals(expected(range[0], length), bytes(misaligned.position(1)),
                        what + " into a misaligned direct buffer");
            }
            assertTrue(source.directBytesRead() > 0, "the aligned middle parts still use O_DIRECT");
        }
    }

    @Test
    void withoutDirectIoEverythingGoesThroughThePageCache() throws IOException {
        try (FileDiskSource source = (FileDiskSource) sources.open(image.toString(),
                SourceOptions.defaults().withDirectIo(false))) {
            ByteBuffer buffer = aligned(4 * MIB);

            source.read(buffer, 0);

            assertArrayEquals(expected(0, 4 * MIB), bytes(buffer.flip()));
            assertEquals(0, source.directBytesRead());
            assertEquals(4L * MIB, source.bufferedBytesRead());
        }
    }

    @Test
    void fourThreadsReadingAtOnceGetTheirOwnData() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (DiskSource source = sources.open(image.toString(), SourceOptions.defaults())) {
            assertEquals(4, source.maxParallelReads());
            List<Future<Boolean>> results = new ArrayList<>();
            for (long offset = 0; offset < Images.SIZE; offset += MIB) {
                long at = offset;
                results.add(pool.submit(() -> {
                    int length = (int) Math.min(MIB, Images.SIZE - at);
                    ByteBuffer buffer = at % (2 * MIB) == 0 ? ByteBuffer.allocate(length)
                            : aligned(length);
                    source.read(buffer, at);
                    return Arrays.equals(expected(at, length), bytes(buffer.flip()));
                }));
            }
            for (Future<Boolean> result : results) {
                assertTrue(result.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aReadBeyondTheEndNamesTheSourceAndOffset() throws IOException {
        try (DiskSource source = sources.open(image.toString(), SourceOptions.defaults())) {
            IOException e = assertThrows(IOException.class,
                    () -> source.read(ByteBuffer.allocate(8192), Images.SIZE - 4096));

            assertTrue(e.getMessage().contains(image.toString()), e.getMessage());
            assertTrue(e.getMessage().contains("at offset " + (Images.SIZE - 4096)), e.getMessage());
        }
    }

    @Test
    void aLocalFileHasNoChangedBlockTracking() throws IOException {
        try (DiskSource source = sources.open(image.toString(), SourceOptions.defaults())) {
            assertEquals(Optional.empty(), source.changedBlockTracking());
            assertThrows(IllegalStateException.class, () -> source.changed(0, MIB));
        }
    }

    @Test
    void aMissingFileIsNotFoundAndNamesThePath() {
        Path missing = dir.resolve("no-such-disk.raw");

        NotFoundException e = assertThrows(NotFoundException.class,
                () -> sources.open(missing.toString(), SourceOptions.defaults()));

        assertEquals("Disk source " + missing + " does not exist (check the path)", e.getMessage());
    }

    @Test
    void aDirectoryIsNotADisk() {
        ValidationException e = assertThrows(ValidationException.class,
                () -> sources.open(dir.toString(), SourceOptions.defaults()));

        assertTrue(e.getMessage().contains(dir + " is a directory"), e.getMessage());
    }

    @Test
    void aFileUriAndARelativePathOpenTheSameFile() throws IOException {
        try (DiskSource byUri = sources.open(image.toUri().toString(), SourceOptions.defaults())) {
            assertEquals(image.toString(), byUri.description());
            assertEquals(Images.SIZE, byUri.size());
        }
    }

    @Test
    void aDirtyBitmapOnALocalFileIsRefused() {
        ValidationException e = assertThrows(ValidationException.class,
                () -> sources.open(image.toString(), SourceOptions.defaults().withDirtyBitmap("b0")));

        assertEquals("dirtyBitmap", e.field());
    }

    @Test
    void anEmptyFileHasNoExtents() throws IOException {
        Path empty = Files.createFile(dir.resolve("empty.raw"));
        try (DiskSource source = sources.open(empty.toString(), SourceOptions.defaults())) {
            assertEquals(0, source.size());
            assertEquals(List.of(), source.extents(0, 0));
        }
    }

    @Test
    void theMoverCanBuildTheDiskFromExtentsAndReads() throws IOException {
        try (DiskSource source = sources.open(image.toString(), SourceOptions.defaults())) {
            byte[] rebuilt = new byte[(int) source.size()];
            for (Extent extent : source.extents(0, source.size())) {
                if (extent.type().readsAsZero()) {
                    continue;
                }
                ByteBuffer buffer = ByteBuffer.wrap(rebuilt, (int) extent.offset(), (int) extent.length()).slice();
                source.read(buffer, extent.offset());
            }
            assertArrayEquals(content, rebuilt);
        }
    }

    /** A direct buffer of {@code length} bytes at a 4096-aligned address, as the mover allocates them. */
    static ByteBuffer aligned(int length) {
        return ByteBuffer.allocateDirect(length + 8192).alignedSlice(4096).limit(length).slice();
    }

    static byte[] expected(long offset, int length) {
        return Arrays.copyOfRange(content, (int) offset, (int) offset + length);
    }

    static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
