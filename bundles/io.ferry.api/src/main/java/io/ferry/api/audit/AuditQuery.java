package io.ferry.api.audit;

import io.ferry.api.ValidationException;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Which audit entries to read, newest first.
 *
 * @param since  only entries at or after this time
 * @param user   only entries of this user (case-insensitive)
 * @param limit  at most this many entries (1 to {@link #MAX_LIMIT})
 * @param before only entries with an id below this one: the {@link AuditPage#next()} of the
 *               previous page
 */
public record AuditQuery(Optional<Instant> since, Optional<String> user, int limit, OptionalLong before) {

    /** The largest page. */
    public static final int MAX_LIMIT = 10_000;

    public AuditQuery {
        Objects.requireNonNull(since, "since");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(before, "before");
        user = user.map(String::strip).filter(u -> !u.isEmpty());
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new ValidationException("limit", "must be between 1 and " + MAX_LIMIT + ", not " + limit);
        }
    }

    /** The newest {@code limit} entries. */
    public static AuditQuery latest(int limit) {
        return new AuditQuery(Optional.empty(), Optional.empty(), limit, OptionalLong.empty());
    }

    /** The same query for the page after {@code page}. */
    public AuditQuery after(AuditPage page) {
        return new AuditQuery(since, user, limit, page.next());
    }
}
