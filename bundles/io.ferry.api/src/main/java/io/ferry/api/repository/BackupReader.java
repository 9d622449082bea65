package io.ferry.api.repository;

import java.nio.ByteBuffer;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/** Reads one backup: its chunk table and chunk contents. Thread-safe. */
@ProviderType
public interface BackupReader extends AutoCloseable {

    BackupInfo info();

    /** The chunk at {@code index}, empty for a zero chunk. */
    Optional<ChunkId> chunk(long index);

    /**
     * Reads, decrypts, decompresses and checks one chunk into {@code dst} (from its position;
     * the position is advanced by the chunk's length). Throws {@link RepositoryException}
     * {@code CORRUPT} (naming the chunk) when it is missing or fails its check.
     */
    void read(ChunkId id, ByteBuffer dst);

    @Override
    void close();
}
