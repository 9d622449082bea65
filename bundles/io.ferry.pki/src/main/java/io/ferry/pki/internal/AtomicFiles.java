package io.ferry.pki.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Crash-safe replacement of small files: a temporary file next to the target, created with its
 * final permissions (so a key is never readable by others, not even while it is written),
 * written, fsynced, renamed over the target, and the directory fsynced. A reader sees the old
 * file or the new one, never a part; a failed write leaves no temporary file behind.
 */
public final class AtomicFiles {
    private static final Logger LOG = LoggerFactory.getLogger(AtomicFiles.class);
    static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    static final Set<PosixFilePermission> PUBLIC = PosixFilePermissions.fromString("rw-r--r--");
    static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");
    static final String TEMP_SUFFIX = ".tmp";

    /** Writes the content into the temporary file; for tests, which look at the file meanwhile. */
    interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    private AtomicFiles() {
    }

    /** Replaces {@code target} with {@code data}: 0600 if {@code ownerOnly}, else 0644. */
    public static void write(Path target, byte[] data, boolean ownerOnly) throws IOException {
        write(target, ownerOnly, out -> out.write(data));
    }

    static void write(Path target, boolean ownerOnly, Content content) throws IOException {
        Path directory = target.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(directory, "." + target.getFileName() + ".", TEMP_SUFFIX,
                permissions(directory, ownerOnly ? OWNER_ONLY : PUBLIC));
        try {
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                content.writeTo(Channels.newOutputStream(channel));
                channel.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        syncDirectory(directory);
    }

    /**
     * Creates {@code directory} (and its parents) with mode 0700, or narrows an existing one to
     * 0700.
     */
    public static void ownerOnlyDirectory(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            Files.createDirectories(directory.toAbsolutePath().getParent());
            Files.createDirectory(directory, permissions(directory.toAbsolutePath().getParent(), OWNER_ONLY_DIRECTORY));
        }
        if (isPosix(directory) && !Files.getPosixFilePermissions(directory).equals(OWNER_ONLY_DIRECTORY)) {
            LOG.warn("{} was open to other users: narrowed to owner only (0700)", directory);
            Files.setPosixFilePermissions(directory, OWNER_ONLY_DIRECTORY);
        }
    }

    private static FileAttribute<?>[] permissions(Path directory, Set<PosixFilePermission> permissions) {
        return isPosix(directory) ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(permissions)}
                : new FileAttribute<?>[0];
    }

    private static boolean isPosix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    /** Makes the rename durable; not every platform can open a directory, which is then left alone. */
    private static void syncDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            LOG.debug("cannot fsync directory {}", directory, e);
        }
    }
}
