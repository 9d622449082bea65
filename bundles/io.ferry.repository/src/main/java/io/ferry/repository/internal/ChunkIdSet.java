package io.ferry.repository.internal;

import io.ferry.api.repository.ChunkId;

/**
 * A compact set of chunk ids (open addressing over one byte array, about 50 bytes per id
 * instead of about 110 for a {@code HashSet<ChunkId>}): the mark set of prune and the
 * distinct chunks of verify. Ids are HMAC outputs, so their first bytes are a good hash.
 * Not thread-safe while being filled; iteration by slot once filled.
 */
final class ChunkIdSet {

    private static final int MAX_CAPACITY = 1 << 25;

    private byte[] slots;
    private long[] used;
    private int capacity;
    private int size;

    ChunkIdSet() {
        allocate(1 << 10);
    }

    int size() {
        return size;
    }

    /** Adds the 32 bytes at {@code offset} of {@code src}; true when they were not in the set. */
    boolean add(byte[] src, int offset) {
        if (size + 1 > capacity / 4 * 3) {
            grow();
        }
        int slot = find(src, offset);
        if (isUsed(slot)) {
            return false;
        }
        System.arraycopy(src, offset, slots, slot * ChunkId.LENGTH, ChunkId.LENGTH);
        used[slot >>> 6] |= 1L << slot;
        size++;
        return true;
    }

    boolean contains(byte[] src, int offset) {
        return isUsed(find(src, offset));
    }

    /** Slots are 0 .. capacity - 1; only used slots hold an id. */
    int capacity() {
        return capacity;
    }

    boolean isUsed(int slot) {
        return (used[slot >>> 6] & (1L << slot)) != 0;
    }

    ChunkId get(int slot) {
        byte[] out = new byte[ChunkId.LENGTH];
        System.arraycopy(slots, slot * ChunkId.LENGTH, out, 0, ChunkId.LENGTH);
        return ChunkId.of(out);
    }

    private int find(byte[] src, int offset) {
        int mask = capacity - 1;
        int slot = hash(src, offset) & mask;
        while (isUsed(slot) && !equalAt(slot, src, offset)) {
            slot = (slot + 1) & mask;
        }
        return slot;
    }

    private boolean equalAt(int slot, byte[] src, int offset) {
        int base = slot * ChunkId.LENGTH;
        for (int i = 0; i < ChunkId.LENGTH; i++) {
            if (slots[base + i] != src[offset + i]) {
                return false;
            }
        }
        return true;
    }

    private static int hash(byte[] b, int o) {
        int h = (b[o] & 0xff) << 24 | (b[o + 1] & 0xff) << 16 | (b[o + 2] & 0xff) << 8 | (b[o + 3] & 0xff);
        return h ^ (h >>> 16);
    }

    private void grow() {
        if (capacity >= MAX_CAPACITY) {
            throw new IllegalStateException("more than " + (MAX_CAPACITY / 4 * 3) + " distinct chunks");
        }
        byte[] oldSlots = slots;
        long[] oldUsed = used;
        int oldCapacity = capacity;
        allocate(capacity * 2);
        size = 0;
        for (int s = 0; s < oldCapacity; s++) {
            if ((oldUsed[s >>> 6] & (1L << s)) != 0) {
                add(oldSlots, s * ChunkId.LENGTH);
            }
        }
    }

    private void allocate(int newCapacity) {
        capacity = newCapacity;
        slots = new byte[newCapacity * ChunkId.LENGTH];
        used = new long[Math.max(1, newCapacity / 64)];
    }
}
