package io.ferry.rest.internal;

import java.util.Optional;
import javax.security.auth.Subject;

/** Checks a user's password; the Subject holds the user's principals and roles. */
@FunctionalInterface
interface Authenticator {
    Optional<Subject> login(BasicCredentials credentials);
}
