package io.ferry.api.mover;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A disk to back up: a size, an extent map and positional reads. Implementations are
 * thread-safe for {@link #read} (the mover reads with up to {@link #maxParallelReads()}
 * threads).
 */
@ConsumerType
public interface DiskSource extends AutoCloseable {

    /** The source for people: a path or URI without secrets. */
    String description();

    /** Size in bytes. */
    long size();

    /**
     * The extents covering exactly {@code [offset, offset + length)}, in order, without
     * gaps. Sources that know nothing about allocation return one DATA extent.
     */
    List<Extent> extents(long offset, long length) throws IOException;

    /** The dirty bitmap this source was opened with, if any. */
    Optional<String> changedBlockTracking();

    /**
     * The changed ranges within {@code [offset, offset + length)} according to the dirty
     * bitmap, in order (empty when nothing changed there).
     *
     * @throws IllegalStateException when the source has no changed-block tracking
     */
    List<Extent> changed(long offset, long length) throws IOException;

    /**
     * Reads {@code dst.remaining()} bytes at {@code offset} into {@code dst} (advancing its
     * position to its limit). Fails with an IOException naming the source and offset on a
     * short read or an error.
     */
    void read(ByteBuffer dst, long offset) throws IOException;

    /** How many reads may usefully run at once (>= 1). */
    int maxParallelReads();

    @Override
    void close() throws IOException;
}
