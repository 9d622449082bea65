package io.ferry.selection.internal;

import io.ferry.api.inventory.Platform;
import io.ferry.api.inventory.VirtualMachine;
import io.ferry.api.spi.DiskContext;
import io.ferry.api.spi.PlatformSupport;
import io.ferry.api.spi.VmContext;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;

/**
 * A VM of the plan resolved against the snapshot once: its context for the rules, the
 * contexts of its disks, what the core rules look at, and the servers in its networks.
 *
 * @param vm           the inventory's VM
 * @param platform     the platform of its host (the job's when the host is unknown)
 * @param support      the plugin serving the platform, if one does
 * @param context      the rules' view of the VM; empty when its host is not in the snapshot
 * @param disks        one context per disk, in disk order (empty when {@code context} is)
 * @param problem      why the VM cannot be planned at all (unknown host), if so
 * @param windowsGuest the guest runs Windows
 * @param gmsa         the guest account is a gMSA
 * @param sameNetwork  indices of the servers sharing one of its networks (shared, read only)
 */
record PlannedVm(VirtualMachine vm, Platform platform, Optional<PlatformSupport> support, Optional<VmContext> context,
        List<DiskContext> disks, Optional<String> problem, boolean windowsGuest, boolean gmsa, BitSet sameNetwork) {

    String name() {
        return vm.name();
    }

    String hostName() {
        return vm.spec().host();
    }

    /** Plannable: known host and a plugin for the platform. */
    boolean served() {
        return problem.isEmpty() && support.isPresent();
    }
}
