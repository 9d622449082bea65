package io.ferry.api.repository;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A snapshot of long-running work (backup, restore, verify, prune).
 *
 * @param phase   what is being done, e.g. "backup", "restore", "verify", "sweep"
 * @param done    bytes (of the logical disk, or of stored data for verify) processed so far
 * @param total   bytes to process in this phase; {@code done <= total}
 * @param read    bytes actually read from the source (holes, zeros and unchanged blocks are not read)
 * @param stored  bytes newly written to the repository (after compression and encryption)
 * @param elapsed time since the phase started
 */
public record Progress(String phase, long done, long total, long read, long stored, Duration elapsed) {

    public Progress {
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(elapsed, "elapsed");
        if (done < 0 || total < 0 || read < 0 || stored < 0) {
            throw new IllegalArgumentException("negative byte count in progress " + phase);
        }
    }

    /** Fraction done, 0..1 (1 when there is nothing to do). */
    public double fraction() {
        return total == 0 ? 1.0 : Math.min(1.0, (double) done / total);
    }

    /** Processing rate in bytes per second (of {@link #done()}), 0 before any time has passed. */
    public double bytesPerSecond() {
        long nanos = elapsed.toNanos();
        return nanos <= 0 ? 0 : done * 1e9 / nanos;
    }

    /** Estimated time to completion at the current rate; empty while the rate is unknown. */
    public Optional<Duration> eta() {
        double rate = bytesPerSecond();
        if (rate <= 0) {
            return done >= total ? Optional.of(Duration.ZERO) : Optional.empty();
        }
        return Optional.of(Duration.ofMillis((long) ((total - done) / rate * 1000)));
    }
}
