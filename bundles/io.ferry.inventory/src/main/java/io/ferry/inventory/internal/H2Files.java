package io.ferry.inventory.internal;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Permissions of an embedded H2 catalog: its directory 0700 before H2 opens it, its files
 * ({@code <name>.mv.db}, {@code .trace.db}, ...) 0600 once opened. H2 creates its files with
 * the umask (0644 under the usual 022); the directory keeps anything created later private.
 * Nothing is done for a server database (PostgreSQL, {@code jdbc:h2:tcp:}).
 */
final class H2Files {

    private static final Logger LOG = LoggerFactory.getLogger(H2Files.class);
    static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
    static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");

    private H2Files() {
    }

    /** The base path of an embedded file database ({@code jdbc:h2:file:/x/inventory} or {@code jdbc:h2:/x/inventory}). */
    static Optional<Path> base(String url) {
        if (!url.startsWith("jdbc:h2:")) {
            return Optional.empty();
        }
        String rest = url.substring("jdbc:h2:".length());
        int options = rest.indexOf(';');
        if (options >= 0) {
            rest = rest.substring(0, options);
        }
        if (rest.startsWith("file:")) {
            rest = rest.substring("file:".length());
        } else if (rest.startsWith("mem:") || rest.startsWith("tcp:") || rest.startsWith("ssl:")
                || rest.startsWith("zip:")) {
            return Optional.empty();
        }
        if (rest.isBlank() || rest.startsWith("~")) {
            return Optional.empty();
        }
        return Optional.of(Path.of(rest).toAbsolutePath());
    }

    static void ownerOnlyDirectory(String url) {
        base(url).map(Path::getParent).ifPresent(dir -> {
            try {
                Files.createDirectories(dir);
                if (posix(dir)) {
                    Files.setPosixFilePermissions(dir, DIRECTORY);
                }
            } catch (IOException e) {
                LOG.warn("Cannot make the catalog directory {} private (mode 0700): {}", dir, e.getMessage());
            }
        });
    }

    static void ownerOnlyFiles(String url) {
        Optional<Path> base = base(url);
        if (base.isEmpty() || !posix(base.get())) {
            return;
        }
        Path dir = base.get().getParent();
        String prefix = base.get().getFileName() + ".";
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, prefix + "*")) {
            for (Path f : files) {
                if (Files.isRegularFile(f)) {
                    Files.setPosixFilePermissions(f, FILE);
                }
            }
        } catch (IOException e) {
            LOG.warn("Cannot make the catalog files {}* private (mode 0600): {}", base.get(), e.getMessage());
        }
    }

    private static boolean posix(Path p) {
        return p.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
