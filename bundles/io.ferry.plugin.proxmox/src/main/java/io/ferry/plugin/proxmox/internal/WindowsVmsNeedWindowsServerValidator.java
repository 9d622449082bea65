package io.ferry.plugin.proxmox.internal;

import io.ferry.api.inventory.InventorySnapshot;
import io.ferry.api.inventory.ManagedServer;
import io.ferry.api.inventory.Platform;
import io.ferry.api.inventory.VirtualMachine;
import io.ferry.api.job.JobSpec;
import io.ferry.api.job.ServerChoice;
import io.ferry.api.spi.JobValidator;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.osgi.service.component.annotations.Component;

/**
 * Seed 000: Linux-based proxies cannot access Windows guest OSes, so a Proxmox VE job with
 * Windows-based VMs in its scope needs at least one Microsoft Windows server in the backup
 * infrastructure. The seed states it for the backup scope, whether or not guest processing is
 * switched on, and so does this validator. It reports:
 * <ul>
 * <li>no Windows server in the inventory (or only disabled ones, which are never chosen);</li>
 * <li>a "prefer the following guest interaction proxy servers" list naming no Windows server.</li>
 * </ul>
 * VMs of the scope missing from the inventory are left to the job service's own checks.
 */
@Component(service = JobValidator.class)
public final class WindowsVmsNeedWindowsServerValidator implements JobValidator {

    static final String NAME = "windows-vms-need-windows-server";
    static final String SEED_REASON = "Linux-based proxies cannot access Windows guest OSes";

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
        if (job.platform() != Platform.PROXMOX) {
            return List.of();
        }
        List<String> windowsVms = job.vms().stream().map(inventory::vm).flatMap(Optional::stream)
                .filter(vm -> vm.spec().guestOs().isWindows()).map(VirtualMachine::name).toList();
        if (windowsVms.isEmpty()) {
            return List.of();
        }
        String subject = "Job '" + job.name() + "' backs up Windows VMs (" + String.join(", ", windowsVms) + ")";
        String seed = " (seed " + Seeds.PVE_GUEST_PROXY + ")";
        List<String> problems = new ArrayList<>();
        List<ManagedServer> windowsServers = inventory.servers().stream().filter(s -> s.spec().os().isWindows())
                .sorted(ManagedServer.BY_NAME).toList();
        if (windowsServers.isEmpty()) {
            problems.add(subject + ", but the backup infrastructure has no Microsoft Windows server. " + SEED_REASON
                    + ": add at least one Microsoft Windows server to the backup infrastructure (ferry:server-add"
                    + " --os windows:server:2022 --address ADDRESS NAME)" + seed + ".");
        } else if (windowsServers.stream().noneMatch(s -> s.spec().enabled())) {
            problems.add(subject + ", but every Microsoft Windows server of the backup infrastructure ("
                    + names(windowsServers) + ") is disabled. " + SEED_REASON + ": enable one (ferry:server-update"
                    + " --enable " + windowsServers.get(0).name() + ") or add another Microsoft Windows server" + seed
                    + ".");
        }
        ServerChoice preferred = job.guestProcessing().guestProxies();
        if (!preferred.automatic() && preferred.servers().stream().map(inventory::server).flatMap(Optional::stream)
                .noneMatch(s -> s.spec().os().isWindows())) {
            problems.add(subject + ", but its preferred guest interaction proxies (" + String.join(", ",
                    preferred.servers()) + ") include no Microsoft Windows server. " + SEED_REASON
                    + ": add a Microsoft Windows server to the list, or choose the guest interaction proxy"
                    + " automatically" + seed + ".");
        }
        return problems;
    }

    private static String names(List<ManagedServer> servers) {
        return String.join(", ", servers.stream().map(ManagedServer::name).toList());
    }
}
