package io.ferry.jobs.internal;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Objects;
import java.util.UUID;

/**
 * Session ids: time-ordered UUIDs (version 7 layout: 48-bit millisecond time, a counter that
 * keeps ids of the same millisecond in order, random bits), so that ids sort by start time
 * and a short prefix names a session.
 */
final class SessionIds {

    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private long last;

    SessionIds(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    synchronized String next() {
        long stamp = clock.millis() << 12;
        last = Math.max(last + 1, stamp);
        long msb = ((last >>> 12) << 16) | 0x7000L | (last & 0x0FFFL);
        long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb).toString();
    }
}
