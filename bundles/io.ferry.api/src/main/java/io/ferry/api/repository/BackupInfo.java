package io.ferry.api.repository;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A complete backup of one disk (its manifest's header).
 *
 * @param id        backup id: sortable by time, unique in the repository
 * @param disk      chain key (see {@link BackupRequest#disk()})
 * @param source    where the data came from
 * @param size      disk size in bytes
 * @param chunkSize chunk size in bytes
 * @param started   when the backup started
 * @param finished  when its manifest was written
 * @param parent    id of the backup it was incremental to, or null for a full backup
 * @param stats     figures
 * @param labels    key/value pairs from the request
 */
public record BackupInfo(String id, String disk, String source, long size, int chunkSize, Instant started,
        Instant finished, String parent, BackupStats stats, Map<String, String> labels) {

    public BackupInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(disk, "disk");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(started, "started");
        Objects.requireNonNull(finished, "finished");
        Objects.requireNonNull(stats, "stats");
        labels = Map.copyOf(labels == null ? Map.of() : labels);
    }

    public Optional<String> parentId() {
        return Optional.ofNullable(parent);
    }

    public Duration duration() {
        return Duration.between(started, finished);
    }

    /** Number of chunks of the disk ({@code ceil(size / chunkSize)}). */
    public long chunkCount() {
        return (size + chunkSize - 1) / chunkSize;
    }
}
