package io.ferry.rest.internal;

import io.ferry.api.security.FerryRole;
import java.security.Principal;
import java.util.Objects;
import java.util.Set;
import javax.security.auth.Subject;

/**
 * The Subject a valid API token logs in as: the token's user, with the token's role.
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

    static Subject subject(String user, io.ferry.api.security.FerryRole role) {
        return new Subject(true, Set.of(new UserPrincipal(user), new RolePrincipal(role.roleName())), Set.of(), Set.of());
    }
}
