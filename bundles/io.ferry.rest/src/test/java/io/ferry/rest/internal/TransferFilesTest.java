package io.ferry.rest.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.paths.ConfinedPaths;
import io.ferry.api.paths.PathArea;
import java.io.ByteArrayInputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13: the inventory import's upload and the export are files private to Ferry (0600 in a
 * 0700 directory) inside transfer.roots, where the import reads, and an upload is bounded.
 */
class TransferFilesTest {
    @TempDir
    Path tmp;

    private ConfinedPaths policy(String transferRoots) throws Exception {
        Path etc = Files.createDirectories(tmp.resolve("etc"));
        return ConfinedPaths.fromConfiguration(Map.of(PathArea.TRANSFER_FILES.setting(), transferRoots),
                name -> tmp.resolve("data").toString(), etc);
    }

    @Test
    void filesArePrivateInsideTheFirstWritableTransferRoot() throws Exception {
        Path notADirectory = Files.writeString(tmp.resolve("not-a-directory"), "x"); // no directory can be made in it
        Path writable = tmp.resolve("transfer");
        ConfinedPaths paths = policy(notADirectory + ", " + writable);
        Path file = new TransferFiles(paths).create("import-");
        assertEquals(writable.resolve(TransferFiles.DIRECTORY).toRealPath(), file.getParent());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
        assertEquals(file, paths.require(PathArea.TRANSFER_FILES, file));
    }

    @Test
    void aSymlinkedDirectoryIsRefusedAndNoRootLeftIsAnError() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("transfer"));
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        Files.createSymbolicLink(root.resolve(TransferFiles.DIRECTORY), elsewhere);
        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> new TransferFiles(policy(root.toString())).create("export-"));
        assertTrue(e.getMessage().contains("transfer.roots") && e.getMessage().contains("symbolic link"),
                e.getMessage());
        try (var listed = Files.list(elsewhere)) {
            assertEquals(0, listed.count());
        }
    }

    @Test
    void filesLeftForADayAreRemovedWhenTheNextIsMade() throws Exception {
        Path root = tmp.resolve("transfer");
        TransferFiles files = new TransferFiles(policy(root.toString()));
        Path old = files.create("import-");
        Path recent = files.create("import-");
        Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(Duration.ofHours(25))));
        files.create("export-");
        assertFalse(Files.exists(old));
        assertTrue(Files.exists(recent));
    }

    @Test
    void aCopyIsBoundedAndDigestsWhatItCopied() throws Exception {
        Path file = Files.createFile(tmp.resolve("upload.json"));
        byte[] content = "{\"format\": \"ferry-inventory\"}".getBytes(StandardCharsets.UTF_8);
        byte[] digest = TransferFiles.copy(new ByteArrayInputStream(content), file, content.length);
        assertArrayEquals(content, Files.readAllBytes(file));
        assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(content), digest);
        TransferFiles.TooLargeException e = assertThrows(TransferFiles.TooLargeException.class,
                () -> TransferFiles.copy(new ByteArrayInputStream(new byte[3 * 1024 * 1024]), file, 2 * 1024 * 1024));
        assertEquals("is larger than 2 MiB", e.getMessage());
        assertTrue(Files.size(file) <= 2 * 1024 * 1024);
    }
}
