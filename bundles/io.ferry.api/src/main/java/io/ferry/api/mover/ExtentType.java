package io.ferry.api.mover;

/** What a range of a disk holds, as far as the source knows without reading it. */
public enum ExtentType {
    /** Allocated data (may still contain zeros). */
    DATA,
    /** Allocated, known to read as zeros. Never read. */
    ZERO,
    /** Not allocated (sparse); reads as zeros. Never read. */
    HOLE;

    /** True when the range reads as zeros and need not be read. */
    public boolean readsAsZero() {
        return this != DATA;
    }
}
