package io.ferry.mover.internal.source;

import java.util.Locale;

/** Byte counts for messages: exact binary units when they fit ("64 MiB"), else two decimals and the bytes. */
final class Sizes {

    private static final String[] UNITS = {"KiB", "MiB", "GiB", "TiB"};

    private Sizes() {
    }

    static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " bytes";
        }
        int unit = -1;
        long scaled = bytes;
        while (unit + 1 < UNITS.length && scaled % 1024 == 0 && scaled >= 1024) {
            scaled /= 1024;
            unit++;
        }
        if (unit >= 0 && scaled < 1024 * 1024) {
            return scaled + " " + UNITS[unit];
        }
        int approximate = Math.min(UNITS.length - 1, (63 - Long.numberOfLeadingZeros(bytes)) / 10 - 1);
        double value = bytes / Math.pow(1024, approximate + 1);
        return String.format(Locale.ROOT, "%.2f %s (%d bytes)", value, UNITS[approximate], bytes);
    }
}
