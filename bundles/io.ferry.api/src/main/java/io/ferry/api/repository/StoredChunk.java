package io.ferry.api.repository;

import java.util.Objects;

/**
 * Result of {@link BackupWriter#store}: the chunk's address and what storing it cost.
 *
 * @param id          content address
 * @param length      plaintext length
 * @param added       true when this call wrote the chunk; false when the repository already had it (dedupe)
 * @param storedBytes bytes written to the repository for it (0 when not added)
 * @param compressed  true when stored LZ4-compressed (false: stored raw because LZ4 did not shrink it, or not added)
 */
public record StoredChunk(ChunkId id, int length, boolean added, long storedBytes, boolean compressed) {
    public StoredChunk {
        Objects.requireNonNull(id, "id");
        if (length <= 0 || storedBytes < 0) {
            throw new IllegalArgumentException("bad chunk sizes");
        }
    }
}
