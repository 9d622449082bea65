package io.ferry.repository.remote;

import java.time.Duration;
import java.util.Objects;

/**
 * How the key side uses a {@link StoreLink}.
 *
 * @param missingBatch      chunk ids per {@link StoreLink#missing} call (1 to {@link StoreLink#MAX_MISSING_BATCH})
 * @param batchesInFlight   {@code missing} calls a backup keeps in flight at once
 * @param uploadsInFlight   {@link StoreLink#putChunk} calls a backup keeps in flight at once
 * @param maxBytesInFlight  bytes of sealed chunks a backup holds in memory while waiting for
 *                          {@code missing} answers and upload acknowledgements
 * @param callTimeout       the longest any one call may take (every network call has a deadline)
 * @param keepAlive         how often an open session that makes no other call is kept alive (an
 *                          empty {@link StoreLink#missing} call), well below the store's idle timeout
 */
public record RemoteOptions(int missingBatch, int batchesInFlight, int uploadsInFlight, long maxBytesInFlight,
        Duration callTimeout, Duration keepAlive) {

    /**
     * 32 ids per batch, 4 batches and 8 uploads in flight, 128 MiB of sealed chunks, 2 minutes
     * per call, a keep-alive every minute (the store's default idle timeout is 10 minutes).
     */
    public static final RemoteOptions DEFAULT = new RemoteOptions(32, 4, 8, 128L << 20, Duration.ofMinutes(2),
            Duration.ofMinutes(1));

    /** With the default keep-alive. */
    public RemoteOptions(int missingBatch, int batchesInFlight, int uploadsInFlight, long maxBytesInFlight,
            Duration callTimeout) {
        this(missingBatch, batchesInFlight, uploadsInFlight, maxBytesInFlight, callTimeout, Duration.ofMinutes(1));
    }

    public RemoteOptions {
        Objects.requireNonNull(callTimeout, "callTimeout");
        Objects.requireNonNull(keepAlive, "keepAlive");
        if (keepAlive.isNegative() || keepAlive.isZero()) {
            throw new IllegalArgumentException("the keep-alive interval must be positive, not " + keepAlive);
        }
        if (missingBatch < 1 || missingBatch > StoreLink.MAX_MISSING_BATCH || batchesInFlight < 1
                || uploadsInFlight < 1 || maxBytesInFlight < 1 || callTimeout.isNegative() || callTimeout.isZero()) {
            throw new IllegalArgumentException("bad remote options " + missingBatch + "/" + batchesInFlight + "/"
                    + uploadsInFlight + "/" + maxBytesInFlight + "/" + callTimeout);
        }
    }
}
