package io.ferry.mover.internal.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ferry.mover.internal.pipeline.ChunkPlan.Action;
import io.ferry.mover.internal.pipeline.ChunkPlan.Range;
import io.ferry.mover.internal.pipeline.ChunkPlan.Step;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which chunks a backup reads, carries over or skips (issue 5: holes and zeros are never read). */
class ChunkPlanTest {

    private static final int CHUNK = 64 * 1024;

    private static List<Step> steps(MemoryDisk disk, boolean changedBlocks) {
        ChunkPlan plan = new ChunkPlan(disk, CHUNK, changedBlocks);
        List<Step> steps = new ArrayList<>();
        plan.forEachRemaining(steps::add);
        assertEquals(plan.chunkCount(), steps.size());
        return steps;
    }

    @Test
    void holesAreSkippedAndPartialChunksReadOnlyTheirData() {
        MemoryDisk disk = new MemoryDisk(4 * CHUNK + 1000, true)
                .hole(CHUNK, CHUNK)                // chunk 1 entirely a hole
                .hole(2 * CHUNK + 4096, 8192);     // chunk 2 has a hole inside
        List<Step> steps = steps(disk, false);
        assertEquals(List.of(Action.READ, Action.ZERO, Action.READ, Action.READ, Action.READ),
                steps.stream().map(Step::action).toList());
        assertEquals(List.of(new Range(0, 4096), new Range(4096 + 8192, CHUNK - 4096 - 8192)), steps.get(2).data());
        assertEquals(1000, steps.get(4).length(), "the last chunk is short");
        assertEquals(true, steps.get(0).fullyData());
    }

    @Test
    void withChangedBlocksOnlyDirtyChunksAreRead() {
        MemoryDisk disk = new MemoryDisk(4 * CHUNK, true).hole(3 * CHUNK, CHUNK).withBitmap("b0")
                .change(CHUNK + 10, new byte[] {1, 2, 3});
        List<Step> steps = steps(disk, true);
        assertEquals(List.of(Action.CARRY_OVER, Action.READ, Action.CARRY_OVER, Action.ZERO),
                steps.stream().map(Step::action).toList());
    }

    @Test
    void theExtentMapIsQueriedOneWindowAtATime() {
        int chunks = ChunkPlan.WINDOW_CHUNKS * 2 + 3;
        MemoryDisk disk = new MemoryDisk(chunks * CHUNK, true)
                .hole((long) (ChunkPlan.WINDOW_CHUNKS - 1) * CHUNK, 2L * CHUNK); // spans the window border
        List<Step> steps = steps(disk, false);
        assertEquals(Action.ZERO, steps.get(ChunkPlan.WINDOW_CHUNKS - 1).action());
        assertEquals(Action.ZERO, steps.get(ChunkPlan.WINDOW_CHUNKS).action());
        assertEquals(Action.READ, steps.get(ChunkPlan.WINDOW_CHUNKS + 1).action());
        assertEquals(chunks, steps.size());
    }
}
