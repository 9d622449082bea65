package io.ferry.plugin.hyperv.internal;

import io.ferry.api.inventory.HostKind;
import io.ferry.api.inventory.HostStorage;
import io.ferry.api.inventory.InventorySnapshot;
import io.ferry.api.inventory.MachineKind;
import io.ferry.api.inventory.ManagedServer;
import io.ferry.api.inventory.OffhostProxySettings;
import io.ferry.api.inventory.Platform;
import io.ferry.api.inventory.PlatformHost;
import io.ferry.api.inventory.RoleType;
import io.ferry.api.inventory.ServerFacts;
import io.ferry.api.inventory.ServerRole;
import io.ferry.api.inventory.StorageKind;
import io.ferry.api.selection.CheckResult;
import io.ferry.api.selection.RuleVerdict;
import io.ferry.api.selection.Severity;
import io.ferry.api.spi.ReadinessCheck;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.osgi.service.component.annotations.Component;

/**
 * The general requirements of a Hyper-V off-host backup proxy (seed 004), one result each
 * with what to do: a Windows machine; physical, or an evaluation VM with nested Hyper-V; a
 * Hyper-V server in the inventory; the same Hyper-V version as every Hyper-V host it may
 * serve (one result per host); a VSS hardware provider with transportable shadow copies when
 * CSV volumes exist; Data Deduplication when a deduplicated CSV volume exists. Declared
 * {@code san.access}, {@code smb.localsystem-read} and {@code cluster} facts must name
 * storage and clusters of the inventory.
 *
 * <p>Unmet requirements are errors (the seed's "must"), except a host the proxy cannot serve
 * (its version differs, or the host declares none): the proxy is fine for the others, so that
 * is a warning, and only information when another enabled off-host proxy of the host's
 * version serves it.
 */
@Component(service = ReadinessCheck.class)
public final class OffhostProxyReadinessCheck implements ReadinessCheck {

    static final String NAME = "hyperv-offhost-proxy-requirements";
    private static final String SEED = Seeds.OFFHOST;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public RoleType role() {
        return RoleType.HYPERV_OFFHOST_PROXY;
    }

    @Override
    public List<CheckResult> check(ManagedServer server, InventorySnapshot inventory) {
        List<CheckResult> results = new ArrayList<>();
        results.add(windows(server));
        results.add(physicalOrEvaluation(server));
        results.add(hypervServerExists(inventory));
        results.addAll(versions(server, inventory));
        results.add(vssTransportable(server, inventory));
        results.add(dedup(server, inventory));
        factNamesKnown(server, ServerFacts.SAN_ACCESS, "CSV volumes", storageOf(inventory, StorageKind.CSV))
                .ifPresent(results::add);
        factNamesKnown(server, ServerFacts.SMB_LOCALSYSTEM_READ, "SMB3 shares", storageOf(inventory, StorageKind.SMB3))
                .ifPresent(results::add);
        cluster(server, inventory).ifPresent(results::add);
        return results;
    }

    private static CheckResult windows(ManagedServer server) {
        String check = "offhost-proxy-windows";
        if (server.spec().os().isWindows()) {
            return CheckResult.ok(check, server.name() + " runs " + server.spec().os(), SEED);
        }
        return CheckResult.fail(check, server.name() + " runs " + server.spec().os()
                + "; off-host backup proxies are Microsoft Windows machines", "assign the role to a Windows server"
                        + " (ferry:role-remove " + server.name() + " hyperv-offhost-proxy)", SEED);
    }

    private static CheckResult physicalOrEvaluation(ManagedServer server) {
        RuleVerdict v = PhysicalOrEvaluationRule.verdict(server);
        if (v.passed()) {
            return CheckResult.ok(v.rule(), v.reason(), SEED);
        }
        boolean evaluation = server.role(RoleType.HYPERV_OFFHOST_PROXY).flatMap(ServerRole::offhost)
                .map(OffhostProxySettings::evaluation).orElse(false);
        String fix = server.spec().machineKind() == MachineKind.PHYSICAL || !evaluation
                ? "use a physical server; for evaluation only, assign the role with --evaluation on a VM with nested"
                        + " Hyper-V (ferry:role-assign --evaluation " + server.name() + " hyperv-offhost-proxy)"
                : "enable the Hyper-V role in the VM (nested virtualization) and declare it: ferry:server-update"
                        + " --fact " + ServerFacts.NESTED_HYPERV + "=true " + server.name();
        return CheckResult.fail(v.rule(), v.reason(), fix, SEED);
    }

    private static CheckResult hypervServerExists(InventorySnapshot inventory) {
        String check = "hyperv-server-in-inventory";
        List<String> hyperv = inventory.hosts().stream().filter(h -> h.kind().platform() == Platform.HYPERV)
                .map(PlatformHost::name).toList();
        if (!hyperv.isEmpty()) {
            return CheckResult.ok(check, "Hyper-V servers in the inventory: " + String.join(", ", hyperv), SEED);
        }
        return CheckResult.fail(check, "no Microsoft Hyper-V server is in the inventory",
                "add the Hyper-V host or cluster first (ferry:host-add --kind hyperv-host --address ADDRESS ..."
                        + " NAME)", SEED);
    }

    /** One result per Hyper-V host the proxy may serve; one failure if the proxy declares no version. */
    private static List<CheckResult> versions(ManagedServer server, InventorySnapshot inventory) {
        String check = HypervVersionEqualsHostRule.NAME;
        List<PlatformHost> hosts = inventory.hosts().stream().filter(h -> h.kind() == HostKind.HYPERV_HOST)
                .sorted(PlatformHost.BY_NAME).toList();
        if (hosts.isEmpty()) {
            return List.of();
        }
        String fix = "declare the proxy's Hyper-V version (ferry:server-update --fact " + ServerFacts.HYPERV_VERSION
                + "=VERSION " + server.name() + "); an off-host proxy serves only hosts of its own version";
        if (HypervVersion.of(server).isEmpty()) {
            return List.of(CheckResult.fail(check, server.name() + " declares no " + ServerFacts.HYPERV_VERSION
                    + "; it must equal the version of the Hyper-V hosts it serves", fix, SEED));
        }
        List<CheckResult> out = new ArrayList<>();
        for (PlatformHost host : hosts) {
            Optional<String> hostVersion = host.spec().version().or(() -> host.spec().parent()
                    .flatMap(inventory::host).flatMap(c -> c.spec().version()));
            RuleVerdict v = HypervVersionEqualsHostRule.verdict(check, server, host, hostVersion);
            if (v.passed()) {
                out.add(CheckResult.ok(check, v.reason(), SEED).withSeverity(Severity.WARNING));
                continue;
            }
            Optional<String> servedBy = hostVersion.flatMap(hv -> otherProxyOfVersion(server, hv, inventory));
            String hostFix = hostVersion.isEmpty()
                    ? "declare host " + host.name() + "'s Hyper-V version (ferry:host-add --version VERSION ...)"
                    : servedBy.isPresent()
                            ? "nothing to do: " + servedBy.get() + " serves host " + host.name() + " (Hyper-V "
                                    + hostVersion.get() + ")"
                            : "use a proxy of Hyper-V " + hostVersion.get() + " for host " + host.name() + "; "
                                    + server.name() + " serves hosts of its own version only";
            out.add(CheckResult.fail(check, v.reason(), hostFix, SEED)
                    .withSeverity(servedBy.isPresent() ? Severity.INFO : Severity.WARNING));
        }
        return out;
    }

    /** Another enabled off-host proxy of Hyper-V {@code version}, by name. */
    private static Optional<String> otherProxyOfVersion(ManagedServer proxy, String version, InventorySnapshot inventory) {
        return inventory.servers().stream().filter(s -> !s.name().equalsIgnoreCase(proxy.name()))
                .filter(s -> s.spec().enabled() && s.role(RoleType.HYPERV_OFFHOST_PROXY).isPresent())
                .filter(s -> HypervVersion.of(s).filter(v -> HypervVersion.same(v, version)).isPresent())
                .map(ManagedServer::name).sorted(String.CASE_INSENSITIVE_ORDER).findFirst();
    }

    private static CheckResult vssTransportable(ManagedServer server, InventorySnapshot inventory) {
        String check = "vss-hardware-provider-transportable";
        List<String> csv = storageOf(inventory, StorageKind.CSV).stream().map(HostStorage::name).toList();
        boolean installed = server.spec().factIsTrue(ServerFacts.VSS_TRANSPORTABLE);
        if (installed) {
            return CheckResult.ok(check, server.name() + " has a VSS hardware provider with transportable shadow"
                    + " copies", SEED);
        }
        if (csv.isEmpty()) {
            return CheckResult.ok(check, "no CSV (SAN) volume in the inventory: " + server.name() + " needs no VSS"
                    + " hardware provider yet (fact " + ServerFacts.VSS_TRANSPORTABLE + " not true)", SEED);
        }
        return CheckResult.fail(check, server.name() + " has no VSS hardware provider with transportable shadow copies"
                + ", needed for CSV volumes " + String.join(", ", csv), "install the storage vendor's VSS hardware"
                        + " provider on " + server.name() + " and on every Hyper-V host, then declare it: "
                        + "ferry:server-update --fact " + ServerFacts.VSS_TRANSPORTABLE + "=true " + server.name(),
                SEED);
    }

    private static CheckResult dedup(ManagedServer server, InventorySnapshot inventory) {
        String check = "dedup-enabled-for-dedup-volumes";
        List<String> dedupCsv = storageOf(inventory, StorageKind.CSV).stream().filter(HostStorage::deduplicated)
                .map(HostStorage::name).toList();
        boolean enabled = server.spec().factIsTrue(ServerFacts.DEDUP_ENABLED);
        if (dedupCsv.isEmpty()) {
            return CheckResult.ok(check, "no deduplicated CSV volume in the inventory", SEED);
        }
        if (enabled) {
            return CheckResult.ok(check, server.name() + " has Data Deduplication enabled for deduplicated volumes "
                    + String.join(", ", dedupCsv), SEED);
        }
        return CheckResult.fail(check, "CSV volumes " + String.join(", ", dedupCsv) + " are deduplicated, but "
                + server.name() + " does not have Data Deduplication enabled", "enable the Data Deduplication feature"
                        + " on " + server.name() + " and declare it: ferry:server-update --fact "
                        + ServerFacts.DEDUP_ENABLED + "=true " + server.name(), SEED);
    }

    private static Optional<CheckResult> factNamesKnown(ManagedServer server, String key, String what,
            List<HostStorage> known) {
        ListFact fact = ListFact.of(server, key);
        if (!fact.declared()) {
            return Optional.empty();
        }
        String check = key.replace('.', '-') + "-fact";
        Predicate<String> exists = n -> known.stream().anyMatch(s -> s.name().equalsIgnoreCase(n));
        List<String> unknown = fact.values().orElseThrow().stream().filter(exists.negate()).toList();
        if (unknown.isEmpty()) {
            return Optional.of(CheckResult.ok(check, server.name() + " declares " + fact.describe(), SEED));
        }
        return Optional.of(CheckResult.fail(check, server.name() + " declares " + key + " for "
                + String.join(", ", unknown) + ", which are not " + what + " of any Hyper-V host or cluster",
                "declare them on their host or cluster (ferry:host-add --storage NAME:"
                        + (key.equals(ServerFacts.SAN_ACCESS) ? "csv" : "smb3") + " ...) or correct the fact"
                        + " (ferry:server-update --fact " + key + "=... " + server.name() + ")", SEED));
    }

    private static Optional<CheckResult> cluster(ManagedServer server, InventorySnapshot inventory) {
        Optional<String> declared = server.spec().fact(ServerFacts.CLUSTER);
        if (declared.isEmpty()) {
            return Optional.empty();
        }
        String check = "cluster-fact";
        boolean exists = inventory.host(declared.get().strip()).filter(h -> h.kind() == HostKind.HYPERV_CLUSTER)
                .isPresent();
        if (exists) {
            return Optional.of(CheckResult.ok(check, server.name() + " is a node of cluster " + declared.get().strip()
                    + ": it is never the off-host proxy for that cluster's CSV volumes", SEED));
        }
        return Optional.of(CheckResult.fail(check, server.name() + " declares cluster=" + declared.get()
                + ", which is not a Hyper-V cluster of the inventory", "add the cluster (ferry:host-add --kind"
                        + " hyperv-cluster --address ADDRESS ... NAME) or correct the fact (ferry:server-update"
                        + " --fact cluster=NAME " + server.name() + ")", SEED));
    }

    private static List<HostStorage> storageOf(InventorySnapshot inventory, StorageKind kind) {
        return inventory.hosts().stream().filter(h -> h.kind().platform() == Platform.HYPERV)
                .flatMap(h -> h.spec().storage().stream()).filter(s -> s.kind() == kind).toList();
    }
}
