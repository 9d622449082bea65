package io.ferry.api.inventory;

import io.ferry.api.ValidationException;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A server in the inventory: its declared {@link ServerSpec}, the roles it holds and its
 * identity. {@code version} increases with every change and is what optimistic locking
 * compares: an update based on an older version is refused.
 *
 * @param id      stable identifier (UUID)
 * @param version change counter, starts at 1
 * @param spec    what the administrator declared
 * @param roles   held roles, one per {@link RoleType}, ordered by type
 */
public record ManagedServer(String id, long version, ServerSpec spec, List<ServerRole> roles) {

    public ManagedServer {
        Checks.required("id", id);
        Checks.notNull("spec", spec);
        TreeMap<RoleType, ServerRole> byType = new TreeMap<>();
        for (ServerRole role : Checks.notNull("roles", roles)) {
            if (byType.put(role.type(), role) != null) {
                throw new ValidationException("roles", "role " + role.type() + " is listed twice");
            }
        }
        roles = List.copyOf(byType.values());
    }

    public String name() {
        return spec.name();
    }

    public boolean hasRole(RoleType type) {
        return roles.stream().anyMatch(r -> r.type() == type);
    }

    public Optional<ServerRole> role(RoleType type) {
        return roles.stream().filter(r -> r.type() == type).findFirst();
    }

    /** Orders servers by name, case-insensitively, as every listing does. */
    public static final Comparator<ManagedServer> BY_NAME = Comparator.comparing(s -> s.name().toLowerCase(java.util.Locale.ROOT));
}
