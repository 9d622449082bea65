package io.ferry.api.inventory;

import io.ferry.api.ValidationException;
import java.util.Locale;
import java.util.OptionalInt;

/**
 * Operating system of a server or guest: family, distribution (or Windows edition) and
 * version. Text form {@code family[:distribution[:version]]}, e.g. {@code linux:rocky:9.3},
 * {@code windows:server:2022}, {@code linux}.
 *
 * @param family       Windows or Linux
 * @param distribution lower-case distribution or edition ({@code rhel}, {@code rocky},
 *                     {@code ubuntu}, {@code server}, {@code client}); empty if unknown
 * @param version      version string ({@code 9.3}, {@code 2022}); empty if unknown
 */
public record OsInfo(OsFamily family, String distribution, String version) {

    public OsInfo {
        Checks.notNull("os.family", family);
        distribution = distribution == null ? "" : distribution.strip().toLowerCase(Locale.ROOT);
        version = version == null ? "" : version.strip();
        if (!distribution.matches("[a-z0-9._-]*")) {
            throw new ValidationException("os.distribution", "'" + distribution + "' is not a valid distribution name");
        }
        if (!version.matches("[A-Za-z0-9._-]*")) {
            throw new ValidationException("os.version", "'" + version + "' is not a valid version");
        }
    }

    public static OsInfo windows(String edition, String version) {
        return new OsInfo(OsFamily.WINDOWS, edition, version);
    }

    public static OsInfo linux(String distribution, String version) {
        return new OsInfo(OsFamily.LINUX, distribution, version);
    }

    /** Parses the text form; the error names {@code os} and shows the expected form. */
    public static OsInfo parse(String text) {
        String t = Checks.required("os", text);
        String[] parts = t.split(":", -1);
        if (parts.length > 3) {
            throw new ValidationException("os", "'" + t + "' has too many parts; expected family[:distribution[:version]]");
        }
        OsFamily family;
        try {
            family = OsFamily.valueOf(parts[0].strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ValidationException("os", "'" + parts[0] + "' is not an OS family; use windows or linux"
                    + " (form family[:distribution[:version]], e.g. linux:rocky:9.3)");
        }
        return new OsInfo(family, parts.length > 1 ? parts[1] : "", parts.length > 2 ? parts[2] : "");
    }

    /** The leading number of {@link #version()}, if it has one ({@code 9} for {@code 9.3}). */
    public OptionalInt majorVersion() {
        int end = 0;
        while (end < version.length() && Character.isDigit(version.charAt(end))) {
            end++;
        }
        if (end == 0 || end > 9) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(Integer.parseInt(version.substring(0, end)));
    }

    public boolean isWindows() {
        return family == OsFamily.WINDOWS;
    }

    @Override
    public String toString() {
        if (version.isEmpty()) {
            return distribution.isEmpty() ? family.name().toLowerCase(Locale.ROOT)
                    : family.name().toLowerCase(Locale.ROOT) + ":" + distribution;
        }
        return family.name().toLowerCase(Locale.ROOT) + ":" + distribution + ":" + version;
    }
}
