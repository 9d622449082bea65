package io.ferry.rest.internal;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Splits request paths into decoded segments and encodes names into links. */
final class Paths {

    private Paths() {
    }

    /**
     * The segments of a raw (still percent-encoded) path, each decoded on its own, so that a name
     * holding {@code %2F} stays one segment. A trailing slash is ignored.
     */
    static List<String> segments(String rawPath) {
        List<String> segments = new ArrayList<>();
        if (rawPath == null) {
            return segments;
        }
        for (String part : rawPath.split("/", -1)) {
            if (!part.isEmpty()) {
                // '+' is a plus sign in a path, not a space as in a form
                segments.add(URLDecoder.decode(part.replace("+", "%2B"), StandardCharsets.UTF_8));
            }
        }
        return segments;
    }

    /** One path segment, percent-encoded. */
    static String encode(String segment) {
        return java.net.URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
