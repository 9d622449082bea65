package io.ferry.mover.internal.source;

import io.ferry.api.FerryException;
import io.ferry.api.ValidationException;
import io.ferry.api.mover.DiskTarget;
import io.ferry.api.mover.SourceOptions;
import io.ferry.mover.internal.nativeio.AlignedBuffer;
import io.ferry.mover.internal.nativeio.LibNbd;
import io.ferry.mover.internal.nativeio.NbdException;
import io.ferry.mover.internal.nativeio.NbdHandle;
import io.ferry.mover.internal.nativeio.ScratchBuffers;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * A restore target on a writable NBD export: {@code nbd_pwrite}, {@code nbd_zero} (the
 * server may punch holes; explicit zero writes when it cannot zero), {@code nbd_flush} on
 * every connection. The export keeps its old content where nothing is written, so
 * {@link #unwrittenReadsAsZero()} is false. Read-only exports and exports smaller than the
 * backup are refused when opening.
 */
public final class NbdDiskTarget implements DiskTarget, CancellableIo {

    static final int MAX_PARALLEL_WRITES = 4;
    /** Write-zeroes lengths are 32-bit on the wire: 1 GiB pieces. */
    static final long MAX_ZERO_REQUEST = 1L << 30;
    private static final int SCRATCH_SIZE = 4 << 20;
    private static final int ZERO_BUFFER_SIZE = 1 << 20;

    private final NbdPool pool;
    private final String description;
    private final long size;
    private final boolean canZero;
    private final boolean canFlush;
    private final long maxRequest;
    private final ScratchBuffers scratch = new ScratchBuffers(SCRATCH_SIZE, MAX_PARALLEL_WRITES);
    private final AtomicBoolean closed = new AtomicBoolean();
    private AlignedBuffer zeros;

    private NbdDiskTarget(NbdPool pool, String description, long size, boolean canZero, boolean canFlush,
            long maxRequest) {
        this.pool = pool;
        this.description = description;
        this.size = size;
        this.canZero = canZero;
        this.canFlush = canFlush;
        this.maxRequest = maxRequest;
    }

    static NbdDiskTarget open(LibNbd nbd, DiskLocation.NbdExport location, long size, SourceOptions options,
            long requestTimeoutMillis) {
        NbdConnector connector = new NbdConnector(nbd, location, options.tlsCertificates(), List.of(),
                requestTimeoutMillis);
        NbdHandle first = connector.connectForOpen("target");
        try {
            if (first.isReadOnly()) {
                throw new ValidationException("location", "NBD export " + location.description() + " is read-only:"
                        + " cannot restore to it (export it writable, e.g. qemu-nbd without --read-only)");
            }
            long exportSize = first.size();
            if (exportSize < size) {
                throw new ValidationException("location", "NBD export " + location.description() + " is "
                        + Sizes.human(exportSize) + ", the backup needs " + Sizes.human(size)
                        + ": export a larger disk");
            }
            long announced = first.maxBlockSize();
            long maxRequest = announced > 0 ? Math.min(announced, NbdDiskSource.MAX_REQUEST)
                    : NbdDiskSource.MAX_REQUEST;
            boolean canZero = first.canZero();
            boolean canFlush = first.canFlush();
            NbdPool pool = new NbdPool(connector, MAX_PARALLEL_WRITES, first);
            return new NbdDiskTarget(pool, location.description(), exportSize, canZero, canFlush, maxRequest);
        } catch (NbdException e) {
            first.close();
            throw new FerryException("Cannot open NBD target " + location.description() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            first.close();
            throw e;
        }
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public boolean unwrittenReadsAsZero() {
        return false;
    }

    @Override
    public void write(ByteBuffer src, long offset) throws IOException {
        int length = src.remaining();
        checkRange(offset, length);
        int base = src.position();
        try {
            pool.call(handle -> {
                NbdTransfers.write(handle, scratch, maxRequest, src, base, offset, length);
                return null;
            });
        } catch (IOException e) {
            throw new IOException("NBD target " + description + ": write of " + length + " bytes at offset " + offset
                    + " failed: " + e.getMessage(), e);
        }
        src.position(base + length);
    }

    @Override
    public void zero(long offset, long length) throws IOException {
        checkRange(offset, length);
        if (length == 0) {
            return;
        }
        try {
            pool.call(handle -> {
                if (canZero) {
                    zeroWith(handle, offset, length);
                } else {
                    writeZerosWith(handle, offset, length);
                }
                return null;
            });
        } catch (IOException e) {
            throw new IOException("NBD target " + description + ": zeroing " + length + " bytes at offset " + offset
                    + " failed: " + e.getMessage(), e);
        }
    }

    private static void zeroWith(NbdHandle handle, long offset, long length) throws IOException {
        long done = 0;
        while (done < length) {
            long piece = Math.min(length - done, MAX_ZERO_REQUEST);
            handle.zero(piece, offset + done);
            done += piece;
        }
    }

    private void writeZerosWith(NbdHandle handle, long offset, long length) throws IOException {
        AlignedBuffer buffer = zeroBuffer();
        long done = 0;
        while (done < length) {
            long piece = Math.min(Math.min(length - done, buffer.capacity()), maxRequest);
            handle.pwrite(buffer.pointer(), piece, offset + done);
            done += piece;
        }
    }

    private synchronized AlignedBuffer zeroBuffer() {
        if (zeros == null) {
            zeros = new AlignedBuffer(ZERO_BUFFER_SIZE);
            zeros.pointer().setMemory(0, ZERO_BUFFER_SIZE, (byte) 0);
        }
        return zeros;
    }

    /** Flushes every connection: without multi-conn, a flush covers only its own connection's writes. */
    @Override
    public void flush() throws IOException {
        if (!canFlush) {
            return;
        }
        try {
            pool.callEach(handle -> {
                handle.flush();
                return null;
            });
        } catch (IOException e) {
            throw new IOException("NBD target " + description + ": flush failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void cancelWhen(BooleanSupplier cancelled) {
        pool.cancelWhen(cancelled);
    }

    @Override
    public void abort(String reason) {
        pool.abort(reason);
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            pool.close();
            scratch.close();
            synchronized (this) {
                if (zeros != null) {
                    zeros.close();
                    zeros = null;
                }
            }
        }
    }

    private void checkRange(long offset, long length) throws IOException {
        if (offset < 0 || length < 0 || offset > size - length) {
            throw new IOException("NBD target " + description + ": cannot write " + length + " bytes at offset "
                    + offset + ", the export has " + size + " bytes");
        }
    }

    @Override
    public String toString() {
        return "NbdDiskTarget[" + description + "]";
    }
}
