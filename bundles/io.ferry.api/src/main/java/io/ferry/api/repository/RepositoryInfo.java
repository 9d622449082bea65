package io.ferry.api.repository;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;

/**
 * What {@code ferry:repo-info} shows.
 *
 * @param path          the repository directory
 * @param id            random repository id (hex), fixed at creation
 * @param formatVersion on-disk format version
 * @param chunkSize     chunk size in bytes
 * @param created       creation time
 * @param encryption    e.g. "AES-256-GCM"
 * @param compression   e.g. "LZ4"
 * @param kdf           e.g. "PBKDF2-HMAC-SHA256, 600000 iterations"
 * @param backups       number of complete backups
 * @param chunks        number of stored chunks
 * @param storedBytes   bytes of all chunk files (what the repository costs on disk, without metadata)
 * @param logicalBytes  sum of the disk sizes of all backups (what was protected)
 */
public record RepositoryInfo(Path path, String id, int formatVersion, int chunkSize, Instant created,
        String encryption, String compression, String kdf, long backups, long chunks, long storedBytes,
        long logicalBytes) {

    public RepositoryInfo {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(encryption, "encryption");
        Objects.requireNonNull(compression, "compression");
        Objects.requireNonNull(kdf, "kdf");
    }
}
