package io.ferry.api.mover;

import java.util.Objects;

/**
 * A range of a disk.
 *
 * @param offset byte offset, >= 0
 * @param length byte length, > 0
 * @param type   what it holds; for changed-block queries always {@link ExtentType#DATA}
 */
public record Extent(long offset, long length, ExtentType type) {

    public Extent {
        Objects.requireNonNull(type, "type");
        if (offset < 0 || length <= 0 || offset + length < offset) {
            throw new IllegalArgumentException("bad extent " + offset + "+" + length);
        }
    }

    /** Exclusive end offset. */
    public long end() {
        return offset + length;
    }

    /** True when this extent and [from, to) share a byte. */
    public boolean overlaps(long from, long to) {
        return offset < to && from < end();
    }
}
