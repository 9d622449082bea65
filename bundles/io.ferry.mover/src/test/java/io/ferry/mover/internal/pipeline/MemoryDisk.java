package io.ferry.mover.internal.pipeline;

import io.ferry.api.mover.DiskSource;
import io.ferry.api.mover.DiskTarget;
import io.ferry.api.mover.Extent;
import io.ferry.api.mover.ExtentType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A disk in memory with a declared extent map and an optional dirty bitmap, for unit tests
 * of the pipeline logic (the real sources are tested against real files and NBD servers).
 * Counts the bytes read so tests can check that holes, zeros and clean chunks are not read.
 */
final class MemoryDisk implements DiskSource, DiskTarget {

    final byte[] data;
    private final TreeMap<Long, Extent> extents = new TreeMap<>();
    private final List<Extent> dirty = new ArrayList<>();
    private String bitmap;
    final AtomicLong bytesRead = new AtomicLong();
    final AtomicLong bytesWritten = new AtomicLong();
    final AtomicLong zeroCalls = new AtomicLong();
    volatile long failReadsAt = -1;
    private final boolean unwrittenZero;

    MemoryDisk(int size, boolean unwrittenZero) {
        this.data = new byte[size];
        this.unwrittenZero = unwrittenZero;
        extents.put(0L, new Extent(0, size, ExtentType.DATA));
    }

    /** Declares [offset, offset+length) as a hole (and zeroes it). */
    MemoryDisk hole(long offset, long length) {
        java.util.Arrays.fill(data, (int) offset, (int) (offset + length), (byte) 0);
        List<Extent> updated = new ArrayList<>();
        for (Extent e : extents.values()) {
            if (!e.overlaps(offset, offset + length)) {
                updated.add(e);
                continue;
            }
            if (e.offset() < offset) {
                updated.add(new Extent(e.offset(), offset - e.offset(), e.type()));
            }
            if (e.end() > offset + length) {
                updated.add(new Extent(offset + length, e.end() - offset - length, e.type()));
            }
        }
        updated.add(new Extent(offset, length, ExtentType.HOLE));
        extents.clear();
        updated.forEach(e -> extents.put(e.offset(), e));
        return this;
    }

    MemoryDisk withBitmap(String name) {
        this.bitmap = name;
        return this;
    }

    /** Writes bytes and marks them dirty. */
    MemoryDisk change(int offset, byte[] bytes) {
        System.arraycopy(bytes, 0, data, offset, bytes.length);
        dirty.add(new Extent(offset, bytes.length, ExtentType.DATA));
        return this;
    }

    @Override
    public String description() {
        return "memory:" + data.length;
    }

    @Override
    public long size() {
        return data.length;
    }

    @Override
    public List<Extent> extents(long offset, long length) {
        List<Extent> out = new ArrayList<>();
        long end = offset + length;
        for (Extent e : extents.values()) {
            if (e.overlaps(offset, end)) {
                long from = Math.max(offset, e.offset());
                long to = Math.min(end, e.end());
                out.add(new Extent(from, to - from, e.type()));
            }
        }
        return out;
    }

    @Override
    public Optional<String> changedBlockTracking() {
        return Optional.ofNullable(bitmap);
    }

    @Override
    public List<Extent> changed(long offset, long length) {
        if (bitmap == null) {
            throw new IllegalStateException("no bitmap");
        }
        List<Extent> out = new ArrayList<>();
        dirty.stream().sorted((a, b) -> Long.compare(a.offset(), b.offset()))
                .filter(e -> e.overlaps(offset, offset + length)).forEach(out::add);
        return out;
    }

    @Override
    public void read(ByteBuffer dst, long offset) throws IOException {
        if (failReadsAt >= 0 && offset + dst.remaining() > failReadsAt) {
            throw new IOException("simulated: device gone at " + offset);
        }
        int n = dst.remaining();
        dst.put(data, (int) offset, n);
        bytesRead.addAndGet(n);
    }

    @Override
    public int maxParallelReads() {
        return 4;
    }

    @Override
    public boolean unwrittenReadsAsZero() {
        return unwrittenZero;
    }

    @Override
    public synchronized void write(ByteBuffer src, long offset) {
        int n = src.remaining();
        src.get(data, (int) offset, n);
        bytesWritten.addAndGet(n);
    }

    @Override
    public synchronized void zero(long offset, long length) {
        java.util.Arrays.fill(data, (int) offset, (int) (offset + length), (byte) 0);
        zeroCalls.incrementAndGet();
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
}
