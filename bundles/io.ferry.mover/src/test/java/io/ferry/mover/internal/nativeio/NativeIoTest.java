package io.ferry.mover.internal.nativeio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.FerryException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NativeIoTest {

    private final NativeIo io = new NativeLibraries().io("test");

    @TempDir
    Path dir;

    @Test
    void failedOpenNamesTheCallThePathAndTheError() {
        Path missing = dir.resolve("missing.raw");

        NativeIoException e = assertThrows(NativeIoException.class, () -> io.open(missing, LibC.O_RDONLY, 0));

        assertEquals("open(" + missing + ", O_RDONLY): No such file or directory (errno 2)", e.getMessage());
        assertEquals(Errno.ENOENT, e.errno());
    }

    @Test
    void aFullDeviceIsReportedAsNoSpaceLeft() throws Exception {
        try (NativeFile full = io.open(Path.of("/dev/full"), LibC.O_WRONLY, 0);
                AlignedBuffer buffer = new AlignedBuffer(4096)) {
            NativeIoException e = assertThrows(NativeIoException.class,
                    () -> full.pwriteFully(buffer.pointer(), 4096, 0));

            assertEquals("pwrite(/dev/full, 4096 bytes at 0): No space left on device (errno 28)", e.getMessage());
            assertTrue(e.noSpace());
        }
    }

    @Test
    void readingPastTheEndOfAFileSaysTheFileIsShorter() throws Exception {
        Path file = Files.write(dir.resolve("short.raw"), new byte[1000]);
        try (NativeFile opened = io.open(file, LibC.O_RDONLY, 0); AlignedBuffer buffer = new AlignedBuffer(8192)) {
            NativeIoException e = assertThrows(NativeIoException.class,
                    () -> opened.preadFully(buffer.pointer(), 4096, 0));

            assertTrue(e.getMessage().startsWith("pread(" + file + ", 4096 bytes at 0): end of file after 1000 bytes"),
                    e.getMessage());
        }
    }

    @Test
    void statTellsFilesFromDirectoriesAndCountsOnlyAllocatedBlocks() throws Exception {
        Path sparse = dir.resolve("sparse.raw");
        try (NativeFile file = io.open(sparse, LibC.O_RDWR | LibC.O_CREAT | LibC.O_EXCL, 0600);
                AlignedBuffer buffer = new AlignedBuffer(4096)) {
            file.truncate(64L << 20);
            buffer.pointer().setMemory(0, 4096, (byte) 7);
            file.pwriteFully(buffer.pointer(), 4096, 1L << 20);
            file.fsync();

            FileStat stat = file.stat();
            assertTrue(stat.isRegularFile());
            assertEquals(64L << 20, stat.size());
            assertTrue(stat.allocatedBytes() >= 4096 && stat.allocatedBytes() <= 64 * 1024, "allocated "
                    + stat.allocatedBytes());
        }
        try (NativeFile directory = io.open(dir, LibC.O_RDONLY, 0)) {
            assertTrue(directory.stat().isDirectory());
            assertFalse(directory.stat().isRegularFile());
        }
    }

    @Test
    void seekDataAndSeekHoleFindTheWrittenBlock() throws Exception {
        Path sparse = dir.resolve("holes.raw");
        try (NativeFile file = io.open(sparse, LibC.O_RDWR | LibC.O_CREAT | LibC.O_EXCL, 0600);
                AlignedBuffer buffer = new AlignedBuffer(8192)) {
            file.truncate(1L << 20);
            file.pwriteFully(buffer.pointer(), 8192, 65536);

            assertEquals(65536, file.seekData(0));
            assertEquals(65536 + 8192, file.seekHole(65536));
            assertEquals(-1, file.seekData(65536 + 8192), "only a hole follows: ENXIO");
        }
    }

    @Test
    void punchedHoleReadsAsZerosAndFreesBlocks() throws Exception {
        Path path = dir.resolve("punch.raw");
        try (NativeFile file = io.open(path, LibC.O_RDWR | LibC.O_CREAT | LibC.O_EXCL, 0600);
                AlignedBuffer buffer = new AlignedBuffer(1 << 20)) {
            buffer.pointer().setMemory(0, 1 << 20, (byte) 0x5a);
            file.pwriteFully(buffer.pointer(), 1 << 20, 0);
            file.fsync();
            long before = file.stat().allocatedBytes();

            file.punchHole(0, 512 * 1024);

            assertEquals(1 << 20, file.stat().size());
            assertTrue(file.stat().allocatedBytes() <= before - 512 * 1024, "blocks freed");
            file.preadFully(buffer.pointer(), 4096, 4096);
            assertEquals(0, buffer.pointer().getByte(100));
        }
    }

    @Test
    void aMissingLibnbdNamesTheDebianPackageAndTheLocation() {
        NativeLibraries natives = new NativeLibraries("c", "nbd-not-installed-for-this-test");

        FerryException e = assertThrows(FerryException.class, () -> natives.nbd("nbd://backup-host/disk0"));

        assertTrue(e.getMessage().startsWith(
                "libnbd is not installed (Debian package libnbd0): cannot open nbd://backup-host/disk0"), e.getMessage());
    }
}
