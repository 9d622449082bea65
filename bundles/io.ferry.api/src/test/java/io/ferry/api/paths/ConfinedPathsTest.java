package io.ferry.api.paths;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 11 point 3: paths resolved (.., symlinks) before the check; etc/ never reachable. */
class ConfinedPathsTest {

    @TempDir
    Path tmp;

    private Path data;
    private Path etc;
    private ConfinedPaths policy;

    @BeforeEach
    void setUp() throws Exception {
        data = Files.createDirectories(tmp.resolve("karaf/data"));
        etc = Files.createDirectories(tmp.resolve("karaf/etc"));
        Files.writeString(etc.resolve("users.properties"), "karaf = karaf,_g_:admingroup\n");
        policy = ConfinedPaths.fromConfiguration(Map.of(), name -> switch (name) {
            case "karaf.data" -> data.toString();
            case "karaf.home" -> tmp.resolve("karaf").toString();
            default -> null;
        }, etc);
    }

    @Test
    void defaultRootsAreUnderFerrysDataDirectory() {
        assertEquals(List.of(data.resolve("ferry/restores")), policy.roots(PathArea.RESTORE_TARGETS));
        assertEquals(List.of(data.resolve("ferry/disks")), policy.roots(PathArea.DISK_SOURCES));
        assertEquals(List.of(data.resolve("ferry")), policy.roots(PathArea.NBD_SOCKETS));
        assertEquals(List.of(data.resolve("ferry/transfer"), tmp.resolve("karaf/samples")),
                policy.roots(PathArea.TRANSFER_FILES));
        Path inside = data.resolve("ferry/restores/vm1/disk0.raw");
        assertEquals(inside, policy.require(PathArea.RESTORE_TARGETS, inside));
    }

    @Test
    void etcShadowAsADiskSourceIsRefusedNamingTheSetting() {
        PathNotAllowedException e = assertThrows(PathNotAllowedException.class,
                () -> policy.require(PathArea.DISK_SOURCES, Path.of("/etc/shadow")));
        assertEquals("disk.roots", e.setting());
        assertTrue(e.getMessage().contains("Disk source '/etc/shadow' is outside the directories allowed for disk"
                + " sources (" + data.resolve("ferry/disks") + ")"), e.getMessage());
        assertTrue(e.getMessage().contains("add a directory holding it to disk.roots in etc/io.ferry.paths.cfg"),
                e.getMessage());
    }

    @Test
    void restoreToEtcAndExportToRootAreRefused() {
        PathNotAllowedException restore = assertThrows(PathNotAllowedException.class,
                () -> policy.require(PathArea.RESTORE_TARGETS, Path.of("/etc")));
        assertEquals("restore.roots", restore.setting());
        PathNotAllowedException export = assertThrows(PathNotAllowedException.class,
                () -> policy.require(PathArea.TRANSFER_FILES, Path.of("/root/inventory.json")));
        assertEquals("transfer.roots", export.setting());
        assertTrue(export.getMessage().contains("'/root/inventory.json'"), export.getMessage());
    }

    @Test
    void dotDotIsResolvedBeforeTheCheck() {
        Path sneaky = data.resolve("ferry/restores/../../../etc/users.properties");
        PathNotAllowedException e = assertThrows(PathNotAllowedException.class,
                () -> policy.require(PathArea.RESTORE_TARGETS, sneaky));
        assertEquals("etc", e.setting());
        Path missingThenUp = data.resolve("ferry/restores/new/../../transfer/x.json");
        assertThrows(PathNotAllowedException.class, () -> policy.require(PathArea.RESTORE_TARGETS, missingThenUp));
    }

    @Test
    void aSymlinkInsideARootPointingOutOfItIsRefused() throws Exception {
        Path restores = Files.createDirectories(data.resolve("ferry/restores"));
        Path outside = Files.createDirectories(tmp.resolve("elsewhere"));
        Files.createSymbolicLink(restores.resolve("escape"), outside);
        PathNotAllowedException e = assertThrows(PathNotAllowedException.class,
                () -> policy.require(PathArea.RESTORE_TARGETS, restores.resolve("escape/disk.raw")));
        assertTrue(e.getMessage().contains("which resolves to " + outside.resolve("disk.raw")), e.getMessage());
        // a link to a file that does not exist yet is judged by where it points
        Files.createSymbolicLink(restores.resolve("dangling"), outside.resolve("new.raw"));
        assertThrows(PathNotAllowedException.class,
                () -> policy.require(PathArea.RESTORE_TARGETS, restores.resolve("dangling")));
        // a link that stays inside is fine, and the resolved path is returned
        Path real = Files.createDirectories(restores.resolve("real"));
        Files.createSymbolicLink(restores.resolve("alias"), real);
        assertEquals(real.resolve("d.raw"), policy.require(PathArea.RESTORE_TARGETS, restores.resolve("alias/d.raw")));
    }

    @Test
    void nothingUnderEtcIsReachableWhateverTheRootsSay() {
        ConfinedPaths open = ConfinedPaths.fromConfiguration(Map.of("password.roots", "/", "transfer.roots", "/"),
                name -> data.toString(), etc);
        PathNotAllowedException e = assertThrows(PathNotAllowedException.class,
                () -> open.require(PathArea.PASSWORD_FILES, etc.resolve("ferry-repository.password")));
        assertEquals("etc", e.setting());
        assertTrue(e.getMessage().contains("inside Ferry's configuration directory " + etc), e.getMessage());
        assertTrue(e.getMessage().contains("whatever password.roots"), e.getMessage());
        assertThrows(PathNotAllowedException.class, () -> open.require(PathArea.TRANSFER_FILES, etc));
        assertEquals(Path.of("/var/tmp/x.json"), open.require(PathArea.TRANSFER_FILES, Path.of("/var/tmp/x.json")));
    }

    @Test
    void aSymlinkToEtcFromAnAllowedRootIsRefused() throws Exception {
        Path passwords = Files.createDirectories(data.resolve("ferry/password-files"));
        Files.createSymbolicLink(passwords.resolve("users"), etc.resolve("users.properties"));
        PathNotAllowedException e = assertThrows(PathNotAllowedException.class,
                () -> policy.require(PathArea.PASSWORD_FILES, passwords.resolve("users")));
        assertEquals("etc", e.setting());
    }

    @Test
    void configuredRootsReplaceTheDefaultAndAreListedInTheError() {
        ConfinedPaths p = ConfinedPaths.fromConfiguration(
                Map.of("restore.roots", new String[] {"/srv/restores", "${karaf.data}/r"}), name -> data.toString(), etc);
        assertEquals(List.of(Path.of("/srv/restores"), data.resolve("r")), p.roots(PathArea.RESTORE_TARGETS));
        PathNotAllowedException e = assertThrows(PathNotAllowedException.class,
                () -> p.require(PathArea.RESTORE_TARGETS, Path.of("/var/lib/x.raw")));
        assertTrue(e.getMessage().contains("(/srv/restores, " + data.resolve("r") + ")"), e.getMessage());
        ConfinedPaths none = ConfinedPaths.fromConfiguration(Map.of("restore.roots", ""), name -> data.toString(), etc);
        assertTrue(assertThrows(PathNotAllowedException.class,
                () -> none.require(PathArea.RESTORE_TARGETS, data.resolve("ferry/restores/x")))
                .getMessage().contains("none are configured"));
    }

    @Test
    void nbdHostsDefaultToLoopbackAndOthersNeedTheAllowList() {
        policy.requireNbdHost("127.0.0.1", 10809);
        policy.requireNbdHost("::1", 10809);
        policy.requireNbdHost("LOCALHOST", 1);
        PathNotAllowedException e = assertThrows(PathNotAllowedException.class,
                () -> policy.requireNbdHost("10.0.0.5", 10809));
        assertEquals("nbd.hosts", e.setting());
        assertTrue(e.getMessage().contains("add 10.0.0.5:10809 (or 10.0.0.5:*) to nbd.hosts in etc/io.ferry.paths.cfg"),
                e.getMessage());
        ConfinedPaths p = ConfinedPaths.fromConfiguration(Map.of("nbd.hosts", "esx-01.lab:10809, 10.0.0.7:*"),
                name -> data.toString(), etc);
        p.requireNbdHost("esx-01.lab", 10809);
        assertThrows(PathNotAllowedException.class, () -> p.requireNbdHost("esx-01.lab", 10810));
        p.requireNbdHost("10.0.0.7", 9000);
        assertThrows(PathNotAllowedException.class, () -> p.requireNbdHost("127.0.0.1", 10809));
    }

    @Test
    void aRelativeRootOrAnUnsetVariableIsAConfigurationError() {
        IllegalArgumentException rel = assertThrows(IllegalArgumentException.class,
                () -> ConfinedPaths.fromConfiguration(Map.of("disk.roots", "disks"), name -> "/x", etc));
        assertTrue(rel.getMessage().contains("disk.roots: 'disks' is not an absolute path"), rel.getMessage());
        IllegalArgumentException unset = assertThrows(IllegalArgumentException.class,
                () -> ConfinedPaths.fromConfiguration(Map.of(), name -> null, etc));
        assertTrue(unset.getMessage().contains("${karaf.data}, which is not set"), unset.getMessage());
    }
}
