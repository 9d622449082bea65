package io.ferry.api.mover;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.osgi.annotation.versioning.ConsumerType;

/** Where a restore writes: a sparse file, a block device or an NBD export. Thread-safe writes. */
@ConsumerType
public interface DiskTarget extends AutoCloseable {

    /** The target for people. */
    String description();

    /** Size in bytes. */
    long size();

    /**
     * True when every byte not written reads as zero (a new sparse file): the restore then
     * skips zero ranges entirely. False: it calls {@link #zero} for them.
     */
    boolean unwrittenReadsAsZero();

    /** Writes {@code src.remaining()} bytes at {@code offset} (advancing the position). */
    void write(ByteBuffer src, long offset) throws IOException;

    /** Makes a range read as zeros, deallocating it where the target can (punch hole, NBD trim/zero). */
    void zero(long offset, long length) throws IOException;

    /** Makes everything written durable (fsync, NBD flush). */
    void flush() throws IOException;

    @Override
    void close() throws IOException;
}
