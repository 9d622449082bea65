package io.ferry.repository.internal;

import io.ferry.api.repository.ChunkId;
import java.util.Optional;

/**
 * The chunk table of one backup: for each chunk index either "zero" or a 32-byte chunk id.
 * This is the backup's extent map at chunk granularity. Stored in pages of 32768 entries
 * (1 MiB of ids each) allocated on first use, so a mostly empty disk costs little and a
 * 2 TiB disk with 4 MiB chunks costs about 16 MiB. Not thread-safe.
 */
final class ChunkTable {

    private static final int PAGE_BITS = 15;
    private static final int PAGE = 1 << PAGE_BITS;
    private static final int MASK = PAGE - 1;

    private final long count;
    private final byte[][] ids;
    private final long[][] present;
    private long dataCount;

    ChunkTable(long count) {
        if (count < 0) {
            throw new IllegalArgumentException("negative chunk count " + count);
        }
        long pages = (count + PAGE - 1) >>> PAGE_BITS;
        if (pages > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(count + " chunks are too many for one backup");
        }
        this.count = count;
        this.ids = new byte[(int) pages][];
        this.present = new long[(int) pages][];
    }

    long count() {
        return count;
    }

    /** Number of non-zero entries. */
    long dataCount() {
        return dataCount;
    }

    /** Sets entry {@code index}; null means a zero chunk. */
    void set(long index, ChunkId id) {
        check(index);
        int page = (int) (index >>> PAGE_BITS);
        int slot = (int) (index & MASK);
        if (id == null) {
            if (present[page] != null && isSet(page, slot)) {
                present[page][slot >>> 6] &= ~(1L << slot);
                dataCount--;
            }
            return;
        }
        if (ids[page] == null) {
            ids[page] = new byte[PAGE * ChunkId.LENGTH];
            present[page] = new long[PAGE / 64];
        }
        id.copyTo(ids[page], slot * ChunkId.LENGTH);
        if (!isSet(page, slot)) {
            present[page][slot >>> 6] |= 1L << slot;
            dataCount++;
        }
    }

    /** Sets entry {@code index} from 32 bytes at {@code offset} of {@code src}. */
    void set(long index, byte[] src, int offset) {
        check(index);
        int page = (int) (index >>> PAGE_BITS);
        int slot = (int) (index & MASK);
        if (ids[page] == null) {
            ids[page] = new byte[PAGE * ChunkId.LENGTH];
            present[page] = new long[PAGE / 64];
        }
        System.arraycopy(src, offset, ids[page], slot * ChunkId.LENGTH, ChunkId.LENGTH);
        if (!isSet(page, slot)) {
            present[page][slot >>> 6] |= 1L << slot;
            dataCount++;
        }
    }

    boolean isData(long index) {
        check(index);
        int page = (int) (index >>> PAGE_BITS);
        return present[page] != null && isSet(page, (int) (index & MASK));
    }

    Optional<ChunkId> get(long index) {
        if (!isData(index)) {
            return Optional.empty();
        }
        byte[] out = new byte[ChunkId.LENGTH];
        copyId(index, out, 0);
        return Optional.of(ChunkId.of(out));
    }

    /** Copies the id of a data entry into {@code dst} at {@code offset}. */
    void copyId(long index, byte[] dst, int offset) {
        int page = (int) (index >>> PAGE_BITS);
        System.arraycopy(ids[page], (int) (index & MASK) * ChunkId.LENGTH, dst, offset, ChunkId.LENGTH);
    }

    /** The page array holding entry {@code index} and the offset of its id there (for bulk readers). */
    byte[] page(long index) {
        return ids[(int) (index >>> PAGE_BITS)];
    }

    static int offsetInPage(long index) {
        return (int) (index & MASK) * ChunkId.LENGTH;
    }

    private boolean isSet(int page, int slot) {
        return (present[page][slot >>> 6] & (1L << slot)) != 0;
    }

    private void check(long index) {
        if (index < 0 || index >= count) {
            throw new IndexOutOfBoundsException("chunk index " + index + " is outside 0.." + (count - 1));
        }
    }
}
