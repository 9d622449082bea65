package io.ferry.rest.internal;

import io.ferry.rest.internal.ConsoleSessionStore.ConsoleSession;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import javax.security.auth.Subject;

/**
 * The web console's login in the request pipeline: a request carrying a live
 * {@value #COOKIE} cookie runs as that login's user, like one with HTTP Basic. A change
 * ({@code POST}, {@code PUT}, {@code PATCH}, {@code DELETE}) authenticated by the cookie must
 * also carry the login's CSRF token in {@value #CSRF_HEADER}: a browser adds the cookie to a
 * request another site makes it send, but only the console's own pages know the token. A
 * request without the cookie, or with an unknown or expired one, is left to HTTP Basic.
 */
final class SessionCookieLogin {
    static final String COOKIE = "ferry_session";
    static final String CSRF_HEADER = "X-Ferry-CSRF";
    private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS");

    /** A cookie-authenticated change without the right CSRF token. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message, null, false, false);
        }

        Problem problem() {
            return Problem.of("cross-site", "Forbidden", 403, getMessage());
        }
    }

    /** No cookie login at all (tests of the Basic pipeline alone). */
    static final SessionCookieLogin NONE = new SessionCookieLogin(null);

    private final ConsoleSessionStore store;

    SessionCookieLogin(ConsoleSessionStore store) {
        this.store = store;
    }

    /**
     * The Subject of the request's live console login; empty when it carries none.
     *
     * @throws Refused when the request is a change and lacks the login's CSRF token
     */
    Optional<Subject> subject(String method, Function<String, String> header) throws Refused {
        Optional<ConsoleSession> session = session(header);
        if (session.isEmpty()) {
            return Optional.empty();
        }
        checkCsrf(method, header, session.get());
        return Optional.of(session.get().subject());
    }

    /** The request's live console login, if it carries one. */
    Optional<ConsoleSession> session(Function<String, String> header) {
        if (store == null) {
            return Optional.empty();
        }
        return cookie(header.apply("Cookie"), COOKIE).flatMap(store::find);
    }

    /** Refuses a change that lacks the CSRF token of {@code session}; reads pass. */
    static void checkCsrf(String method, Function<String, String> header, ConsoleSession session) throws Refused {
        if (SAFE.contains(method.toUpperCase(Locale.ROOT))) {
            return;
        }
        String token = header.apply(CSRF_HEADER);
        if (token == null || token.isBlank()) {
            throw new Refused(method + " with the console's login cookie needs the header " + CSRF_HEADER
                    + " (the token POST/GET /api/v1/session returned); a page of another site cannot send it");
        }
        if (!session.csrfMatches(token)) {
            throw new Refused("The header " + CSRF_HEADER + " does not hold this login's token;"
                    + " GET /api/v1/session returns it");
        }
    }

    /** The value of cookie {@code name} in a {@code Cookie} request header (RFC 6265), the first if repeated. */
    static Optional<String> cookie(String header, String name) {
        Objects.requireNonNull(name, "name");
        if (header == null) {
            return Optional.empty();
        }
        for (String pair : header.split(";")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).strip().equals(name)) {
                String value = pair.substring(eq + 1).strip();
                if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1);
                }
                return value.isEmpty() ? Optional.empty() : Optional.of(value);
            }
        }
        return Optional.empty();
    }
}
