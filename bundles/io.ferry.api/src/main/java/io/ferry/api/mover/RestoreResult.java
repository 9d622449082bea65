package io.ferry.api.mover;

import java.time.Duration;
import java.util.Objects;

/**
 * What a restore did.
 *
 * @param backupId     the backup restored
 * @param target       the target's description
 * @param size         disk size
 * @param writtenBytes bytes written (non-zero data)
 * @param zeroBytes    bytes left as holes or zeroed
 * @param elapsed      wall time including the final flush
 */
public record RestoreResult(String backupId, String target, long size, long writtenBytes, long zeroBytes,
        Duration elapsed) {
    public RestoreResult {
        Objects.requireNonNull(backupId, "backupId");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(elapsed, "elapsed");
    }
}
