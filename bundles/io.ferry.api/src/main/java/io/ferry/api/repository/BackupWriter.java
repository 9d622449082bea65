package io.ferry.api.repository;

import java.nio.ByteBuffer;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * One backup being written. Chunks may be stored from several threads at once; the
 * chunk table is filled with {@link #put}; {@link #commit} writes the manifest, after
 * which (and only after which) the backup is visible. {@link #close()} without a commit
 * abandons it: nothing becomes visible, stored chunks stay until a prune removes them.
 *
 * <p>While a writer is open the repository holds a shared writer lock; prune waits for
 * (or refuses while) writers are active.
 */
@ProviderType
public interface BackupWriter extends AutoCloseable {

    /** The repository's chunk size; every chunk but the last has exactly this length. */
    int chunkSize();

    /** The disk size this backup covers. */
    long size();

    /**
     * The parent backup: the one the request named ({@link BackupRequest#parent()}), else the
     * latest complete backup of the same disk; empty when the request asked for a full one.
     */
    Optional<BackupInfo> parent();

    /**
     * The parent's chunk at {@code index}, or empty when the parent has none there (zero
     * chunk, beyond its size, or no parent). Used to carry unchanged chunks over when a
     * dirty bitmap says they did not change.
     */
    Optional<ChunkId> parentChunk(long index);

    /**
     * Stores a chunk (bytes from {@code data.position()} to its limit; the buffer's position
     * is advanced to its limit): addresses it, and unless the repository has it already,
     * compresses (stored raw when LZ4 does not shrink it), encrypts and writes it atomically.
     * Thread-safe. Does not record it in the chunk table: call {@link #put}.
     */
    StoredChunk store(ByteBuffer data);

    /**
     * Records the chunk at {@code index} (0-based). {@code id} empty means a zero chunk
     * (restored as a hole). A chunk id from {@link #parentChunk} or {@link #store}. Thread-safe;
     * every index must be set before {@link #commit}, indexes left unset are zero chunks.
     * (The stats count reused chunks from these calls.)
     */
    void put(long index, Optional<ChunkId> id);

    /**
     * Makes the backup visible: syncs the chunks written, writes the manifest atomically.
     *
     * @param readBytes      bytes read from the source
     * @param changeTracking see {@link BackupStats#changeTracking()}
     */
    BackupInfo commit(long readBytes, String changeTracking);

    /** Abandons the backup unless committed; releases the lock. Never throws. */
    @Override
    void close();
}
