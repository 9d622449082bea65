package io.ferry.api.session;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One disk of one session.
 *
 * @param id               task id, unique within the session (e.g. "web-01/disk0")
 * @param vm               VM name
 * @param disk             disk label
 * @param status           state
 * @param proxy            the backup proxy doing the work (null when none was chosen)
 * @param transportMode    the transport mode id (null when none)
 * @param reason           why this proxy and mode (the selection service's explanation)
 * @param changeTracking   how unchanged data was found: "full", "dedupe", "dirty-bitmap:NAME"
 *                         (null before the backup ran)
 * @param changeNote       why a full read was needed although changed-block tracking exists
 *                         (e.g. "the VM restarted since the last backup: the bitmap is
 *                         inconsistent"), or null
 * @param backupId         the repository backup written (null unless successful)
 * @param sizeBytes        disk size
 * @param readBytes        bytes read from the source
 * @param transferredBytes bytes sent from the proxy to the repository (compressed, encrypted)
 * @param storedBytes      bytes added to the repository
 * @param dataBytes        non-zero bytes of the disk (what dedupe and compression are measured on)
 * @param newBytes         plaintext bytes of the chunks added
 * @param started          when the task started running (null while queued)
 * @param finished         when it finished (null while queued or running)
 * @param error            why it failed (null unless FAILED/STOPPED)
 * @param warnings         warnings (e.g. transport fallback)
 */
public record TaskRecord(String id, String vm, String disk, TaskStatus status, String proxy, String transportMode,
        String reason, String changeTracking, String changeNote, String backupId, long sizeBytes, long readBytes,
        long transferredBytes, long storedBytes, long dataBytes, long newBytes, Instant started, Instant finished,
        String error, List<String> warnings) {

    public TaskRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(vm, "vm");
        Objects.requireNonNull(disk, "disk");
        Objects.requireNonNull(status, "status");
        reason = reason == null ? "" : reason;
        warnings = List.copyOf(warnings == null ? List.of() : warnings);
    }

    /** A queued task. */
    public static TaskRecord queued(String vm, String disk, String proxy, String transportMode, String reason,
            long sizeBytes, List<String> warnings) {
        return new TaskRecord(vm + "/" + disk, vm, disk, TaskStatus.QUEUED, proxy, transportMode, reason, null, null,
                null, sizeBytes, 0, 0, 0, 0, 0, null, null, null, warnings);
    }

    public TaskRecord withStatus(TaskStatus value) {
        return new TaskRecord(id, vm, disk, value, proxy, transportMode, reason, changeTracking, changeNote, backupId,
                sizeBytes, readBytes, transferredBytes, storedBytes, dataBytes, newBytes, started, finished, error,
                warnings);
    }

    public Optional<Duration> duration() {
        return started == null || finished == null ? Optional.empty()
                : Optional.of(Duration.between(started, finished));
    }

    /** Processing rate over the disk size (bytes per second), 0 when unknown. */
    public double bytesPerSecond() {
        long millis = duration().map(Duration::toMillis).orElse(0L);
        return millis <= 0 ? 0 : sizeBytes * 1000.0 / millis;
    }

    /** Deduplication ratio: non-zero bytes / new plaintext bytes (1 when nothing is known). */
    public double dedupeRatio() {
        return dataBytes == 0 ? 1.0 : (double) dataBytes / Math.max(1, newBytes);
    }

    /** Compression ratio of the new chunks: plaintext / stored. */
    public double compressionRatio() {
        return storedBytes == 0 ? 1.0 : (double) newBytes / storedBytes;
    }
}
