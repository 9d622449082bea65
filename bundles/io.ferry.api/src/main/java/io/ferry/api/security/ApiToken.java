package io.ferry.api.security;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * An API token as the catalog keeps it: never its secret, which is shown once, when it is
 * made ({@link NewApiToken}), and stored only as a SHA-256 hash.
 *
 * @param id          the token's public id (16 hex digits), also inside its text
 * @param user        whose token it is: calls made with it run as this user
 * @param role        the role the token carries (at most its user's when it was made)
 * @param description what the token is for, as its user said (may be empty)
 * @param created     when it was made
 * @param expires     when it stops working
 * @param lastUsed    when it last logged a call in (to the minute), if ever
 * @param revoked     when it was revoked, if it was
 * @since 1.1
 */
public record ApiToken(String id, String user, FerryRole role, String description, Instant created, Instant expires,
        Optional<Instant> lastUsed, Optional<Instant> revoked) {

    public ApiToken {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(expires, "expires");
        Objects.requireNonNull(lastUsed, "lastUsed");
        Objects.requireNonNull(revoked, "revoked");
    }

    /** Whether the token logs calls in at {@code now}: not revoked and not expired. */
    public boolean validAt(Instant now) {
        return revoked.isEmpty() && now.isBefore(expires);
    }
}
