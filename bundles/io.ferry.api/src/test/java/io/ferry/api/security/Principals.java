package io.ferry.api.security;

import java.security.Principal;
import java.util.HashSet;
import java.util.Set;
import javax.security.auth.Subject;

/** Subjects shaped like Karaf's: principal classes named as Karaf's JAAS principals. */
final class Principals {
    private Principals() {
    }

    record UserPrincipal(String getName) implements Principal {
    }

    record RolePrincipal(String getName) implements Principal {
    }

    static Subject user(String name, String... roles) {
        Set<Principal> principals = new HashSet<>();
        principals.add(new UserPrincipal(name));
        for (String role : roles) {
            principals.add(new RolePrincipal(role));
        }
        return new Subject(true, principals, Set.of(), Set.of());
    }
}
