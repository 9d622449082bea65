package io.ferry.api.security;

import java.util.Locale;
import java.util.Optional;

/**
 * A Ferry role, as a JAAS role name. Each role includes the rights of the roles before it:
 * {@code ADMIN} ⊇ {@code OPERATOR} ⊇ {@code VIEWER}.
 */
public enum FerryRole {
    /** Lists, shows, select/explain, check, plugins, sessions, backups: reads only. */
    VIEWER("ferry-viewer"),
    /** A viewer who may also run, stop and retry jobs, back up a disk and verify repositories. */
    OPERATOR("ferry-operator"),
    /**
     * An operator who may also change the inventory and the jobs, import, restore, prune, create
     * repositories and read the audit trail.
     */
    ADMIN("ferry-admin");

    /** Karaf's administrator role; a user holding it is a Ferry administrator too. */
    public static final String KARAF_ADMIN = "admin";

    private final String roleName;

    FerryRole(String roleName) {
        this.roleName = roleName;
    }

    /** The JAAS role name, e.g. {@code ferry-operator}. */
    public String roleName() {
        return roleName;
    }

    /** Whether a holder of this role has the rights of {@code other}. */
    public boolean includes(FerryRole other) {
        return compareTo(other) >= 0;
    }

    /**
     * The Ferry role a JAAS role name grants: {@code ferry-viewer}, {@code ferry-operator},
     * {@code ferry-admin} or Karaf's {@code admin} (case-insensitive); empty for any other role.
     */
    public static Optional<FerryRole> ofRoleName(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String key = name.strip().toLowerCase(Locale.ROOT);
        if (key.equals(KARAF_ADMIN)) {
            return Optional.of(ADMIN);
        }
        for (FerryRole role : values()) {
            if (role.roleName.equals(key)) {
                return Optional.of(role);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return roleName;
    }
}
