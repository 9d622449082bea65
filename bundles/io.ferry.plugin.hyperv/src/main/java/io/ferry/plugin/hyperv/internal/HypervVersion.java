package io.ferry.plugin.hyperv.internal;

import io.ferry.api.inventory.ManagedServer;
import io.ferry.api.inventory.ServerFacts;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Hyper-V and PowerShell version texts as declared ({@code 2022}, {@code 10.0.17763},
 * {@code 5.1}). Hyper-V versions of a proxy and a host must coincide (seed 004): compared as
 * text, ignoring case and surrounding blanks.
 */
final class HypervVersion {

    private HypervVersion() {
    }

    static Optional<String> of(ManagedServer server) {
        return server.spec().fact(ServerFacts.HYPERV_VERSION).map(String::strip).filter(v -> !v.isEmpty());
    }

    static boolean same(String a, String b) {
        return a.strip().toLowerCase(Locale.ROOT).equals(b.strip().toLowerCase(Locale.ROOT));
    }

    /** The leading number of a version text ({@code 2019} for {@code 2019}, {@code 10} for {@code 10.0.17763}). */
    static OptionalInt major(String version) {
        String v = version.strip();
        int end = 0;
        while (end < v.length() && Character.isDigit(v.charAt(end))) {
            end++;
        }
        return end == 0 || end > 9 ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(v.substring(0, end)));
    }

    /**
     * True for Windows (Server) 2016 or later written as a year ({@code 2016}, {@code 2022}) or as
     * an NT 10 kernel version ({@code 10.0.14393}); Windows 10 and 11 count as well.
     */
    static boolean isWindows10Or2016Plus(String version) {
        OptionalInt major = major(version);
        if (major.isEmpty()) {
            return false;
        }
        int m = major.getAsInt();
        return m >= 2016 || m >= 10 && m < 100;
    }

    /** True if a dotted version ({@code 5.1}, {@code 7}) is at least {@code minMajor.minMinor}. */
    static boolean atLeast(String version, int minMajor, int minMinor) {
        String[] parts = version.strip().split("\\.");
        try {
            int major = Integer.parseInt(parts[0]);
            int minor = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
            return major > minMajor || major == minMajor && minor >= minMinor;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
