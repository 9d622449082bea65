package io.ferry.plugin.hyperv.internal;

import io.ferry.api.inventory.HostStorage;
import io.ferry.api.inventory.ManagedServer;
import io.ferry.api.inventory.Platform;
import io.ferry.api.inventory.PlatformHost;
import io.ferry.api.inventory.ServerFacts;
import io.ferry.api.inventory.StorageKind;
import io.ferry.api.selection.RuleVerdict;
import io.ferry.api.spi.DiskContext;
import io.ferry.api.spi.ProxyRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.osgi.service.component.annotations.Component;

/**
 * Seed 004, CSV (SAN) storage: a VSS hardware provider supporting transportable shadow
 * copies must be installed on the off-host proxy and on each production Hyper-V host, here
 * every node of the VM's cluster (or the VM's host if it is in none). Hosts have no facts of
 * their own: a host's is its managed server's {@code vss.transportable}; a host without a
 * managed server cannot be verified and fails the rule.
 */
@Component(service = ProxyRule.class)
public final class VssHardwareProviderRule implements ProxyRule {

    static final String NAME = "vss-hardware-provider-on-proxy-and-hosts";
    private static final String FACT = ServerFacts.VSS_TRANSPORTABLE;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Optional<Platform> platform() {
        return Optional.of(Platform.HYPERV);
    }

    @Override
    public RuleVerdict evaluate(ManagedServer candidate, DiskContext disk) {
        if (!HypervTopology.isOn(disk, StorageKind.CSV)) {
            return RuleVerdict.pass(NAME, HypervTopology.notApplicable(disk, StorageKind.CSV), Seeds.OFFHOST);
        }
        HostStorage csv = HypervTopology.storage(disk).orElseThrow();
        List<PlatformHost> nodes = HypervTopology.nodes(disk.vm());
        List<String> problems = new ArrayList<>();
        if (!candidate.spec().factIsTrue(FACT)) {
            problems.add("missing on proxy " + candidate.name() + " (fact " + FACT + " is not true)");
        }
        for (PlatformHost host : nodes) {
            hostProblem(host, disk).ifPresent(problems::add);
        }
        String hosts = String.join(", ", nodes.stream().map(PlatformHost::name).toList());
        if (problems.isEmpty()) {
            return RuleVerdict.pass(NAME, "VSS hardware provider with transportable shadow copies on "
                    + candidate.name() + " and on host(s) " + hosts + " sharing CSV " + csv.name(), Seeds.OFFHOST);
        }
        return RuleVerdict.fail(NAME, "CSV " + csv.name() + " needs a VSS hardware provider with transportable shadow"
                + " copies on the proxy and on host(s) " + hosts + ": " + String.join("; ", problems), Seeds.OFFHOST);
    }

    private static Optional<String> hostProblem(PlatformHost host, DiskContext disk) {
        Optional<String> serverName = host.spec().managedServer();
        if (serverName.isEmpty()) {
            return Optional.of("cannot verify: declare host " + host.name() + "'s managed server with " + FACT
                    + "=true");
        }
        Optional<ManagedServer> server = disk.vm().inventory().server(serverName.get());
        if (server.isEmpty()) {
            return Optional.of("cannot verify: host " + host.name() + "'s managed server " + serverName.get()
                    + " is not in the inventory");
        }
        if (!server.get().spec().factIsTrue(FACT)) {
            return Optional.of("missing on host " + host.name() + " (server " + server.get().name() + ": fact " + FACT
                    + " is not true)");
        }
        return Optional.empty();
    }
}
