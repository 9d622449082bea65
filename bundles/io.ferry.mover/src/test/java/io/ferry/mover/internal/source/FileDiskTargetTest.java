package io.ferry.mover.internal.source;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.ConflictException;
import io.ferry.api.NotFoundException;
import io.ferry.api.ValidationException;
import io.ferry.api.mover.DiskSource;
import io.ferry.api.mover.DiskSources;
import io.ferry.api.mover.DiskTarget;
import io.ferry.api.mover.Extent;
import io.ferry.api.mover.SourceOptions;
import io.ferry.mover.internal.testing.Images;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileDiskTargetTest {

    private static final int MIB = Images.MIB;

    private final DiskSources sources = new DiskSourcesImpl();

    @TempDir
    Path dir;

    @Test
    void alignedWritesBypassThePageCacheAndMixWithUnalignedOnes() throws IOException {
        Path path = dir.resolve("mixed.raw");
        long size = 8L * MIB + 1000; // an unaligned tail, as disks of odd sizes have
        byte[] aligned = randomBytes(2 * MIB, 7);
        byte[] odd = randomBytes(5000, 8);
        byte[] tail = randomBytes(1000, 9);
        try (DiskTarget target = sources.create(path.toString(), size, false, SourceOptions.defaults())) {
            target.write(FileDiskSourceTest.aligned(2 * MIB).put(aligned).flip(), 4L * MIB);
            target.write(ByteBuffer.wrap(odd), 12345);                       // heap, unaligned
            target.write(FileDiskSourceTest.aligned(4096).put(tail).flip(), 8L * MIB); // short tail
            System.out.println("O_DIRECT writes on " + dir + ": " + ((FileDiskTarget) target).writesDirect());
            target.flush();
        }
        byte[] written = Files.readAllBytes(path);
        assertEquals(size, written.length);
        assertArrayEquals(aligned, Arrays.copyOfRange(written, 4 * MIB, 6 * MIB));
        assertArrayEquals(odd, Arrays.copyOfRange(written, 12345, 12345 + 5000));
        assertArrayEquals(tail, Arrays.copyOfRange(written, 8 * MIB, 8 * MIB + 1000));
        assertTrue(isZero(written, 6 * MIB, 8 * MIB) && isZero(written, 0, 12345));
    }

    @Test
    void aNewTargetIsSparseAndKeepsHolesWhereNothingWasWritten() throws IOException {
        Path path = dir.resolve("restored.raw");
        byte[] data = randomBytes(MIB, 1);
        try (DiskTarget target = sources.create(path.toString(), 16L * MIB, false, SourceOptions.defaults())) {
            assertTrue(target.unwrittenReadsAsZero());
            assertEquals(16L * MIB, target.size());
            target.write(FileDiskSourceTest.aligned(MIB).put(data).flip(), 10L * MIB);
            target.flush();
        }

        assertEquals(16L * MIB, Files.size(path));
        long allocated = Images.allocatedBytes(path);
        assertTrue(allocated >= MIB && allocated < 2L * MIB, "only the written MiB is allocated: " + allocated);
        byte[] written = Files.readAllBytes(path);
        assertArrayEquals(data, Arrays.copyOfRange(written, 10 * MIB, 11 * MIB));
        assertTrue(isZero(written, 0, 10 * MIB) && isZero(written, 11 * MIB, 16 * MIB));
    }

    @Test
    void zeroPunchesAHoleIntoWrittenData() throws IOException {
        Path path = dir.resolve("punched.raw");
        try (DiskTarget target = sources.create(path.toString(), 8L * MIB, false, SourceOptions.defaults())) {
            target.write(ByteBuffer.wrap(randomBytes(8 * MIB, 2)), 0);
            target.flush();
            long before = Images.allocatedBytes(path);

            target.zero(MIB, 3L * MIB);
            target.flush();

            assertTrue(Images.allocatedBytes(path) <= before - 3L * MIB, "the zeroed range is deallocated");
        }
        byte[] content = Files.readAllBytes(path);
        assertTrue(isZero(content, MIB, 4 * MIB));
        assertFalse(isZero(content, 0, MIB));
        assertFalse(isZero(content, 4 * MIB, 8 * MIB));
    }

    @Test
    void anExistingFileIsRefusedWithoutOverwriteAndLeftAlone() throws IOException {
        Path path = Files.write(dir.resolve("precious.raw"), randomBytes(MIB, 3));

        ConflictException e = assertThrows(ConflictException.class,
                () -> sources.create(path.toString(), 8L * MIB, false, SourceOptions.defaults()));

        assertEquals("Restore target " + path + " already exists: choose a new path or pass overwrite (--overwrite)"
                + " to replace it", e.getMessage());
        assertArrayEquals(randomBytes(MIB, 3), Files.readAllBytes(path));
    }

    @Test
    void overwritingAnExistingFileStartsFromAnEmptySparseFile() throws IOException {
        Path path = Files.write(dir.resolve("old.raw"), randomBytes(4 * MIB, 4));

        try (DiskTarget target = sources.create(path.toString(), 16L * MIB, true, SourceOptions.defaults())) {
            assertTrue(target.unwrittenReadsAsZero());
            target.write(ByteBuffer.wrap(new byte[] {1, 2, 3}), 15L * MIB);
        }

        assertEquals(16L * MIB, Files.size(path));
        byte[] content = Files.readAllBytes(path);
        assertTrue(isZero(content, 0, 15 * MIB), "the old data is gone");
        assertTrue(Images.allocatedBytes(path) <= 64 * 1024);
    }

    @Test
    void aMissingDirectoryIsNamed() {
        Path path = dir.resolve("no/such/dir/restored.raw");

        NotFoundException e = assertThrows(NotFoundException.class,
                () -> sources.create(path.toString(), MIB, false, SourceOptions.defaults()));

        assertEquals("Cannot create restore target " + path + ": the directory " + path.getParent()
                + " does not exist (create it first)", e.getMessage());
    }

    @Test
    void aCharacterDeviceIsNotATarget() {
        ValidationException e = assertThrows(ValidationException.class,
                () -> sources.create("/dev/null", MIB, true, SourceOptions.defaults()));

        assertTrue(e.getMessage().contains("/dev/null is neither a regular file nor a block device"), e.getMessage());
    }

    @Test
    void writesBeyondTheSizeAreRefused() throws IOException {
        try (DiskTarget target = sources.create(dir.resolve("small.raw").toString(), MIB, false,
                SourceOptions.defaults())) {
            IOException e = assertThrows(IOException.class, () -> target.write(ByteBuffer.allocate(4096), MIB - 100));

            assertTrue(e.getMessage().contains("at offset " + (MIB - 100)), e.getMessage());
        }
    }

    @Test
    void readOnlyAndHeapBuffersCanBeWritten() throws IOException {
        Path path = dir.resolve("buffers.raw");
        byte[] data = randomBytes(3 * MIB + 5, 5);
        try (DiskTarget target = sources.create(path.toString(), 8L * MIB, false, SourceOptions.defaults())) {
            ByteBuffer readOnlyDirect = ByteBuffer.allocateDirect(data.length).put(data).flip().asReadOnlyBuffer();
            target.write(readOnlyDirect, 0);
            target.write(ByteBuffer.wrap(data).asReadOnlyBuffer(), 4L * MIB);
            assertFalse(readOnlyDirect.hasRemaining());
        }
        byte[] content = Files.readAllBytes(path);
        assertArrayEquals(data, Arrays.copyOfRange(content, 0, data.length));
        assertArrayEquals(data, Arrays.copyOfRange(content, 4 * MIB, 4 * MIB + data.length));
    }

    @Test
    void aSizeOfZeroIsRefused() {
        ValidationException e = assertThrows(ValidationException.class,
                () -> sources.create(dir.resolve("x.raw").toString(), 0, false, SourceOptions.defaults()));

        assertEquals("size", e.field());
    }

    @Test
    void copyingTheTestImageExtentByExtentGivesTheSameSha256() throws IOException {
        Path image = Images.raw(dir.resolve("disk.raw"));
        Path copy = dir.resolve("copy.raw");
        try (DiskSource source = sources.open(image.toString(), SourceOptions.defaults());
                DiskTarget target = sources.create(copy.toString(), source.size(), false, SourceOptions.defaults())) {
            ByteBuffer buffer = FileDiskSourceTest.aligned(4 * MIB);
            for (long chunk = 0; chunk < source.size(); chunk += 4 * MIB) {
                long length = Math.min(4L * MIB, source.size() - chunk);
                for (Extent extent : source.extents(chunk, length)) {
                    if (extent.type().readsAsZero()) {
                        continue;
                    }
                    buffer.clear().limit((int) extent.length());
                    source.read(buffer, extent.offset());
                    target.write(buffer.flip(), extent.offset());
                }
            }
            target.flush();
        }

        assertEquals(Images.sha256(image), Images.sha256(copy));
        assertTrue(Images.allocatedBytes(copy) <= Images.allocatedBytes(image), "holes stay holes");
    }

    private static byte[] randomBytes(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static boolean isZero(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
