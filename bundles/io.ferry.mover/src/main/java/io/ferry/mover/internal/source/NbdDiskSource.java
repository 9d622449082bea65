package io.ferry.mover.internal.source;

import io.ferry.api.FerryException;
import io.ferry.api.NotFoundException;
import io.ferry.api.mover.DiskSource;
import io.ferry.api.mover.Extent;
import io.ferry.api.mover.ExtentType;
import io.ferry.api.mover.SourceOptions;
import io.ferry.mover.internal.nativeio.LibNbd;
import io.ferry.mover.internal.nativeio.NbdException;
import io.ferry.mover.internal.nativeio.NbdHandle;
import io.ferry.mover.internal.nativeio.ScratchBuffers;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * An NBD export read through libnbd: {@code nbd://}, {@code nbds://} (TLS),
 * {@code nbd+unix://}, {@code nbds+unix://}.
 *
 * <p>Up to {@link #MAX_PARALLEL_READS} connections, one per concurrent reader, each asking
 * for {@code base:allocation} (and {@code qemu:dirty-bitmap:NAME} when opened with a
 * bitmap) before connecting. Extents and changed ranges come from {@code nbd_block_status};
 * reads from {@code nbd_pread} in pieces the server accepts (at most 32 MiB). Every failure
 * names the export and the offset; a server that goes away fails the call in progress, one
 * that stops answering fails it at the request deadline (see {@link NbdHandle}).
 */
public final class NbdDiskSource implements DiskSource, CancellableIo {

    static final int MAX_PARALLEL_READS = 4;
    /** qemu-nbd's maximum request; also the default when a server does not announce one. */
    static final long MAX_REQUEST = 32L << 20;
    /** Block status lengths are 32-bit in libnbd 1.14: stay below 4 GiB, on a 1 MiB boundary. */
    static final long MAX_STATUS_REQUEST = (4L << 30) - (1L << 20);
    private static final int SCRATCH_SIZE = 4 << 20;

    private final NbdPool pool;
    private final String description;
    private final long size;
    private final boolean allocationKnown;
    private final String bitmap;
    private final long maxRequest;
    private final ScratchBuffers scratch = new ScratchBuffers(SCRATCH_SIZE, MAX_PARALLEL_READS);
    private final AtomicBoolean closed = new AtomicBoolean();

    private NbdDiskSource(NbdConnector connector, NbdPool pool, long size, boolean allocationKnown, String bitmap,
            long maxRequest) {
        this.pool = pool;
        this.description = connector.description();
        this.size = size;
        this.allocationKnown = allocationKnown;
        this.bitmap = bitmap;
        this.maxRequest = maxRequest;
    }

    /**
     * Connects once to check the export (size, meta contexts, the dirty bitmap). Fails with
     * a {@link FerryException} naming the URI (without secrets) and libnbd's reason, or a
     * {@link NotFoundException} when the requested dirty bitmap is not exported.
     */
    static NbdDiskSource open(LibNbd nbd, DiskLocation.NbdExport location, SourceOptions options,
            long requestTimeoutMillis) {
        String bitmap = options.dirtyBitmap();
        List<String> contexts = bitmap == null
                ? List.of(LibNbd.CONTEXT_BASE_ALLOCATION)
                : List.of(LibNbd.CONTEXT_BASE_ALLOCATION, bitmapContext(bitmap));
        NbdConnector connector = new NbdConnector(nbd, location, options.tlsCertificates(), contexts,
                requestTimeoutMillis);
        NbdHandle first = connector.connectForOpen("source");
        try {
            if (bitmap != null && !first.canMetaContext(bitmapContext(bitmap))) {
                throw new NotFoundException("NBD export " + location.description() + " does not offer dirty bitmap '"
                        + bitmap + "' (meta context " + bitmapContext(bitmap) + "): export it (qemu-nbd -B " + bitmap
                        + ", or block-export-add with bitmaps) or run a full backup without a bitmap");
            }
            long size = first.size();
            boolean allocationKnown = first.canMetaContext(LibNbd.CONTEXT_BASE_ALLOCATION);
            long announced = first.maxBlockSize();
            long maxRequest = announced > 0 ? Math.min(announced, MAX_REQUEST) : MAX_REQUEST;
            NbdPool pool = new NbdPool(connector, MAX_PARALLEL_READS, first);
            return new NbdDiskSource(connector, pool, size, allocationKnown, bitmap, maxRequest);
        } catch (NbdException e) {
            first.close();
            throw new FerryException("Cannot open NBD source " + location.description() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            first.close();
            throw e;
        }
    }

    private static String bitmapContext(String bitmap) {
        return LibNbd.CONTEXT_DIRTY_BITMAP_PREFIX + bitmap;
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
    public List<Extent> extents(long offset, long length) throws IOException {
        checkRange(offset, length);
        if (length == 0) {
            return List.of();
        }
        if (!allocationKnown) {
            return List.of(new Extent(offset, length, ExtentType.DATA));
        }
        return blockStatus(LibNbd.CONTEXT_BASE_ALLOCATION, offset, length, NbdDiskSource::allocationType);
    }

    @Override
    public Optional<String> changedBlockTracking() {
        return Optional.ofNullable(bitmap);
    }

    @Override
    public List<Extent> changed(long offset, long length) throws IOException {
        if (bitmap == null) {
            throw new IllegalStateException("NBD source " + description + " was opened without a dirty bitmap:"
                    + " open it with SourceOptions.withDirtyBitmap(name) to ask for changed blocks");
        }
        checkRange(offset, length);
        if (length == 0) {
            return List.of();
        }
        return blockStatus(bitmapContext(bitmap), offset, length,
                flags -> (flags & LibNbd.LIBNBD_STATE_DIRTY) != 0 ? ExtentType.DATA : null);
    }

    /** HOLE=1 -> HOLE (also with ZERO), ZERO=2 -> ZERO, otherwise DATA. */
    static ExtentType allocationType(int flags) {
        if ((flags & LibNbd.LIBNBD_STATE_HOLE) != 0) {
            return ExtentType.HOLE;
        }
        return (flags & LibNbd.LIBNBD_STATE_ZERO) != 0 ? ExtentType.ZERO : ExtentType.DATA;
    }

    @FunctionalInterface
    private interface FlagMapping {
        /** The extent type for these flags, or null to leave the range out. */
        ExtentType type(int flags);
    }

    /**
     * Asks block status until {@code [offset, offset + length)} is covered: servers may
     * answer for less than asked (and for more, which is cut off).
     */
    private List<Extent> blockStatus(String context, long offset, long length, FlagMapping mapping)
            throws IOException {
        long end = offset + length;
        ExtentList extents = new ExtentList();
        long position = offset;
        while (position < end) {
            long start = position;
            long count = Math.min(end - start, MAX_STATUS_REQUEST);
            long[] reached = {start};
            try {
                pool.call(handle -> {
                    handle.blockStatus(count, start, (replyContext, replyOffset, entries) -> {
                        if (!replyContext.equals(context)) {
                            return;
                        }
                        long at = replyOffset;
                        for (int i = 0; i + 1 < entries.length && at < end; i += 2) {
                            long next = at + Integer.toUnsignedLong(entries[i]);
                            if (at <= reached[0] && next > reached[0]) {
                                long to = Math.min(next, end);
                                ExtentType type = mapping.type(entries[i + 1]);
                                if (type != null) {
                                    extents.add(reached[0], to, type);
                                }
                                reached[0] = to;
                            }
                            at = next;
                        }
                    });
                    return null;
                });
            } catch (IOException e) {
                throw new IOException("NBD source " + description + ": cannot get " + context + " for " + count
                        + " bytes at offset " + start + ": " + e.getMessage(), e);
            }
            if (reached[0] <= start) {
                throw new IOException("NBD source " + description + ": the server described no " + context
                        + " extent at offset " + start);
            }
            position = reached[0];
        }
        return extents.toList();
    }

    @Override
    public void read(ByteBuffer dst, long offset) throws IOException {
        int length = dst.remaining();
        if (offset < 0 || offset > size - length) {
            throw new IOException("NBD source " + description + ": cannot read " + length + " bytes at offset "
                    + offset + ", the disk has " + size + " bytes");
        }
        int base = dst.position();
        try {
            pool.call(handle -> {
                NbdTransfers.read(handle, scratch, maxRequest, dst, base, offset, length);
                return null;
            });
        } catch (IOException e) {
            throw new IOException("NBD source " + description + ": read of " + length + " bytes at offset " + offset
                    + " failed: " + e.getMessage(), e);
        }
        dst.position(base + length);
    }

    @Override
    public int maxParallelReads() {
        return MAX_PARALLEL_READS;
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
        }
    }

    private void checkRange(long offset, long length) {
        if (offset < 0 || length < 0 || offset > size - length) {
            throw new IllegalArgumentException("range " + offset + "+" + length + " is outside NBD source "
                    + description + " (" + size + " bytes)");
        }
    }

    @Override
    public String toString() {
        return "NbdDiskSource[" + description + "]";
    }

    /** Extents in order, adjacent ones of the same type merged. */
    private static final class ExtentList {
        private final List<Extent> extents = new ArrayList<>();
        private long start = -1;
        private long end = -1;
        private ExtentType type;

        void add(long from, long to, ExtentType extentType) {
            if (type == extentType && from == end) {
                end = to;
                return;
            }
            flush();
            start = from;
            end = to;
            type = extentType;
        }

        List<Extent> toList() {
            flush();
            return List.copyOf(extents);
        }

        private void flush() {
            if (type != null) {
                extents.add(new Extent(start, end - start, type));
                type = null;
            }
        }
    }
}
