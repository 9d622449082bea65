package io.ferry.inventory.internal;

import io.ferry.api.ValidationException;
import java.time.Duration;
import java.time.Instant;

/**
 * Values checked against what a column holds before they are written, so that an oversized
 * value is refused naming the field instead of failing as a database error; and instants and
 * durations as the nanosecond counts the session tables store (exact round trips), and free
 * text as both databases can hold it.
 */
final class Bounded {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private Bounded() {
    }

    /** {@code value} (may be null) if it has at most {@code max} characters. */
    static String text(String field, String value, int max) {
        if (value != null && value.length() > max) {
            throw new ValidationException(field, "is " + value.length() + " characters long; at most " + max
                    + " are stored");
        }
        return value;
    }

    /**
     * Free text (messages, errors, notes) with NUL characters, which PostgreSQL text cannot
     * hold, replaced by U+FFFD, so that a stray NUL in an error from native code cannot stop
     * a session from being saved, and both databases store the same. Null stays null.
     */
    static String freeText(String value) {
        return value == null || value.indexOf('\u0000') < 0 ? value : value.replace('\u0000', '\uFFFD');
    }

    /** Nanoseconds since the epoch; the years 1678 to 2261 fit. */
    static long nanos(String field, Instant t) {
        try {
            return Math.addExact(Math.multiplyExact(t.getEpochSecond(), NANOS_PER_SECOND), t.getNano());
        } catch (ArithmeticException e) {
            throw new ValidationException(field, t + " cannot be stored: instants from the years 1678 to 2261 are");
        }
    }

    static Instant instant(long nanos) {
        return Instant.ofEpochSecond(Math.floorDiv(nanos, NANOS_PER_SECOND), Math.floorMod(nanos, NANOS_PER_SECOND));
    }

    /** Nanoseconds; durations up to 292 years fit. */
    static long nanos(String field, Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            throw new ValidationException(field, d + " cannot be stored: it is longer than 292 years");
        }
    }
}
