package io.ferry.mover.internal.pipeline;

import java.io.IOException;
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

    /** Receives one run {@code [from, to)} of a chunk buffer that is not all zeros. */
    interface RunWriter {
        void write(int from, int to) throws IOException;
    }

    /**
     * Calls {@code out}, in order, for each maximal run of {@code block}-sized blocks of
     * {@code data} (position 0 to its limit; the last block may be shorter) that are not all
     * zeros; returns the bytes in those runs. Zero blocks are skipped with one comparison up
     * to the next non-zero byte, a data block is usually told apart by its first bytes, and
     * no buffer is allocated per block (two views per call). {@code zeros} must be at least
     * as long as {@code data}'s limit; neither buffer's position or limit changes.
     */
    static long nonZeroRuns(ByteBuffer data, ByteBuffer zeros, int block, RunWriter out) throws IOException {
        int len = data.limit();
        ByteBuffer view = data.duplicate();
        ByteBuffer zero = zeros.duplicate();
        long total = 0;
        int pos = 0;
        while (pos < len) {
            int first = mismatchWithZeros(view, zero, pos, len);
            if (first < 0) {
                break; // all zeros to the end
            }
            int start = pos + first / block * block;
            int end = Math.min(len, start + block);
            while (end < len && mismatchWithZeros(view, zero, end, Math.min(len, end + block)) >= 0) {
                end = Math.min(len, end + block);
            }
            out.write(start, end);
            total += end - start;
            pos = end;
        }
        return total;
    }

    /** Index (from {@code from}) of the first non-zero byte of {@code view}'s {@code [from, to)}, or -1. */
    private static int mismatchWithZeros(ByteBuffer view, ByteBuffer zero, int from, int to) {
        view.limit(to).position(from);
        zero.limit(to - from).position(0);
        return view.mismatch(zero);
    }

    /** Zero-fills {@code [from, to)} of {@code buf} (absolute positions). */
    static void fill(ByteBuffer buf, int from, int to, ByteBuffer zeros) {
        if (to > from) {
            buf.put(from, zeros, 0, to - from);
        }
    }
}
