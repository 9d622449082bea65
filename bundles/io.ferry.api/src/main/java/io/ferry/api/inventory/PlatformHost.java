package io.ferry.api.inventory;

import java.util.Comparator;

/**
 * A platform host in the inventory.
 *
 * @param id      stable identifier (UUID)
 * @param version change counter for optimistic locking
 * @param spec    what the administrator declared
 */
public record PlatformHost(String id, long version, HostSpec spec) {
    public PlatformHost {
        Checks.required("id", id);
        Checks.notNull("spec", spec);
    }

    public String name() {
        return spec.name();
    }

    public HostKind kind() {
        return spec.kind();
    }

    public static final Comparator<PlatformHost> BY_NAME = Comparator.comparing(h -> h.name().toLowerCase(java.util.Locale.ROOT));
}
