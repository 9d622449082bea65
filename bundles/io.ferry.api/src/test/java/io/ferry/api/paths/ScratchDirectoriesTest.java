package io.ferry.api.paths;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Ferry's own sockets stay inside socket.roots, however deep the installation is. */
class ScratchDirectoriesTest {

    @Test
    void aShallowInstallationKeepsItsSocketsUnderItsDataDirectory() {
        assertEquals(Path.of("/opt/ferry/data/ferry/fleecing"), ScratchDirectories.fleecing(Path.of("/opt/ferry/data")));
    }

    @Test
    void aDeepInstallationGetsAShortPerInstallationDirectoryThatTheDefaultSocketRootsAllow() {
        Path data = Path.of("/work/main/itests/target/faults-it/1796574230149/karaf-distribution-0.1.0-SNAPSHOT/data");
        Path root = ScratchDirectories.fleecing(data);
        assertTrue(root.toString().matches("/tmp/ferry-fleecing-[0-9a-f]{12}"), root.toString());
        assertTrue((root + "/vm-0123456789ab/nbd.sock").length() <= ScratchDirectories.MAX_SOCKET_PATH);
        assertEquals(root, ScratchDirectories.fleecing(data), "the same directory at every start");
        assertTrue(!root.equals(ScratchDirectories.fleecing(Path.of(data + "-2"))), "one per installation");

        ConfinedPaths policy = ConfinedPaths.fromConfiguration(Map.of(), name -> name.equals("karaf.data")
                ? data.toString() : data.getParent().toString(), data.resolveSibling("etc"));
        Path socket = root.resolve("vm-0123456789ab/nbd.sock");
        assertEquals(socket, policy.require(PathArea.NBD_SOCKETS, socket));
        // an operator who sets socket.roots still lets Ferry use its own scratch sockets, and nothing else
        ConfinedPaths configured = ConfinedPaths.fromConfiguration(Map.of("socket.roots", "/srv/sockets"),
                name -> data.toString(), data.resolveSibling("etc"));
        assertEquals(socket, configured.require(PathArea.NBD_SOCKETS, socket));
        org.junit.jupiter.api.Assertions.assertThrows(PathNotAllowedException.class,
                () -> configured.require(PathArea.NBD_SOCKETS, Path.of("/tmp/other/nbd.sock")));
    }
}
