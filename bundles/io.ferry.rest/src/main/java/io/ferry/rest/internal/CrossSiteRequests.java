package io.ferry.rest.internal;

import java.net.URI;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * Refuses changes a browser sends on behalf of another site (CSRF): a browser that once logged
 * in with HTTP Basic sends the credentials with any request to this origin, including a form
 * another site posts. Scripts (curl, HTTP libraries) send neither {@code Origin} nor
 * {@code Sec-Fetch-Site} and are not affected; reads are never refused (they change nothing).
 */
final class CrossSiteRequests {
    private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS");

    private CrossSiteRequests() {
    }

    static boolean refused(String method, Function<String, String> header) {
        if (SAFE.contains(method.toUpperCase(Locale.ROOT))) {
            return false;
        }
        String site = header.apply("Sec-Fetch-Site");
        if (site != null && !site.equalsIgnoreCase("same-origin") && !site.equalsIgnoreCase("none")) {
            return true;
        }
        String origin = header.apply("Origin");
        if (origin == null) {
            return false;
        }
        String host = header.apply("Host");
        try {
            URI uri = URI.create(origin.strip());
            String authority = uri.getRawAuthority();
            return host == null || authority == null || !authority.equalsIgnoreCase(host.strip());
        } catch (IllegalArgumentException e) {
            return true; // "null" or garbage: an opaque origin
        }
    }
}
