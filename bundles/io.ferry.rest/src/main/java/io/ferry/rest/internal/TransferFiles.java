package io.ferry.rest.internal;

import io.ferry.api.paths.PathArea;
import io.ferry.api.paths.PathPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The files of the inventory import and export over REST: an uploaded inventory is stored
 * before the import reads it (in passes, as it reads a file named in the shell), and an export
 * is written before it is sent, so that neither is held in memory. They live in
 * {@value #DIRECTORY} (0700) under the first writable root of {@code transfer.roots}, the only
 * place the import reads from, as files 0600 that the caller deletes when done; files older than
 * a day there (left by a stop in the middle of a request) are removed when the next one is made.
 */
final class TransferFiles {
    static final String DIRECTORY = ".rest-api";
    private static final Duration STALE = Duration.ofDays(1);

    /** An upload larger than its limit; nothing of it is kept. */
    static final class TooLargeException extends IOException {
        private static final long serialVersionUID = 1L;

        TooLargeException(long limit) {
            super("is larger than " + limit / (1024 * 1024) + " MiB");
        }
    }

    private final PathPolicy paths;

    TransferFiles(PathPolicy paths) {
        this.paths = Objects.requireNonNull(paths, "paths");
    }

    /** A new empty file, 0600, inside {@code transfer.roots} (checked by the policy, symlinks resolved). */
    Path create(String prefix) {
        List<String> failures = new ArrayList<>();
        for (Path root : paths.roots(PathArea.TRANSFER_FILES)) {
            try {
                Path directory = privateDirectory(root.resolve(DIRECTORY));
                removeStale(directory);
                Path file = Files.createTempFile(directory, prefix, ".json",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                try {
                    return paths.require(PathArea.TRANSFER_FILES, file);
                } catch (RuntimeException e) {
                    Files.deleteIfExists(file);
                    throw e;
                }
            } catch (IOException | RuntimeException e) {
                failures.add(root + ": " + e.getMessage());
            }
        }
        throw new UncheckedIOException(new IOException("No root of " + PathArea.TRANSFER_FILES.setting()
                + " (etc/" + PathPolicy.PID + ".cfg) takes the REST API's inventory files: " + failures));
    }

    private static Path privateDirectory(Path directory) throws IOException {
        Files.createDirectories(directory.getParent());
        if (!Files.exists(directory, LinkOption.NOFOLLOW_LINKS)) {
            try {
                Files.createDirectory(directory,
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // made by a concurrent request: checked below like any existing one
            }
        }
        if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("'" + directory + "' is not a directory (a symbolic link is refused)");
        }
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
        return directory;
    }

    private static void removeStale(Path directory) throws IOException {
        FileTime before = FileTime.from(Instant.now().minus(STALE));
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*.json")) {
            for (Path file : files) {
                if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
                        && Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS).compareTo(before) < 0) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    /**
     * Copies at most {@code limit} bytes of {@code in} to {@code file}; returns the SHA-256 of
     * what was copied.
     *
     * @throws TooLargeException when {@code in} has more than {@code limit} bytes
     */
    static byte[] copy(InputStream in, Path file, long limit) throws IOException {
        MessageDigest sha256 = sha256();
        try (OutputStream out = new DigestOutputStream(Files.newOutputStream(file), sha256)) {
            byte[] buffer = new byte[64 * 1024];
            long total = 0;
            for (int n; (n = in.read(buffer)) > 0; ) {
                total += n;
                if (total > limit) {
                    throw new TooLargeException(limit);
                }
                out.write(buffer, 0, n);
            }
        }
        return sha256.digest();
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
