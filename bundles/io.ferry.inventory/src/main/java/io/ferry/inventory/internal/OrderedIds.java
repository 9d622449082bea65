package io.ferry.inventory.internal;

import java.security.SecureRandom;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Time-ordered UUIDs (version 7 layout: 48-bit millisecond time, a monotonic counter, random
 * bits). Consecutive ids sort together, so primary-key inserts append to the index instead of
 * splitting pages all over it: the 100,000-VM import ran 4x faster than with random UUIDs
 * (docs/benchmarks.md).
 */
final class OrderedIds {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final AtomicLong LAST = new AtomicLong();

    private OrderedIds() {
    }

    static String next() {
        long stamp = System.currentTimeMillis() << 12;
        long v = LAST.updateAndGet(prev -> Math.max(prev + 1, stamp));
        long msb = ((v >>> 12) << 16) | 0x7000L | (v & 0x0FFFL);
        long lsb = (RANDOM.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb).toString();
    }
}
