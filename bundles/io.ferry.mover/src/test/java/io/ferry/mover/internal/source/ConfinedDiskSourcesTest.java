package io.ferry.mover.internal.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.mover.DiskSource;
import io.ferry.api.mover.DiskSources;
import io.ferry.api.mover.DiskTarget;
import io.ferry.api.mover.SourceOptions;
import io.ferry.api.paths.ConfinedPaths;
import io.ferry.api.paths.PathNotAllowedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11 point 3 through the service every front end uses: disk locations (also those an
 * imported inventory carries, checked when a job opens them) and restore targets are confined.
 */
class ConfinedDiskSourcesTest {

    @TempDir
    Path tmp;

    private Path data;
    private Path etc;
    private DiskSources sources;

    @BeforeEach
    void setUp() throws Exception {
        data = Files.createDirectories(tmp.resolve("data"));
        etc = Files.createDirectories(tmp.resolve("etc"));
        ConfinedPaths policy = ConfinedPaths.fromConfiguration(Map.of(), name -> data.toString(), etc);
        sources = new DiskSourcesImpl(policy);
        Files.createDirectories(data.resolve("ferry/disks"));
        Files.createDirectories(data.resolve("ferry/restores"));
    }

    @Test
    void etcShadowAsADiskLocationIsRefusedBeforeItIsOpened() {
        PathNotAllowedException e = assertThrows(PathNotAllowedException.class,
                () -> sources.open("/etc/shadow", SourceOptions.defaults()));
        assertEquals("disk.roots", e.setting());
        assertTrue(e.getMessage().contains("Disk source '/etc/shadow' is outside"), e.getMessage());
        assertThrows(PathNotAllowedException.class, () -> sources.open("file:///etc/shadow", SourceOptions.defaults()));
    }

    @Test
    void aRestoreToEtcIsRefusedAndNothingIsCreated() {
        PathNotAllowedException e = assertThrows(PathNotAllowedException.class,
                () -> sources.create("/etc/ferry-restored.raw", 1 << 20, true, SourceOptions.defaults()));
        assertEquals("restore.roots", e.setting());
        assertFalse(Files.exists(Path.of("/etc/ferry-restored.raw")));
        assertThrows(PathNotAllowedException.class, () -> sources.checkTarget("/etc"));
        assertThrows(PathNotAllowedException.class,
                () -> sources.create(etc.resolve("x.raw").toString(), 4096, true, SourceOptions.defaults()));
    }

    @Test
    void aSymlinkInTheDiskRootPointingOutIsRefused() throws Exception {
        Path secret = Files.writeString(tmp.resolve("secret.raw"), "x".repeat(4096));
        Path link = Files.createSymbolicLink(data.resolve("ferry/disks/vm1.raw"), secret);
        PathNotAllowedException e = assertThrows(PathNotAllowedException.class,
                () -> sources.open(link.toString(), SourceOptions.defaults()));
        assertTrue(e.getMessage().contains("which resolves to " + secret), e.getMessage());
        PathNotAllowedException dots = assertThrows(PathNotAllowedException.class,
                () -> sources.open(data.resolve("ferry/disks/../../secret.raw").toString(), SourceOptions.defaults()));
        assertEquals("disk.roots", dots.setting());
    }

    @Test
    void aDiskInsideTheRootOpensAndARestoredImageIsOwnerOnly() throws Exception {
        Path disk = Files.writeString(data.resolve("ferry/disks/vm1.raw"), "y".repeat(8192));
        try (DiskSource source = sources.open(disk.toString(), SourceOptions.defaults())) {
            assertEquals(8192, source.size());
        }
        Path restored = data.resolve("ferry/restores/vm1.raw");
        try (DiskTarget target = sources.create(restored.toString(), 8192, false, SourceOptions.defaults())) {
            assertEquals(8192, target.size());
        }
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(restored)));
    }

    @Test
    void nbdServersOffTheAllowListAndSocketsOutsideTheRootsAreRefused() {
        PathNotAllowedException tcp = assertThrows(PathNotAllowedException.class,
                () -> sources.open("nbd://10.0.0.5:10809/disk0", SourceOptions.defaults()));
        assertEquals("nbd.hosts", tcp.setting());
        assertTrue(tcp.getMessage().contains("10.0.0.5:10809"), tcp.getMessage());
        assertThrows(PathNotAllowedException.class,
                () -> sources.create("nbds://backup.example:10809/x", 4096, true, SourceOptions.defaults()));
        PathNotAllowedException unix = assertThrows(PathNotAllowedException.class,
                () -> sources.open("nbd+unix:///disk0?socket=/run/other/nbd.sock", SourceOptions.defaults()));
        assertEquals("socket.roots", unix.setting());
        assertTrue(unix.getMessage().contains("'/run/other/nbd.sock'"), unix.getMessage());
    }
}
