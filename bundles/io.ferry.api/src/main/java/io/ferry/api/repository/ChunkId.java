package io.ferry.api.repository;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * The 32-byte content address of a chunk (a keyed SHA-256 of its plaintext, see
 * docs/repository-format.md). Immutable; equal when the bytes are equal.
 */
public final class ChunkId implements Comparable<ChunkId> {

    public static final int LENGTH = 32;
    private static final HexFormat HEX = HexFormat.of();

    private final byte[] bytes;
    private final int hash;

    private ChunkId(byte[] bytes) {
        this.bytes = bytes;
        this.hash = Arrays.hashCode(bytes);
    }

    /** Copies the 32 bytes. */
    public static ChunkId of(byte[] bytes) {
        if (bytes == null || bytes.length != LENGTH) {
            throw new IllegalArgumentException("a chunk id has 32 bytes");
        }
        return new ChunkId(bytes.clone());
    }

    /** Parses 64 hex digits. */
    public static ChunkId parse(String hex) {
        if (hex == null || hex.length() != 2 * LENGTH) {
            throw new IllegalArgumentException("a chunk id is 64 hex digits: '" + hex + "'");
        }
        return new ChunkId(HEX.parseHex(hex));
    }

    /** A copy of the 32 bytes. */
    public byte[] toBytes() {
        return bytes.clone();
    }

    /** Copies the 32 bytes into {@code dst} at {@code offset}. */
    public void copyTo(byte[] dst, int offset) {
        System.arraycopy(bytes, 0, dst, offset, LENGTH);
    }

    /** 64 lower-case hex digits. */
    public String hex() {
        return HEX.formatHex(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChunkId other && hash == other.hash && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public int compareTo(ChunkId o) {
        return Arrays.compareUnsigned(bytes, o.bytes);
    }

    @Override
    public String toString() {
        return hex();
    }
}
