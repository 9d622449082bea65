package io.ferry.api.security;

import io.ferry.api.FerryException;
import java.util.Objects;
import java.util.Optional;

/**
 * The caller's roles do not allow the action. The message names the user, the action and the
 * role it needs, e.g. {@code User 'vera' (ferry-viewer) may not job-run: it needs role
 * ferry-operator or ferry-admin; ask an administrator to grant it}.
 */
public class AccessDeniedException extends FerryException {
    private static final long serialVersionUID = 1L;

    private final String user;
    private final String action;
    private final FerryRole required;

    public AccessDeniedException(String user, String action, FerryRole required, Optional<FerryRole> held) {
        super(message(user, action, required, held));
        this.user = user;
        this.action = action;
        this.required = required;
    }

    private static String message(String user, String action, FerryRole required, Optional<FerryRole> held) {
        Objects.requireNonNull(required, "required");
        StringBuilder needed = new StringBuilder(required.roleName());
        for (FerryRole r : FerryRole.values()) {
            if (r.compareTo(required) > 0) {
                needed.append(" or ").append(r.roleName());
            }
        }
        return "User '" + user + "' (" + held.map(FerryRole::roleName).orElse("no Ferry role") + ") may not "
                + action + ": it needs role " + needed + "; ask an administrator to grant it";
    }

    /** The refused user's name. */
    public String user() {
        return user;
    }

    /** The refused action, e.g. {@code job-run}. */
    public String action() {
        return action;
    }

    /** The least role that allows the action. */
    public FerryRole required() {
        return required;
    }
}
