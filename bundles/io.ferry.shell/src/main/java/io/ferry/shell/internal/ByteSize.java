package io.ferry.shell.internal;

import io.ferry.api.ValidationException;
import java.math.BigDecimal;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sizes as administrators type them: {@code 512M}, {@code 40G}, {@code 1.5T}, {@code 2TiB},
 * {@code 10737418240}. Units are binary (1K = 1024 bytes), as hypervisors count disk sizes.
 */
final class ByteSize {
    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([KMGTP]?)(?:I?B)?");
    private static final String UNITS = "KMGTP";
    static final String FORMS = "a byte count or a number with K, M, G, T or P (binary units), e.g. 512M, 40G, 2T";

    private ByteSize() {
    }

    static long parse(String text, String what) {
        String t = text == null ? "" : text.strip();
        Matcher m = SIZE.matcher(t.toUpperCase(Locale.ROOT));
        if (!m.matches()) {
            throw new ValidationException(what, "'" + t + "' is not a size; use " + FORMS);
        }
        BigDecimal bytes = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(multiplier(m.group(2))));
        try {
            return bytes.stripTrailingZeros().longValueExact();
        } catch (ArithmeticException e) {
            throw new ValidationException(what, "'" + t + "' is not a whole number of bytes below 8 EiB");
        }
    }

    /** {@code 42949672960} becomes {@code 40 GiB}; {@code 1610612736} becomes {@code 1.5 GiB}. */
    static String format(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        int unit = -1;
        double value = bytes;
        while (value >= 1024 && unit < UNITS.length() - 1) {
            value /= 1024;
            unit++;
        }
        String number = value == Math.rint(value) ? String.valueOf((long) value)
                : String.format(Locale.ROOT, "%.1f", value);
        return number + " " + UNITS.charAt(unit) + "iB";
    }

    private static long multiplier(String unit) {
        return unit.isEmpty() ? 1L : 1L << (10 * (UNITS.indexOf(unit) + 1));
    }
}
