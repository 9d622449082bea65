package io.ferry.mover.internal.pipeline;

import java.nio.ByteBuffer;

/** Page-aligned direct buffers (usable with O_DIRECT) and zero detection. */
final class ChunkBuffers {

    static final int ALIGNMENT = 4096;

    private ChunkBuffers() {
    }

    /** A direct buffer of {@code size} bytes whose address is 4096-aligned. */
    static ByteBuffer allocate(int size) {
        // alignedSlice rounds both ends to the alignment: round up, plus one page of slack
        int rounded = (size + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
        return ByteBuffer.allocateDirect(rounded + ALIGNMENT).alignedSlice(ALIGNMENT).limit(size).slice();
    }

    /** A read-only all-zero buffer to compare against. */
    static ByteBuffer zeros(int size) {
        return ByteBuffer.allocateDirect(size).asReadOnlyBuffer();
    }

    /**
     * True when {@code data} (position to limit) is all zeros. {@code zeros} must be at least
     * as long; both buffers' positions are left unchanged.
     */
    static boolean isZero(ByteBuffer data, ByteBuffer zeros) {
        int len = data.remaining();
        return data.mismatch(zeros.duplicate().position(0).limit(len)) < 0;
    }

    /** Zero-fills {@code [from, to)} of {@code buf} (absolute positions). */
    static void fill(ByteBuffer buf, int from, int to, ByteBuffer zeros) {
        if (to > from) {
            buf.put(from, zeros, 0, to - from);
        }
    }
}
