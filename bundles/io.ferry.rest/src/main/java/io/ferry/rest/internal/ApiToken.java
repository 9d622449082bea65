package io.ferry.rest.internal;

import io.ferry.api.ValidationException;
import io.ferry.api.security.FerryRole;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An API token as stored: never the secret, only its SHA-256.
 *
 * @param id         eight hex digits, shown in lists and part of the token itself
 * @param name       who uses it (a script, a person): the user its calls run as, in the audit trail too
 * @param role       the Ferry role its calls have
 * @param created    when it was made
 * @param createdBy  the administrator who made it
 * @param expires    when it stops working
 * @param secretHash SHA-256 of the secret part, hex
 * @param revoked    when it was revoked, if it was
 */
record ApiToken(String id, String name, FerryRole role, Instant created, String createdBy, Instant expires,
        String secretHash, Optional<Instant> revoked) {
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");

    ApiToken {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(createdBy, "createdBy");
        Objects.requireNonNull(expires, "expires");
        Objects.requireNonNull(secretHash, "secretHash");
        Objects.requireNonNull(revoked, "revoked");
        if (name == null || !NAME.matcher(name).matches()) {
            throw new ValidationException("name", "'" + name + "' is not a token name: 1 to 64 letters, digits and"
                    + " . _ @ -, starting with a letter or digit");
        }
    }

    /** Whether a call with this token is accepted at {@code now}. */
    boolean validAt(Instant now) {
        return revoked.isEmpty() && now.isBefore(expires);
    }

    /** {@code active}, {@code expired} or {@code revoked}. */
    String state(Instant now) {
        return revoked.isPresent() ? "revoked" : now.isBefore(expires) ? "active" : "expired";
    }

    ApiToken revokedAt(Instant when) {
        return new ApiToken(id, name, role, created, createdBy, expires, secretHash, Optional.of(when));
    }
}
