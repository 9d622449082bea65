package io.ferry.inventory.internal;

import java.security.Principal;
import java.security.PrivilegedAction;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Supplier;
import javax.security.auth.Subject;

/**
 * Callers as Karaf's shell makes them: a Subject with a UserPrincipal and RolePrincipals (the
 * classes named like Karaf's org.apache.karaf.jaas.boot.principal ones), and the call run
 * under it with Subject.doAs, as Karaf's JaasHelper does.
 */
final class Subjects {
    private Subjects() {
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

    @SuppressWarnings("removal")
    static <T> T as(Subject subject, Supplier<T> work) {
        return Subject.doAs(subject, (PrivilegedAction<T>) work::get);
    }

    static void run(Subject subject, Runnable work) {
        as(subject, () -> {
            work.run();
            return null;
        });
    }
}
