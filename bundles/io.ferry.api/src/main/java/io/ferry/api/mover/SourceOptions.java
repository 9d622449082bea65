package io.ferry.api.mover;

import java.nio.file.Path;
import java.util.Optional;

/**
 * How to open a source.
 *
 * @param dirtyBitmap     name of a QEMU dirty bitmap exported with an NBD source
 *                        ({@code qemu:dirty-bitmap:NAME}); when set, {@link DiskSource#changed}
 *                        reports the blocks changed since the bitmap was started. Null: none.
 *                        Opening fails when the server does not export it.
 * @param tlsCertificates directory with {@code ca-cert.pem} (and, for client authentication,
 *                        {@code client-cert.pem} / {@code client-key.pem}) for {@code nbds://}
 *                        URIs; null: the system trust settings of libnbd (GnuTLS)
 * @param directIo        read local files with {@code O_DIRECT} (bypass the page cache of the
 *                        proxy) where sizes and offsets are aligned; ignored for NBD
 */
public record SourceOptions(String dirtyBitmap, Path tlsCertificates, boolean directIo) {

    public static SourceOptions defaults() {
        return new SourceOptions(null, null, true);
    }

    public SourceOptions withDirtyBitmap(String name) {
        return new SourceOptions(name, tlsCertificates, directIo);
    }

    public SourceOptions withTlsCertificates(Path dir) {
        return new SourceOptions(dirtyBitmap, dir, directIo);
    }

    public SourceOptions withDirectIo(boolean value) {
        return new SourceOptions(dirtyBitmap, tlsCertificates, value);
    }

    public Optional<String> bitmap() {
        return Optional.ofNullable(dirtyBitmap);
    }
}
