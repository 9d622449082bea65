package io.ferry.plugin.hyperv.internal;

import io.ferry.api.inventory.ManagedServer;
import io.ferry.api.inventory.Platform;
import io.ferry.api.inventory.PlatformHost;
import io.ferry.api.inventory.ServerFacts;
import io.ferry.api.inventory.StorageKind;
import io.ferry.api.selection.RuleVerdict;
import io.ferry.api.spi.DiskContext;
import io.ferry.api.spi.ProxyRule;
import java.util.Optional;
import org.osgi.service.component.annotations.Component;

/**
 * Seed 004, CSV (SAN) storage: the off-host backup proxy must not be a node of the cluster,
 * or the cluster fails during VM data processing. A candidate is a node when it is the VM's
 * host itself (the host's managed server), when its {@code cluster} fact names the host's
 * cluster, or when it is the managed server of any Hyper-V host of that cluster.
 */
@Component(service = ProxyRule.class)
public final class NotANodeOfTheClusterRule implements ProxyRule {

    static final String NAME = "not-a-node-of-the-cluster";
    private static final String CONSEQUENCE = "; a node used as off-host proxy makes the cluster fail during VM data"
            + " processing";

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
        String who = candidate.name();
        PlatformHost host = disk.vm().host();
        Optional<PlatformHost> cluster = HypervTopology.cluster(disk.vm());
        String clusterText = cluster.map(c -> "cluster " + c.name()).orElse("no cluster");
        if (isManagedServerOf(candidate, host)) {
            return RuleVerdict.fail(NAME, who + " is host " + host.name() + " itself (node of " + clusterText
                    + ")" + CONSEQUENCE, Seeds.OFFHOST);
        }
        if (cluster.isEmpty()) {
            return RuleVerdict.pass(NAME, "host " + host.name() + " is in no cluster and " + who
                    + " is not the host itself", Seeds.OFFHOST);
        }
        String clusterName = cluster.get().name();
        Optional<String> declaredCluster = candidate.spec().fact(ServerFacts.CLUSTER).map(String::strip);
        if (declaredCluster.filter(c -> c.equalsIgnoreCase(clusterName)).isPresent()) {
            return RuleVerdict.fail(NAME, who + " is a node of cluster " + clusterName + " (fact " + ServerFacts.CLUSTER
                    + "=" + clusterName + ")" + CONSEQUENCE, Seeds.OFFHOST);
        }
        for (PlatformHost node : HypervTopology.nodes(disk.vm())) {
            if (isManagedServerOf(candidate, node)) {
                return RuleVerdict.fail(NAME, who + " is node " + node.name() + " of cluster " + clusterName
                        + CONSEQUENCE, Seeds.OFFHOST);
            }
        }
        return RuleVerdict.pass(NAME, who + " is not a node of cluster " + clusterName, Seeds.OFFHOST);
    }

    private static boolean isManagedServerOf(ManagedServer server, PlatformHost host) {
        return host.spec().managedServer().filter(s -> s.equalsIgnoreCase(server.name())).isPresent();
    }
}
