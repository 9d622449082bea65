package io.ferry.repository.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Crash-safe file writes: a temporary file in the repository's {@code tmp/} (same file
 * system), written, fsynced, then renamed over the target. A crash leaves either the old
 * state or the new, plus perhaps a temporary file that the next prune deletes. Files are
 * created 0600 ({@link OwnerOnly}).
 */
final class DurableFiles {

    private DurableFiles() {
    }

    /** Writes {@code data} (position to limit) to {@code target} atomically; the directory is not synced. */
    static void write(Path tmpDir, Path target, ByteBuffer data) throws IOException {
        Path tmp = tmpDir.resolve(tempName(target));
        try {
            try (FileChannel channel = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    OwnerOnly.file(tmpDir))) {
                while (data.hasRemaining()) {
                    channel.write(data);
                }
                channel.force(false);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileSystemException | RuntimeException e) {
            deleteQuietly(tmp, e);
            throw e;
        } catch (IOException e) {
            // FileChannel errors (ENOSPC, EIO) carry no path: name the file
            deleteQuietly(tmp, e);
            throw new IOException(tmp + ": " + e.getMessage(), e);
        }
    }

    /**
     * First half of an atomic write: writes {@code data} to a new temp file for
     * {@code target} in {@code tmpDir} without syncing it; returns the temp file. Finish with
     * {@link #syncAndRename}. On failure the temp file is gone.
     */
    static Path writeTemp(Path tmpDir, Path target, ByteBuffer data) throws IOException {
        Path tmp = tmpDir.resolve(tempName(target));
        try {
            try (FileChannel channel = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    OwnerOnly.file(tmpDir))) {
                while (data.hasRemaining()) {
                    channel.write(data);
                }
            }
            return tmp;
        } catch (FileSystemException | RuntimeException e) {
            deleteQuietly(tmp, e);
            throw e;
        } catch (IOException e) {
            deleteQuietly(tmp, e);
            throw new IOException(tmp + ": " + e.getMessage(), e);
        }
    }

    /** Second half: fsyncs the temp file, then renames it to {@code target} (never before the sync). */
    static void syncAndRename(Path tmp, Path target) throws IOException {
        try {
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                channel.force(false);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileSystemException | RuntimeException e) {
            deleteQuietly(tmp, e);
            throw e;
        } catch (IOException e) {
            deleteQuietly(tmp, e);
            throw new IOException(tmp + ": " + e.getMessage(), e);
        }
    }

    static void write(Path tmpDir, Path target, byte[] data) throws IOException {
        write(tmpDir, target, ByteBuffer.wrap(data));
    }

    /** Makes renames and new entries in {@code dir} durable. */
    static void syncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private static String tempName(Path target) {
        byte[] random = new byte[8];
        ThreadLocalRandom.current().nextBytes(random);
        return target.getFileName() + "." + HexFormat.of().formatHex(random) + ".tmp";
    }

    private static void deleteQuietly(Path tmp, Exception cause) {
        try {
            Files.deleteIfExists(tmp);
        } catch (NoSuchFileException ignored) {
            // already gone
        } catch (IOException e) {
            cause.addSuppressed(e);
        }
    }
}
