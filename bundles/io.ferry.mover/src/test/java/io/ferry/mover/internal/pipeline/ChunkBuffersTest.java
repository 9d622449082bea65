package io.ferry.mover.internal.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Which parts of a restored chunk are written to a sparse target: every block with a
 * non-zero byte, in maximal runs, and nothing else (a restored file is byte-identical and
 * no more allocated than the source).
 */
class ChunkBuffersTest {

    private static final int BLOCK = 4096;

    private static List<List<Integer>> runs(ByteBuffer data) throws IOException {
        List<List<Integer>> runs = new ArrayList<>();
        long total = ChunkBuffers.nonZeroRuns(data, ChunkBuffers.zeros(data.limit()), BLOCK,
                (from, to) -> runs.add(List.of(from, to)));
        assertEquals(runs.stream().mapToLong(r -> r.get(1) - r.get(0)).sum(), total);
        return runs;
    }

    /** The same runs, one block at a time, the obvious way. */
    private static List<List<Integer>> naiveRuns(byte[] bytes) {
        List<List<Integer>> runs = new ArrayList<>();
        int start = -1;
        for (int pos = 0; pos < bytes.length; pos += BLOCK) {
            boolean zero = true;
            for (int i = pos; i < Math.min(bytes.length, pos + BLOCK); i++) {
                zero &= bytes[i] == 0;
            }
            if (!zero && start < 0) {
                start = pos;
            } else if (zero && start >= 0) {
                runs.add(List.of(start, pos));
                start = -1;
            }
        }
        if (start >= 0) {
            runs.add(List.of(start, bytes.length));
        }
        return runs;
    }

    private static ByteBuffer direct(byte[] bytes) {
        return ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
    }

    @Test
    void zeroBlocksAreSkippedAndDataBlocksWrittenInRuns() throws IOException {
        byte[] bytes = new byte[16 * BLOCK + 100]; // a short last block, as at the end of a disk
        bytes[BLOCK - 1] = 1;                      // last byte of block 0
        bytes[3 * BLOCK] = 2;                      // blocks 3..5: one run
        bytes[4 * BLOCK + 2000] = 3;
        bytes[6 * BLOCK - 1] = 4;
        bytes[11 * BLOCK + 7] = 5;                 // alone after a long zero stretch
        bytes[16 * BLOCK + 99] = 6;                // the short last block
        ByteBuffer data = direct(bytes);

        assertEquals(List.of(List.of(0, BLOCK), List.of(3 * BLOCK, 6 * BLOCK), List.of(11 * BLOCK, 12 * BLOCK),
                List.of(16 * BLOCK, bytes.length)), runs(data));
        assertEquals(0, data.position(), "the chunk buffer is left as it was");
        assertEquals(bytes.length, data.limit());
    }

    @Test
    void allZerosWritesNothingAndAllDataOneRun() throws IOException {
        assertEquals(List.of(), runs(direct(new byte[8 * BLOCK])));
        byte[] full = new byte[8 * BLOCK + 10];
        java.util.Arrays.fill(full, (byte) 0x5a);
        assertEquals(List.of(List.of(0, full.length)), runs(direct(full)));
    }

    @Test
    void sameRunsAsBlockByBlockOnRandomSparseChunks() throws IOException {
        Random random = new Random(14);
        for (int round = 0; round < 200; round++) {
            byte[] bytes = new byte[(1 + random.nextInt(40)) * BLOCK - random.nextInt(2) * random.nextInt(BLOCK)];
            int marks = random.nextInt(12);
            for (int i = 0; i < marks; i++) {
                // single bytes anywhere, or whole stretches of data
                int at = random.nextInt(bytes.length);
                int len = random.nextBoolean() ? 1 : random.nextInt(3 * BLOCK);
                for (int j = at; j < Math.min(bytes.length, at + len); j++) {
                    bytes[j] = (byte) (1 + random.nextInt(255));
                }
            }
            assertEquals(naiveRuns(bytes), runs(direct(bytes)), "round " + round);
        }
    }
}
