package io.ferry.repository.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Permissions of what the repository creates: files 0600, directories 0700, so that the
 * key file, the config, chunks and manifests are readable by Ferry's user alone, whatever
 * the umask. On a file system without POSIX permissions nothing is set.
 */
final class OwnerOnly {

    static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
    static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final FileAttribute<?>[] NONE = new FileAttribute<?>[0];

    private OwnerOnly() {
    }

    /** The attribute to create a file with in {@code dir}: 0600 where POSIX permissions exist. */
    static FileAttribute<?>[] file(Path dir) {
        return posix(dir) ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE)} : NONE;
    }

    /** Creates {@code dir} (and missing parents, which keep the umask) and makes it 0700. */
    static void directory(Path dir) throws IOException {
        Files.createDirectories(dir);
        if (posix(dir)) {
            Files.setPosixFilePermissions(dir, DIRECTORY);
        }
    }

    private static boolean posix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
