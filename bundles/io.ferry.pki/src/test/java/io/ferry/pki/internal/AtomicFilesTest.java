package io.ferry.pki.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path dir;

    private List<Path> files() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }

    @Test
    void keyIsOwnerOnlyBeforeAByteIsWrittenAndTheTargetAppearsOnlyWhenComplete() throws Exception {
        Path target = dir.resolve("ca.key");
        AtomicFiles.write(target, true, out -> {
            List<Path> during = files();
            assertEquals(1, during.size(), "only the temporary file exists while writing: " + during);
            Path tmp = during.get(0);
            assertTrue(tmp.getFileName().toString().startsWith(".ca.key.") && tmp.toString().endsWith(".tmp"), tmp::toString);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp)));
            assertEquals(0, Files.size(tmp));
            out.write("secret".getBytes());
            assertFalse(Files.exists(target), "no partial target while writing");
        });
        assertEquals("secret", Files.readString(target));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
        assertEquals(List.of(target), files(), "the temporary file is gone");
    }

    @Test
    void failedWriteKeepsTheOldFileAndLeavesNoTemporaryFile() throws Exception {
        Path target = dir.resolve("manager.crt");
        AtomicFiles.write(target, "old".getBytes(), false);
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));

        IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(target, false, out -> {
            out.write("half of the n".getBytes());
            throw new IOException("disk full");
        }));
        assertEquals("disk full", e.getMessage());
        assertEquals("old", Files.readString(target));
        assertEquals(List.of(target), files());
    }

    @Test
    void replacingAKeyKeepsItOwnerOnly() throws Exception {
        Path target = dir.resolve("manager.key");
        AtomicFiles.write(target, "one".getBytes(), true);
        AtomicFiles.write(target, "two".getBytes(), true);
        assertEquals("two", Files.readString(target));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
    }
}
