package io.ferry.rest.internal;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import javax.security.auth.Subject;

/**
 * The two ways into the API: {@code Basic} with a user's password (the JAAS realm of the shell)
 * and {@code Bearer} with an API token ({@link TokenStore}).
 */
final class Logins implements Authenticator {
    private final Function<BasicCredentials, Optional<Subject>> passwords;
    private final TokenStore tokens;

    Logins(Function<BasicCredentials, Optional<Subject>> passwords, TokenStore tokens) {
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
            case "bearer" -> tokens.verify(value.substring(space + 1).strip()).map(TokenPrincipals::subject);
            default -> Optional.empty();
        };
    }
}
