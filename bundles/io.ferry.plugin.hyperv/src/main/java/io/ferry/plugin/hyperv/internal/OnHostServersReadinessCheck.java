package io.ferry.plugin.hyperv.internal;

import io.ferry.api.inventory.HostKind;
import io.ferry.api.inventory.InventorySnapshot;
import io.ferry.api.inventory.ManagedServer;
import io.ferry.api.inventory.PlatformHost;
import io.ferry.api.inventory.RoleType;
import io.ferry.api.selection.CheckResult;
import io.ferry.api.selection.Severity;
import io.ferry.api.spi.ReadinessCheck;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.osgi.service.component.annotations.Component;

/**
 * Whether each Hyper-V host can back its VMs up on-host, the fallback when no off-host proxy
 * qualifies (seed 004): the host must be a managed server (see {@link OnHostServer}). A host is
 * not a server, so the result is reported on the backup server, one per Hyper-V host, and an
 * unmet one is a {@link Severity#WARNING}: VMs the off-host proxies serve do not need it.
 */
@Component(service = ReadinessCheck.class)
public final class OnHostServersReadinessCheck implements ReadinessCheck {

    static final String NAME = "hyperv-on-host-servers";
    static final String RESULT = "hyperv-host-managed-server";
    private static final String SEED = Seeds.OFFHOST;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public RoleType role() {
        return RoleType.BACKUP_SERVER;
    }

    @Override
    public List<CheckResult> check(ManagedServer server, InventorySnapshot inventory) {
        List<PlatformHost> hosts = inventory.hosts().stream().filter(h -> h.kind() == HostKind.HYPERV_HOST)
                .sorted(PlatformHost.BY_NAME).toList();
        if (hosts.isEmpty()) {
            return List.of(CheckResult.ok(RESULT, "no Hyper-V host in the inventory", SEED)
                    .withSeverity(Severity.WARNING));
        }
        List<CheckResult> out = new ArrayList<>();
        for (PlatformHost host : hosts) {
            out.add(result(host, inventory));
        }
        return out;
    }

    private static CheckResult result(PlatformHost host, InventorySnapshot inventory) {
        Optional<ManagedServer> managed = OnHostServer.of(host, inventory);
        if (managed.isEmpty()) {
            return CheckResult.warning(RESULT, OnHostServer.problem(host) + ", so it cannot back its VMs up on-host"
                    + " when no off-host proxy qualifies", OnHostServer.declaration(host), SEED);
        }
        String name = managed.get().name();
        String which = host.spec().managedServer().isPresent() ? "managed server " + name
                : "managed server " + name + " (of the host's name)";
        if (!managed.get().spec().enabled()) {
            return CheckResult.warning(RESULT, "Hyper-V host " + host.name() + " is " + which + ", which is disabled:"
                    + " it cannot back its VMs up on-host", "enable it: ferry:server-update --enable " + name, SEED);
        }
        return CheckResult.ok(RESULT, "Hyper-V host " + host.name() + " is " + which + ": it can back its VMs up"
                + " on-host", SEED).withSeverity(Severity.WARNING);
    }
}
