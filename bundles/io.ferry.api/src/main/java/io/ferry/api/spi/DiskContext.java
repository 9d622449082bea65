package io.ferry.api.spi;

import io.ferry.api.inventory.HostStorage;
import io.ferry.api.inventory.VirtualDisk;
import java.util.Objects;
import java.util.Optional;

/**
 * What a rule knows about the disk being planned.
 *
 * @param vm      the VM's context
 * @param disk    the disk
 * @param storage the host storage holding it (declared on the host or its parent), if known
 */
public record DiskContext(VmContext vm, VirtualDisk disk, Optional<HostStorage> storage) {
    public DiskContext {
        Objects.requireNonNull(vm, "vm");
        Objects.requireNonNull(disk, "disk");
        Objects.requireNonNull(storage, "storage");
    }
}
