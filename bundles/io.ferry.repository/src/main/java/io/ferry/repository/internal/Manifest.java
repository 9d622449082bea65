package io.ferry.repository.internal;

import io.ferry.api.repository.BackupInfo;
import java.util.Objects;

/** A backup's manifest: its header and its chunk table. */
record Manifest(BackupInfo info, ChunkTable table) {

    Manifest {
        Objects.requireNonNull(info, "info");
        Objects.requireNonNull(table, "table");
        if (table.count() != info.chunkCount()) {
            throw new IllegalArgumentException("backup " + info.id() + " has " + info.chunkCount()
                    + " chunks but its table has " + table.count());
        }
    }

    /** Plaintext length of chunk {@code index}: the chunk size, or less for the last chunk. */
    int chunkLength(long index) {
        return chunkLength(info, index);
    }

    /** The chunk at {@code index}, empty for a hole; an index outside the backup is refused. */
    java.util.Optional<io.ferry.api.repository.ChunkId> chunk(long index) {
        if (index < 0 || index >= table.count()) {
            throw new io.ferry.api.ValidationException("index", "chunk index " + index + " is outside 0.."
                    + (table.count() - 1) + " of backup " + info.id());
        }
        return table.get(index);
    }

    static int chunkLength(BackupInfo info, long index) {
        return (int) Math.min(info.chunkSize(), info.size() - index * info.chunkSize());
    }

    /**
     * The parent's chunk at {@code index} for a new backup of {@code size} bytes in chunks of
     * {@code chunkSize}: empty outside either table, and when the chunk's length differs (the
     * disk grew or shrank: then it is not the same chunk).
     */
    static java.util.Optional<io.ferry.api.repository.ChunkId> parentChunk(BackupInfo parent, ChunkTable parentTable,
            long index, long size, int chunkSize) {
        long count = (size + chunkSize - 1) / chunkSize;
        if (parentTable == null || index < 0 || index >= parentTable.count() || index >= count) {
            return java.util.Optional.empty();
        }
        if (chunkLength(parent, index) != (int) Math.min(chunkSize, size - index * chunkSize)) {
            return java.util.Optional.empty();
        }
        return parentTable.get(index);
    }
}
