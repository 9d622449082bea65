package io.ferry.rest.internal;

import io.ferry.api.security.FerryRole;
import java.security.Principal;
import java.util.Objects;
import java.util.Set;
import javax.security.auth.Subject;

/**
 * The Subject a valid API token logs in as: a user named like the token, with the token's role.
 * Ferry's {@code Caller} reads principals by class simple name ({@code UserPrincipal},
 * {@code RolePrincipal}, as Karaf names its own), so these need no Karaf classes.
 */
final class TokenPrincipals {

    record UserPrincipal(String getName) implements Principal {
        UserPrincipal {
            Objects.requireNonNull(getName, "name");
        }
    }

    record RolePrincipal(String getName) implements Principal {
        RolePrincipal {
            Objects.requireNonNull(getName, "name");
        }
    }

    private TokenPrincipals() {
    }

    static Subject subject(ApiToken token) {
        return new Subject(true, Set.of(new UserPrincipal(token.name()), new RolePrincipal(token.role().roleName())),
                Set.of(), Set.of());
    }
}
