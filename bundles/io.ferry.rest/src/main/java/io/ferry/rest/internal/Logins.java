package io.ferry.rest.internal;

import io.ferry.api.security.ApiTokens;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import javax.security.auth.Subject;

/**
 * The two ways into the API: {@code Basic} with a user's password (the JAAS realm of the shell)
 * and {@code Bearer} with an API token ({@link ApiTokens}: the call runs as the token's user,
 * with the token's role).
 */
final class Logins implements Authenticator {
    private final Function<BasicCredentials, Optional<Subject>> passwords;
    private final ApiTokens tokens;

    Logins(Function<BasicCredentials, Optional<Subject>> passwords, ApiTokens tokens) {
        this.passwords = Objects.requireNonNull(passwords, "passwords");
        this.tokens = Objects.requireNonNull(tokens, "tokens");
    }

    @Override
    public Optional<Subject> authenticate(String authorization) {
        if (authorization == null) {
            return Optional.empty();
        }
        String value = authorization.strip();
        int space = value.indexOf(' ');
        String scheme = space < 0 ? value : value.substring(0, space);
        return switch (scheme.toLowerCase(Locale.ROOT)) {
            case "basic" -> BasicCredentials.parse(value).flatMap(passwords);
            case "bearer" -> tokens.authenticate(value.substring(space + 1).strip())
                    .map(t -> TokenPrincipals.subject(t.user(), t.role()));
            default -> Optional.empty();
        };
    }
}
