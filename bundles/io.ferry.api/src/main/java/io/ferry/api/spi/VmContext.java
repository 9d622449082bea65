package io.ferry.api.spi;

import io.ferry.api.inventory.InventorySnapshot;
import io.ferry.api.inventory.PlatformHost;
import io.ferry.api.inventory.VirtualMachine;
import io.ferry.api.job.JobSpec;
import java.util.Objects;
import java.util.Optional;

/**
 * What a rule knows about the VM being planned.
 *
 * @param job        the job (for a single-VM plan, an automatic job with guest processing)
 * @param vm         the VM
 * @param host       the host running it
 * @param parentHost the host's vCenter or cluster, if it has one
 * @param inventory  the whole inventory snapshot the plan is made on
 */
public record VmContext(JobSpec job, VirtualMachine vm, PlatformHost host, Optional<PlatformHost> parentHost,
        InventorySnapshot inventory) {
    public VmContext {
        Objects.requireNonNull(job, "job");
        Objects.requireNonNull(vm, "vm");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(parentHost, "parentHost");
        Objects.requireNonNull(inventory, "inventory");
    }
}
