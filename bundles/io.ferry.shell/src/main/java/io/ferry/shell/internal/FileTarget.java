package io.ferry.shell.internal;

import io.ferry.api.FerryException;
import io.ferry.api.ValidationException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/** Files named on the command line: resolved against the shell's directory, written atomically. */
final class FileTarget {

    /** What a command writes into the file. */
    @FunctionalInterface
    interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    private FileTarget() {
    }

    /** {@code name} as given if absolute, otherwise relative to {@code currentDir} (the shell's {@code cd}). */
    static Path resolve(Path currentDir, String name) {
        if (name == null || name.isBlank()) {
            throw new ValidationException("FILE", "is empty");
        }
        Path path = Path.of(name.strip());
        if (path.isAbsolute() || currentDir == null) {
            return path.toAbsolutePath().normalize();
        }
        return currentDir.resolve(path).toAbsolutePath().normalize();
    }

    /** An existing, readable regular file. */
    static Path readable(Path file) {
        if (!Files.exists(file)) {
            throw new ValidationException("FILE", "'" + file + "' does not exist");
        }
        if (!Files.isRegularFile(file)) {
            throw new ValidationException("FILE", "'" + file + "' is not a regular file");
        }
        if (!Files.isReadable(file)) {
            throw new ValidationException("FILE", "'" + file + "' is not readable by the Karaf process");
        }
        return file;
    }

    /**
     * Writes {@code content} to a temporary file next to {@code target}, forces it to disk
     * and renames it over {@code target}: readers see the old file or the complete new one,
     * never a partial one. An existing file keeps its permissions; a new one is private to
     * the Karaf user.
     *
     * @return the size of the file written
     */
    static long writeAtomically(Path target, Content content) {
        Path dir = target.getParent();
        if (Files.isDirectory(target)) {
            throw new ValidationException("FILE", "'" + target + "' is a directory; name a file");
        }
        if (dir == null || !Files.isDirectory(dir)) {
            throw new ValidationException("FILE", "directory '" + dir + "' does not exist");
        }
        Path temp = null;
        try {
            temp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel));
                content.writeTo(new NonClosingOutput(out));
                out.flush();
                channel.force(true);
            }
            keepPermissions(target, temp);
            move(temp, target);
            temp = null;
            return Files.size(target);
        } catch (IOException e) {
            throw new FerryException("Cannot write '" + target + "': " + describe(e), e);
        } catch (UncheckedIOException e) {
            throw new FerryException("Cannot write '" + target + "': " + describe(e.getCause()), e);
        } finally {
            deleteQuietly(temp);
        }
    }

    static String describe(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied" + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")");
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or directory " + e.getMessage();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static void move(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void keepPermissions(Path from, Path to) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(from, PosixFileAttributeView.class);
        if (view != null && Files.exists(from)) {
            Set<PosixFilePermission> permissions = view.readAttributes().permissions();
            Files.setPosixFilePermissions(to, permissions);
        }
    }

    private static void deleteQuietly(Path temp) {
        if (temp == null) {
            return;
        }
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            // The write already failed and is reported; a stray temp file is named ".<file>.*.tmp".
        }
    }
}
