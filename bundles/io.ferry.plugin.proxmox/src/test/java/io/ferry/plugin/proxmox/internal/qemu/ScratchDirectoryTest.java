package io.ferry.plugin.proxmox.internal.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.FerryException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 11 point 3: the fleecing scratch root is private and cannot be pre-created by someone else. */
class ScratchDirectoryTest {

    @TempDir
    Path tmp;

    @Test
    void aNewScratchRootIsOwnerOnlyAndAnOldLooseOneIsTightened() throws Exception {
        Path root = ScratchDirectory.secure(tmp.resolve("data/ferry/fleecing"));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(root)));
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        ScratchDirectory.secure(root);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(root)));
    }

    @Test
    void aSymlinkPlantedAtTheScratchRootIsRefused() throws Exception {
        Path elsewhere = Files.createDirectories(tmp.resolve("attacker"));
        Path planted = Files.createSymbolicLink(tmp.resolve("ferry-fleecing-abc"), elsewhere);
        FerryException e = assertThrows(FerryException.class, () -> ScratchDirectory.secure(planted));
        assertTrue(e.getMessage().contains("cannot be trusted: it is not a directory (or is a symlink)"), e.getMessage());
    }
}
