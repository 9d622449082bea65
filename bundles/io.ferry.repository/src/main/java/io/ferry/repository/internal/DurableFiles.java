package io.ferry.repository.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
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
        } catch (RuntimeException e) {
            deleteQuietly(tmp, e);
            throw e;
        } catch (IOException e) {
            throw failed(tmp, e);
        }
    }

    /**
     * First half of an atomic write: writes {@code data} to a new temp file for
     * {@code target} in {@code tmpDir} without syncing it; returns the temp file. Finish with
     * {@link #syncAndRename}. On failure the temp file is gone.
     */
    static Path writeTemp(Path tmpDir, Path target, ByteBuffer data) throws IOException {
        if (canWriteDirect(tmpDir, data)) {
            Path tmp = writeTempDirect(tmpDir, target, data);
            if (tmp != null) {
                return tmp;
            }
        }
        Path tmp = tmpDir.resolve(tempName(target));
        try {
            try (FileChannel channel = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    OwnerOnly.file(tmpDir))) {
                while (data.hasRemaining()) {
                    channel.write(data);
                }
            }
            return tmp;
        } catch (RuntimeException e) {
            deleteQuietly(tmp, e);
            throw e;
        } catch (IOException e) {
            throw failed(tmp, e);
        }
    }

    /** Alignment of buffers, offsets and lengths for {@link #writeTempDirect}. */
    static final int DIRECT_ALIGNMENT = 4096;
    private static final OpenOption DIRECT = directOption();
    /** 0: not tried yet, 1: O_DIRECT works for the temp directory, -1: it does not (buffered writes). */
    private static volatile int directState;

    /**
     * {@code com.sun.nio.file.ExtendedOpenOption.DIRECT} (O_DIRECT), looked up by name: the
     * class is JDK-specific and may be invisible to a bundle; then writes are buffered.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static OpenOption directOption() {
        try {
            Class c = Class.forName("com.sun.nio.file.ExtendedOpenOption");
            return (OpenOption) Enum.valueOf(c, "DIRECT");
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null;
        }
    }

    /**
     * Whether {@code data} can go to disk with O_DIRECT: a direct buffer from position 0 whose
     * address is aligned and whose capacity holds the length rounded up to the alignment, on a
     * file system that takes O_DIRECT with 4096-byte alignment (checked once).
     */
    private static boolean canWriteDirect(Path tmpDir, ByteBuffer data) {
        if (DIRECT == null || directState < 0 || !data.isDirect() || data.position() != 0
                || data.alignmentOffset(0, DIRECT_ALIGNMENT) != 0
                || roundUpDirect(data.limit()) > data.capacity()) {
            return false;
        }
        if (directState == 0) {
            try {
                long block = Files.getFileStore(tmpDir).getBlockSize();
                directState = block > 0 && DIRECT_ALIGNMENT % block == 0 ? 1 : -1;
            } catch (IOException | UnsupportedOperationException e) {
                directState = -1;
            }
        }
        return directState > 0;
    }

    /** An O_DIRECT open or read of a chunk file failed once: buffered reads from then on. */
    private static volatile boolean directReadsOff;

    /**
     * Opens {@code file} for reading with O_DIRECT, or returns null when this JVM or file
     * system does not do that (then, or after {@link #directReadFailed}, never tried again):
     * the caller reads buffered. A missing file is reported as {@link java.nio.file.NoSuchFileException}.
     * Reads through the returned channel need a direct buffer, address, position and length
     * aligned to {@link #DIRECT_ALIGNMENT}.
     */
    static FileChannel openDirectRead(Path file) throws IOException {
        if (DIRECT == null || directReadsOff) {
            return null;
        }
        try {
            return FileChannel.open(file, StandardOpenOption.READ, DIRECT);
        } catch (NoSuchFileException e) {
            throw e;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            directReadsOff = true;
            return null;
        }
    }

    /** An O_DIRECT read failed (alignment refused, or an I/O error): read buffered from now on. */
    static void directReadFailed() {
        directReadsOff = true;
    }

    /** {@code n} rounded up to {@link #DIRECT_ALIGNMENT}. */
    static long roundUpDirect(long n) {
        return (n + DIRECT_ALIGNMENT - 1) & -DIRECT_ALIGNMENT;
    }

    /**
     * {@link #writeTemp} with O_DIRECT: the data goes from the buffer to the device without a
     * copy into the page cache (that copy was ~22 % of a full backup's CPU samples in the
     * kernel, {@code copy_folio_from_iter_atomic}), padded with zeros to the alignment, then
     * the file is truncated to the real length. The rest (fsync, then rename) is unchanged.
     * Returns null when the file system refuses O_DIRECT (then never tried again); the
     * caller writes buffered.
     */
    private static Path writeTempDirect(Path tmpDir, Path target, ByteBuffer data) throws IOException {
        Path tmp = tmpDir.resolve(tempName(target));
        int length = data.remaining();
        FileChannel channel;
        try {
            channel = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, DIRECT),
                    OwnerOnly.file(tmpDir));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            // EINVAL: this file system does not do O_DIRECT. Anything else (no space, no
            // permission) the buffered write that follows reports; O_DIRECT stays off either way
            directState = -1;
            deleteQuietly(tmp, e instanceof IOException io ? io : new IOException(e));
            return null;
        }
        try {
            try (channel) {
                ByteBuffer out = data.duplicate().limit((int) roundUpDirect(length)).position(length);
                while (out.hasRemaining()) {
                    out.put((byte) 0);
                }
                out.position(0);
                while (out.hasRemaining()) {
                    channel.write(out);
                }
                channel.truncate(length);
            }
            data.position(data.limit());
            return tmp;
        } catch (RuntimeException e) {
            deleteQuietly(tmp, e);
            throw e;
        } catch (IOException e) {
            throw failed(tmp, e);
        }
    }

    /** Second half: fsyncs the temp file, then renames it to {@code target} (never before the sync). */
    static void syncAndRename(Path tmp, Path target) throws IOException {
        try {
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                channel.force(false);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (RuntimeException e) {
            deleteQuietly(tmp, e);
            throw e;
        } catch (IOException e) {
            throw failed(tmp, e);
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

    /**
     * After a failed write of {@code tmp}: deletes it and returns what to throw, naming the file when the
     * error does not (FileChannel errors such as ENOSPC or EIO carry no path; a FileSystemException does).
     */
    private static IOException failed(Path tmp, IOException e) {
        deleteQuietly(tmp, e);
        return e instanceof FileSystemException ? e : new IOException(tmp + ": " + e.getMessage(), e);
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
