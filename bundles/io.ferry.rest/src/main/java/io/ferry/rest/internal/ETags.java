package io.ferry.rest.internal;

import io.ferry.api.ConflictException;

/**
 * Optimistic locking over HTTP: an object's version is its ETag, and a change names the version it
 * was made on in If-Match (jobs, servers, hosts, VMs).
 */
final class ETags {

    private ETags() {
    }

    /** The ETag of a version: {@code "7"}. */
    static String of(long version) {
        return "\"" + version + "\"";
    }

    /**
     * The version If-Match names ({@code "7"} as GET answered it, {@code W/"7"} too): required
     * (428), a number (400), and the object's current version (409), so that a change made on a
     * stale copy is refused instead of overwriting another's.
     */
    static long expected(ApiRequest req, String kind, String name, long version, String collection) {
        String ifMatch = req.header().apply("If-Match");
        if (ifMatch == null || ifMatch.isBlank()) {
            throw new PreconditionRequiredException("Send If-Match with the " + kind + "'s ETag (" + of(version)
                    + " now, from GET " + FerryApi.BASE + collection + name + ") so that a change on a stale copy is"
                    + " refused");
        }
        String tag = ifMatch.strip();
        if (tag.startsWith("W/")) {
            tag = tag.substring(2);
        }
        if (tag.length() >= 2 && tag.startsWith("\"") && tag.endsWith("\"")) {
            tag = tag.substring(1, tag.length() - 1);
        }
        long expected;
        try {
            expected = Long.parseLong(tag);
        } catch (NumberFormatException e) {
            throw new BadRequestException("If-Match", "'" + ifMatch + "' is not an ETag of this API (such as "
                    + of(version) + ")");
        }
        if (expected != version) {
            throw new ConflictException(Character.toUpperCase(kind.charAt(0)) + kind.substring(1) + " '" + name
                    + "' changed since you read it: it is at version " + version + ", you sent " + ifMatch.strip()
                    + " (GET it again, then retry)");
        }
        return expected;
    }
}
