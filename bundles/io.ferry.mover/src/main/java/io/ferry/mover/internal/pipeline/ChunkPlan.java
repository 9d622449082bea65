package io.ferry.mover.internal.pipeline;

import io.ferry.api.mover.DiskSource;
import io.ferry.api.mover.Extent;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Walks a disk chunk by chunk and says, for each chunk, what the backup must do with it:
 * nothing (zero or hole), carry the parent's chunk over (no changed block in it), or read
 * it (which parts hold data). The source's extent map and dirty bitmap are queried one
 * window at a time, so memory does not grow with the disk size.
 */
final class ChunkPlan implements Iterator<ChunkPlan.Step> {

    /** What to do with one chunk. */
    enum Action { ZERO, CARRY_OVER, READ }

    /**
     * @param index  chunk index
     * @param offset byte offset of the chunk in the disk
     * @param length chunk length (the last one may be short)
     * @param action what to do
     * @param data   for READ: the DATA ranges in the chunk, relative to its start, in order;
     *               empty list never happens for READ
     */
    record Step(long index, long offset, int length, Action action, List<Range> data) {
        long dataBytes() {
            long sum = 0;
            for (Range r : data) {
                sum += r.length();
            }
            return sum;
        }

        boolean fullyData() {
            return data.size() == 1 && data.get(0).from() == 0 && data.get(0).length() == length;
        }
    }

    /** A range [from, from + length) relative to a chunk start. */
    record Range(int from, int length) {
        int to() {
            return from + length;
        }
    }

    static final int WINDOW_CHUNKS = 256;

    private final DiskSource source;
    private final long size;
    private final int chunkSize;
    private final boolean useChangedBlocks;
    private final long chunkCount;
    private long nextIndex;
    private final ArrayList<Step> window = new ArrayList<>();
    private int windowPos;

    ChunkPlan(DiskSource source, int chunkSize, boolean useChangedBlocks) {
        this.source = source;
        this.size = source.size();
        this.chunkSize = chunkSize;
        this.useChangedBlocks = useChangedBlocks;
        this.chunkCount = (size + chunkSize - 1) / chunkSize;
    }

    long chunkCount() {
        return chunkCount;
    }

    @Override
    public boolean hasNext() {
        return windowPos < window.size() || nextIndex < chunkCount;
    }

    @Override
    public Step next() {
        if (windowPos >= window.size()) {
            if (nextIndex >= chunkCount) {
                throw new NoSuchElementException();
            }
            try {
                fillWindow();
            } catch (IOException e) {
                throw new SourceException(e);
            }
        }
        return window.get(windowPos++);
    }

    private void fillWindow() throws IOException {
        window.clear();
        windowPos = 0;
        long first = nextIndex;
        long last = Math.min(chunkCount, first + WINDOW_CHUNKS);
        long from = first * chunkSize;
        long to = Math.min(size, last * chunkSize);
        List<Extent> extents = source.extents(from, to - from);
        List<Extent> changed = useChangedBlocks ? source.changed(from, to - from) : List.of();
        int e = 0;
        int c = 0;
        for (long index = first; index < last; index++) {
            long chunkStart = index * chunkSize;
            int length = (int) Math.min(chunkSize, size - chunkStart);
            long chunkEnd = chunkStart + length;
            // data ranges of this chunk
            ArrayList<Range> data = new ArrayList<>(1);
            while (e < extents.size() && extents.get(e).end() <= chunkStart) {
                e++;
            }
            for (int k = e; k < extents.size() && extents.get(k).offset() < chunkEnd; k++) {
                Extent x = extents.get(k);
                if (!x.type().readsAsZero()) {
                    int rFrom = (int) (Math.max(x.offset(), chunkStart) - chunkStart);
                    int rTo = (int) (Math.min(x.end(), chunkEnd) - chunkStart);
                    if (!data.isEmpty() && data.get(data.size() - 1).to() == rFrom) {
                        Range prev = data.remove(data.size() - 1);
                        data.add(new Range(prev.from(), rTo - prev.from()));
                    } else {
                        data.add(new Range(rFrom, rTo - rFrom));
                    }
                }
            }
            Action action;
            if (data.isEmpty()) {
                action = Action.ZERO;
            } else if (useChangedBlocks) {
                while (c < changed.size() && changed.get(c).end() <= chunkStart) {
                    c++;
                }
                boolean dirty = c < changed.size() && changed.get(c).overlaps(chunkStart, chunkEnd);
                action = dirty ? Action.READ : Action.CARRY_OVER;
            } else {
                action = Action.READ;
            }
            window.add(new Step(index, chunkStart, length, action, action == Action.READ ? List.copyOf(data) : List.of()));
        }
        nextIndex = last;
    }

    /** An IOException of the source while planning, unchecked for the iterator. */
    static final class SourceException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SourceException(IOException cause) {
            super(cause);
        }

        @Override
        public synchronized IOException getCause() {
            return (IOException) super.getCause();
        }
    }
}
