package io.ferry.mover.internal.testing;

import io.ferry.api.mover.DiskSource;
import io.ferry.api.mover.Extent;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The sha256 of a whole {@link DiskSource} as a backup sees it: DATA extents are read,
 * HOLE and ZERO extents are taken as zeros without reading. Equal to the image's sha256
 * only if the extent map is right and the reads are right.
 *
 * @param sha256    hex digest of all {@code size()} bytes
 * @param bytesRead bytes actually read (the DATA extents)
 */
public record DiskDigest(String sha256, long bytesRead) {

    private static final int CHUNK = 4 << 20;

    public static DiskDigest of(DiskSource source) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        ByteBuffer buffer = ByteBuffer.allocateDirect(CHUNK + 8192).alignedSlice(4096).limit(CHUNK).slice();
        ByteBuffer zeros = ByteBuffer.allocateDirect(CHUNK);
        long read = 0;
        for (long chunk = 0; chunk < source.size(); chunk += CHUNK) {
            long length = Math.min(CHUNK, source.size() - chunk);
            for (Extent extent : source.extents(chunk, length)) {
                if (extent.type().readsAsZero()) {
                    digest.update(zeros.clear().limit((int) extent.length()));
                    continue;
                }
                buffer.clear().limit((int) extent.length());
                source.read(buffer, extent.offset());
                digest.update(buffer.flip());
                read += extent.length();
            }
        }
        return new DiskDigest(HexFormat.of().formatHex(digest.digest()), read);
    }
}
