package io.ferry.rest.internal;

import java.util.Optional;
import javax.security.auth.Subject;

/** Logs a request in from its {@code Authorization} header; the Subject holds the user and roles. */
@FunctionalInterface
interface Authenticator {
    /** The caller the header proves; empty when it is missing, malformed or wrong. */
    Optional<Subject> authenticate(String authorization);
}
