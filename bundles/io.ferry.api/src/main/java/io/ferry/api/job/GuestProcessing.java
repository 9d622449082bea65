package io.ferry.api.job;

import io.ferry.api.ValidationException;
import java.util.Objects;

/**
 * Guest processing of a job (seed 001): any of these needs a guest interaction proxy.
 *
 * @param applicationAware  transactionally consistent backup of applications
 * @param indexing          guest file system indexing
 * @param logProcessing     transaction log processing (needs application-aware processing)
 * @param guestProxies      automatic, or "prefer the following guest interaction proxy servers"
 */
public record GuestProcessing(boolean applicationAware, boolean indexing, boolean logProcessing,
        ServerChoice guestProxies) {

    public static final GuestProcessing DISABLED = new GuestProcessing(false, false, false, ServerChoice.AUTOMATIC);

    public GuestProcessing {
        Objects.requireNonNull(guestProxies, "guestProxies");
        if (logProcessing && !applicationAware) {
            throw new ValidationException("logProcessing", "transaction log processing needs application-aware"
                    + " processing; enable both");
        }
    }

    /** True if the job interacts with guests at all. */
    public boolean enabled() {
        return applicationAware || indexing || logProcessing;
    }
}
