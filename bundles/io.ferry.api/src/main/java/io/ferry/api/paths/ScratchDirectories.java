package io.ferry.api.paths;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Where Ferry's own components put the unix sockets they create, in one place, so that the
 * component making a socket and the {@link PathPolicy} that checks it agree. Today that is the
 * QEMU point-in-time views of the Proxmox plugin: a VM's NBD export is
 * {@code <fleecing root>/vm-<12 hex>/nbd.sock}.
 *
 * <p>A unix socket path has at most {@value #MAX_SOCKET_PATH} bytes. Below a deep installation
 * directory the default root {@code ${karaf.data}/ferry/fleecing} would exceed that, so a short
 * directory per installation, {@code /tmp/ferry-fleecing-<12 hex of the default root>}, is used
 * instead; Ferry creates it private to its user (0700, not a symlink, owned by Ferry's user) and
 * {@code socket.roots} always includes it.
 */
public final class ScratchDirectories {

    /** The longest unix socket path the kernel accepts (sun_path less its terminating NUL). */
    public static final int MAX_SOCKET_PATH = 107;

    /** The longest name below the fleecing root: {@code /vm-<12 hex>/nbd.sock}. */
    static final int SOCKET_SUFFIX = "/vm-000000000000/nbd.sock".length();

    private ScratchDirectories() {
    }

    /** The fleecing root of the installation whose data directory is {@code karafData}. */
    public static Path fleecing(Path karafData) {
        Path root = Objects.requireNonNull(karafData, "karafData").toAbsolutePath().normalize()
                .resolve("ferry").resolve("fleecing");
        if (root.toString().length() + SOCKET_SUFFIX <= MAX_SOCKET_PATH) {
            return root;
        }
        return Path.of("/tmp", "ferry-fleecing-" + hex12(root.toString()));
    }

    private static String hex12(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
