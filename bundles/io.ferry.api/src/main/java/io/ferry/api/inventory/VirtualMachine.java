package io.ferry.api.inventory;

import java.util.Comparator;

/**
 * A virtual machine in the inventory.
 *
 * @param id      stable identifier (UUID)
 * @param version change counter for optimistic locking
 * @param spec    what the inventory knows about it
 */
public record VirtualMachine(String id, long version, VmSpec spec) {
    public VirtualMachine {
        Checks.required("id", id);
        Checks.notNull("spec", spec);
    }

    public String name() {
        return spec.name();
    }

    public static final Comparator<VirtualMachine> BY_NAME = Comparator.comparing(v -> v.name().toLowerCase(java.util.Locale.ROOT));
}
