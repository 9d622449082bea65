package io.ferry.mover.internal.nativeio;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * A few reusable {@link AlignedBuffer}s for copies between native calls and heap (or
 * unaligned) buffers. At most {@code keep} buffers stay allocated; a thread that finds none
 * free gets a temporary one, freed when it is released.
 */
public final class ScratchBuffers implements AutoCloseable {

    private final int size;
    private final BlockingQueue<AlignedBuffer> free;
    private volatile boolean closed;

    public ScratchBuffers(int size, int keep) {
        this.size = size;
        this.free = new ArrayBlockingQueue<>(keep);
    }

    /** Capacity of each buffer. */
    public int size() {
        return size;
    }

    public AlignedBuffer acquire() {
        AlignedBuffer buffer = free.poll();
        return buffer != null ? buffer : new AlignedBuffer(size);
    }

    public void release(AlignedBuffer buffer) {
        if (closed || !free.offer(buffer)) {
            buffer.close();
        }
    }

    @Override
    public void close() {
        closed = true;
        AlignedBuffer buffer;
        while ((buffer = free.poll()) != null) {
            buffer.close();
        }
    }
}
