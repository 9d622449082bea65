package io.ferry.repository.internal;

import io.ferry.api.repository.ChunkId;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.Optional;

/**
 * The files {@code refs/<backup id>}: the chunk ids a backup committed through a repository
 * store references, recorded by the store (from the list the commit carried and the store
 * checked) before the manifest. They let the storage side, which cannot decrypt a chunk
 * table, collect garbage: a chunk is deleted only when no remaining backup's record names it.
 * Format: {@code "FRYR"}, version byte 1, three zero bytes, an int64 count, then that many
 * 32-byte ids in ascending order. Not authenticated: like the directory, they are the
 * repository server's own.
 */
final class ReferenceRecords {

    static final String DIR = "refs";
    private static final byte[] MAGIC = {'F', 'R', 'Y', 'R'};
    private static final int HEADER = 16;

    private ReferenceRecords() {
    }

    static Path path(Path root, String backupId) {
        return root.resolve(DIR).resolve(backupId);
    }

    /** Writes the record of a backup durably (temp file, fsync, rename, directory fsync). */
    static void write(Path root, Path tmpDir, String backupId, Collection<ChunkId> ids) throws IOException {
        ChunkId[] sorted = ids.stream().distinct().sorted().toArray(ChunkId[]::new);
        ByteBuffer out = ByteBuffer.allocate(HEADER + sorted.length * ChunkId.LENGTH);
        out.put(MAGIC).put((byte) 1).put(new byte[3]).putLong(sorted.length);
        byte[] id = new byte[ChunkId.LENGTH];
        for (ChunkId c : sorted) {
            c.copyTo(id, 0);
            out.put(id);
        }
        out.flip();
        Path dir = root.resolve(DIR);
        Files.createDirectories(dir);
        DurableFiles.write(tmpDir, dir.resolve(backupId), out);
        DurableFiles.syncDirectory(dir);
    }

    /**
     * Adds the ids a backup's record names to {@code marked}; empty when the backup has no
     * record (it was written by a local Ferry).
     *
     * @throws IOException also when the record is malformed (named in the message)
     */
    static Optional<Long> markInto(Path root, String backupId, ChunkIdSet marked) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path(root, backupId));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        if (bytes.length < HEADER || !Arrays.equals(bytes, 0, 4, MAGIC, 0, 4) || bytes[4] != 1
                || in.getLong(8) != (bytes.length - HEADER) / ChunkId.LENGTH
                || (bytes.length - HEADER) % ChunkId.LENGTH != 0) {
            throw new IOException(path(root, backupId) + " is not a reference record of " + bytes.length
                    + " bytes as Ferry writes them");
        }
        long count = in.getLong(8);
        for (int i = 0; i < count; i++) {
            marked.add(bytes, HEADER + i * ChunkId.LENGTH);
        }
        return Optional.of(count);
    }

    static void delete(Path root, String backupId) throws IOException {
        Files.deleteIfExists(path(root, backupId));
    }
}
