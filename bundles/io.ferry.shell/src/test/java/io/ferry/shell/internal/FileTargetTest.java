package io.ferry.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.FerryException;
import io.ferry.api.ValidationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTargetTest {

    @TempDir
    Path dir;

    @Test
    void relativeNamesAreTakenFromTheShellDirectory() {
        assertEquals(dir.resolve("inv.json"), FileTarget.resolve(dir, "inv.json"));
        assertEquals(dir.resolve("inv.json"), FileTarget.resolve(dir, "./sub/../inv.json"));
        assertEquals(Path.of("/tmp/x.json"), FileTarget.resolve(dir, "/tmp/x.json"));
        assertThrows(ValidationException.class, () -> FileTarget.resolve(dir, " "));
    }

    @Test
    void writesTheContentAndLeavesNoTemporaryFile() throws IOException {
        Path target = dir.resolve("inv.json");
        long size = FileTarget.writeAtomically(target, out -> out.write("{\"servers\":[]}".getBytes(StandardCharsets.UTF_8)));
        assertEquals("{\"servers\":[]}", Files.readString(target));
        assertEquals(14, size);
        assertEquals(1, count(dir));
    }

    @Test
    void aWriterThatClosesTheStreamStillGetsItsDataForcedToDisk() throws IOException {
        Path target = dir.resolve("inv.json");
        FileTarget.writeAtomically(target, out -> {
            out.write('x');
            out.close();
        });
        assertEquals("x", Files.readString(target));
    }

    @Test
    void aFailedWriteKeepsTheOldFileAndRemovesTheTemporaryOne() throws IOException {
        Path target = dir.resolve("inv.json");
        Files.writeString(target, "old");
        FerryException e = assertThrows(FerryException.class, () -> FileTarget.writeAtomically(target, out -> {
            out.write("partial".getBytes(StandardCharsets.UTF_8));
            throw new FerryException("database is gone");
        }));
        assertEquals("database is gone", e.getMessage());
        assertEquals("old", Files.readString(target));
        assertEquals(1, count(dir));
    }

    @Test
    void ioErrorsBecomeOneLineNamingTheFile() {
        Path target = dir.resolve("inv.json");
        FerryException e = assertThrows(FerryException.class,
                () -> FileTarget.writeAtomically(target, out -> {
                    throw new IOException("No space left on device");
                }));
        assertEquals("Cannot write '" + target + "': No space left on device", e.getMessage());
    }

    @Test
    void replacingAFileKeepsItsPermissions() throws IOException {
        Path target = dir.resolve("inv.json");
        Files.writeString(target, "old");
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r-----"));
        FileTarget.writeAtomically(target, out -> out.write('n'));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
    }

    @Test
    void refusesADirectoryOrAMissingDirectory() {
        assertTrue(assertThrows(ValidationException.class, () -> FileTarget.writeAtomically(dir, out -> { }))
                .getMessage().endsWith("is a directory; name a file"));
        assertTrue(assertThrows(ValidationException.class,
                () -> FileTarget.writeAtomically(dir.resolve("nope/inv.json"), out -> { }))
                .getMessage().endsWith("nope' does not exist"));
    }

    @Test
    void readableRefusesMissingFilesAndDirectories() throws IOException {
        assertEquals("FILE: '" + dir.resolve("none.json") + "' does not exist",
                assertThrows(ValidationException.class, () -> FileTarget.readable(dir.resolve("none.json"))).getMessage());
        assertTrue(assertThrows(ValidationException.class, () -> FileTarget.readable(dir)).getMessage()
                .endsWith("is not a regular file"));
        Path file = Files.writeString(dir.resolve("inv.json"), "{}");
        assertEquals(file, FileTarget.readable(file));
    }

    private static long count(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.count();
        }
    }
}
