package io.ferry.api.security;

import java.security.AccessController;
import java.security.Principal;
import java.security.PrivilegedAction;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import javax.security.auth.Subject;

/**
 * The user on whose behalf a service call runs, read from the JAAS {@link Subject} of the
 * calling thread: the name of its {@code UserPrincipal} and the highest {@link FerryRole} among
 * its {@code RolePrincipal}s. Principals are matched by simple class name (Karaf's
 * {@code org.apache.karaf.jaas.boot.principal.RolePrincipal}/{@code UserPrincipal}), so Ferry's
 * services need no Karaf classes; only trusted login code can put principals into a Subject.
 *
 * <p>A call with no Subject is Ferry's own work (scheduler, component activation, job task
 * threads, code run through {@link #asSystem}) and runs as {@link #SYSTEM}, which may do
 * everything. A Subject without any Ferry role may do nothing.
 *
 * @param user   the user's name ({@code system} for Ferry's own work)
 * @param role   the highest Ferry role held, empty when none
 * @param system whether this is Ferry's own work rather than a logged-in user
 */
public record Caller(String user, Optional<FerryRole> role, boolean system) {

    /** The name audited for calls made with no Subject. */
    public static final String SYSTEM_USER = "system";

    /** Ferry's own work: every right. */
    public static final Caller SYSTEM = new Caller(SYSTEM_USER, Optional.of(FerryRole.ADMIN), true);

    public Caller {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(role, "role");
    }

    /** The caller of the current thread: its Subject's user, or {@link #SYSTEM} when there is none. */
    @SuppressWarnings("removal") // Subject.current() needs Java 18; Karaf 4.4 runs shell commands via doAs
    public static Caller current() {
        Subject subject = Subject.getSubject(AccessController.getContext());
        return subject == null ? SYSTEM : of(subject);
    }

    /** The caller a Subject stands for (never {@link #SYSTEM}: a Subject is always a user). */
    public static Caller of(Subject subject) {
        Objects.requireNonNull(subject, "subject");
        String user = null;
        Optional<FerryRole> best = Optional.empty();
        for (Principal p : subject.getPrincipals()) {
            String kind = p.getClass().getSimpleName();
            if (kind.equals("UserPrincipal") && user == null) {
                user = p.getName();
            } else if (kind.equals("RolePrincipal")) {
                Optional<FerryRole> role = FerryRole.ofRoleName(p.getName());
                if (role.isPresent() && (best.isEmpty() || role.get().includes(best.get()))) {
                    best = role;
                }
            }
        }
        return new Caller(user == null || user.isBlank() ? "(unnamed)" : user, best, false);
    }

    /** Whether this caller has the rights of {@code needed}. */
    public boolean may(FerryRole needed) {
        return role.isPresent() && role.get().includes(needed);
    }

    /**
     * This caller, if it has the rights of {@code needed}.
     *
     * @param action what the caller asked for, as the command names it (e.g. {@code job-run})
     * @throws AccessDeniedException naming the user, the action and the role it needs
     */
    public Caller require(FerryRole needed, String action) {
        if (!may(needed)) {
            throw new AccessDeniedException(user, action, needed, role);
        }
        return this;
    }

    /**
     * Runs Ferry's own work with no Subject, as {@link #SYSTEM}: for internal steps of an action
     * whose caller was already checked (the repository a job run creates, a job's retention
     * prune) and for creating threads that must not inherit the current caller's Subject.
     */
    @SuppressWarnings("removal")
    public static <T> T asSystem(Supplier<T> work) {
        Objects.requireNonNull(work, "work");
        return Subject.doAsPrivileged(null, (PrivilegedAction<T>) work::get, null);
    }

    @Override
    public String toString() {
        return user + (system ? " (Ferry)" : " (" + role.map(FerryRole::roleName).orElse("no Ferry role") + ")");
    }
}
