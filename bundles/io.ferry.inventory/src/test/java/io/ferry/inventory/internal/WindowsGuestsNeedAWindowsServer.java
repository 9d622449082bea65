package io.ferry.inventory.internal;

import io.ferry.api.inventory.InventorySnapshot;
import io.ferry.api.inventory.Platform;
import io.ferry.api.job.JobSpec;
import io.ferry.api.spi.JobValidator;
import java.util.List;
import java.util.Optional;

/**
 * A real plugin rule for the job service's tests, seed 000_6fa5d5cd4044af24.txt: "Linux-based
 * proxies cannot access Windows guest OSes", so a Proxmox VE job with Windows VMs needs at least
 * one Microsoft Windows server in the backup infrastructure. (The Proxmox plugin ships the full
 * rule; this one is what the inventory bundle's tests may depend on.)
 */
final class WindowsGuestsNeedAWindowsServer implements JobValidator {
    static final String NAME = "test-windows-guests-need-a-windows-server";
    static final String SEED_REASON = "Linux-based proxies cannot access Windows guest OSes";

    int calls;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Optional<Platform> platform() {
        return Optional.of(Platform.PROXMOX);
    }

    @Override
    public List<String> problems(JobSpec job, InventorySnapshot inventory) {
        calls++;
        List<String> windowsVms = job.vms().stream().map(inventory::vm).flatMap(Optional::stream)
                .filter(vm -> vm.spec().guestOs().isWindows()).map(vm -> vm.name()).toList();
        if (windowsVms.isEmpty() || inventory.servers().stream().anyMatch(s -> s.spec().os().isWindows())) {
            return List.of();
        }
        return List.of("Job '" + job.name() + "' backs up Windows VMs (" + String.join(", ", windowsVms)
                + ") but no Microsoft Windows server is in the backup infrastructure. " + SEED_REASON
                + ": add one (seed 000_6fa5d5cd4044af24.txt).");
    }
}
