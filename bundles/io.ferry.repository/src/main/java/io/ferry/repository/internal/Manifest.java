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

    static int chunkLength(BackupInfo info, long index) {
        return (int) Math.min(info.chunkSize(), info.size() - index * info.chunkSize());
    }
}
