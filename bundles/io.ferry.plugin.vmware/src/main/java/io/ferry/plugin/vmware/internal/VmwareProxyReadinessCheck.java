package io.ferry.plugin.vmware.internal;

import io.ferry.api.inventory.HostKind;
import io.ferry.api.inventory.InventorySnapshot;
import io.ferry.api.inventory.MachineKind;
import io.ferry.api.inventory.ManagedServer;
import io.ferry.api.inventory.Platform;
import io.ferry.api.inventory.PlatformHost;
import io.ferry.api.inventory.RoleType;
import io.ferry.api.inventory.ServerFacts;
import io.ferry.api.inventory.ServerRole;
import io.ferry.api.inventory.TransportMode;
import io.ferry.api.inventory.VmwareProxySettings;
import io.ferry.api.selection.CheckResult;
import io.ferry.api.selection.Severity;
import io.ferry.api.spi.ReadinessCheck;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.osgi.service.component.annotations.Component;

/**
 * Requirements of a VMware backup proxy (seed 003): a Windows or Linux server with at least
 * one task slot, enabled, and facts that make sense: {@code vmware.host} names an ESXi host of
 * the inventory (on a virtual machine), {@code san.access} names datastores of the inventory,
 * {@code vix.enabled} is true or false, and a fixed transport mode the server can use.
 * Unmet requirements are errors, except two warnings: a disabled server (the operator's
 * choice) and a fixed mode it cannot use but fails over from to network (it still works).
 */
@Component(service = ReadinessCheck.class)
public final class VmwareProxyReadinessCheck implements ReadinessCheck {

    static final String NAME = "vmware-proxy-requirements";
    private static final String SEED = Seeds.VMWARE_PROXIES;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public RoleType role() {
        return RoleType.VMWARE_PROXY;
    }

    @Override
    public List<CheckResult> check(ManagedServer server, InventorySnapshot inventory) {
        List<CheckResult> results = new ArrayList<>();
        results.add(os(server));
        results.add(taskSlots(server));
        results.add(enabled(server));
        results.add(vmwareHost(server, inventory));
        sanAccess(server, inventory).ifPresent(results::add);
        vixEnabled(server).ifPresent(results::add);
        results.add(fixedMode(server));
        return results;
    }

    private static CheckResult os(ManagedServer server) {
        String check = "vmware-proxy-os";
        return switch (server.spec().os().family()) {
            case WINDOWS, LINUX -> CheckResult.ok(check, server.name() + " runs " + server.spec().os()
                    + "; VMware proxies run on Windows or Linux", SEED);
        };
    }

    private static CheckResult taskSlots(ManagedServer server) {
        String check = "vmware-proxy-task-slots";
        int slots = server.spec().maxConcurrentTasks();
        if (slots >= 1) {
            return CheckResult.ok(check, server.name() + " runs up to " + slots + " disk task(s) at once", SEED);
        }
        return CheckResult.fail(check, server.name() + " has no task slots", "give it task slots: ferry:server-update"
                + " --max-tasks 4 " + server.name(), SEED);
    }

    private static CheckResult enabled(ManagedServer server) {
        String check = "vmware-proxy-enabled";
        if (server.spec().enabled()) {
            return CheckResult.ok(check, server.name() + " is enabled", SEED).withSeverity(Severity.WARNING);
        }
        return CheckResult.warning(check, server.name() + " is disabled and is never chosen for new work",
                "enable it: ferry:server-update --enable " + server.name(), SEED);
    }

    private static CheckResult vmwareHost(ManagedServer server, InventorySnapshot inventory) {
        String check = "vmware-host-fact";
        String key = ServerFacts.VMWARE_HOST;
        Optional<String> declared = server.spec().fact(key);
        boolean virtual = server.spec().machineKind() == MachineKind.VIRTUAL;
        if (declared.isEmpty()) {
            return CheckResult.ok(check, virtual
                    ? server.name() + " declares no " + key + ": virtual appliance (hot-add) mode is unavailable until"
                            + " the ESXi host the proxy VM runs on is declared (--fact " + key + "=ESXI-HOST)"
                    : server.name() + " is physical: virtual appliance (hot-add) mode does not apply", SEED);
        }
        if (!virtual) {
            return CheckResult.fail(check, server.name() + " is a physical machine but declares " + key + "="
                    + declared.get(), "remove the fact (ferry:server-update --remove-fact " + key + " "
                    + server.name() + ") or mark the server virtual (--kind virtual) if it is a VM", SEED);
        }
        Optional<PlatformHost> host = inventory.host(declared.get());
        if (host.isEmpty()) {
            return CheckResult.fail(check, server.name() + " declares " + key + "=" + declared.get()
                    + ", which is not in the inventory", "add the ESXi host (ferry:host-add --kind esxi --address"
                    + " ADDRESS --parent VCENTER " + declared.get() + ") or correct the fact (ferry:server-update"
                    + " --fact " + key + "=ESXI-HOST " + server.name() + ")", SEED);
        }
        if (host.get().kind() != HostKind.ESXI) {
            return CheckResult.fail(check, server.name() + " declares " + key + "=" + declared.get() + ", which is a "
                    + host.get().kind() + ", not an ESXi host", "name the ESXi host the proxy VM runs on:"
                    + " ferry:server-update --fact " + key + "=ESXI-HOST " + server.name(), SEED);
        }
        return CheckResult.ok(check, server.name() + " is a VM on ESXi host " + host.get().name()
                + ": it can hot-add disks of datastores that host sees", SEED);
    }

    private static Optional<CheckResult> sanAccess(ManagedServer server, InventorySnapshot inventory) {
        String check = "san-access-fact";
        ListFact san = ListFact.of(server, ServerFacts.SAN_ACCESS);
        if (!san.declared()) {
            return Optional.empty();
        }
        List<String> unknown = san.values().orElseThrow().stream().filter(ds -> !vmwareDatastoreExists(ds, inventory))
                .toList();
        if (unknown.isEmpty()) {
            return Optional.of(CheckResult.ok(check, server.name() + " reads over SAN/NFS: "
                    + String.join(", ", san.values().orElseThrow()), SEED));
        }
        return Optional.of(CheckResult.fail(check, server.name() + " declares SAN/NFS access to "
                + String.join(", ", unknown) + ", which no vCenter or ESXi host of the inventory declares",
                "declare the datastores on their hosts (ferry:host-add --storage NAME:vmfs ...) or correct the"
                        + " fact (ferry:server-update --fact " + ServerFacts.SAN_ACCESS + "=DS1,DS2 "
                        + server.name() + ")",
                SEED));
    }

    private static boolean vmwareDatastoreExists(String datastore, InventorySnapshot inventory) {
        return inventory.hosts().stream().filter(h -> h.kind().platform() == Platform.VMWARE)
                .anyMatch(h -> h.spec().storage(datastore).isPresent());
    }

    private static Optional<CheckResult> vixEnabled(ManagedServer server) {
        String check = "vix-enabled-fact";
        String key = VmwareLanOrVixRule.VIX_ENABLED;
        Optional<String> declared = server.spec().fact(key);
        if (declared.isEmpty()) {
            return Optional.empty();
        }
        String v = declared.get().strip();
        if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
            return Optional.of(CheckResult.ok(check, server.name() + " declares " + key + "=" + v
                    + (VmwareLanOrVixRule.vixDisabled(server) ? ": it serves as guest interaction proxy only over LAN"
                            : ""), Seeds.GUEST_INTERACTION));
        }
        return Optional.of(CheckResult.fail(check, server.name() + " declares " + key + "=" + v
                + ", which is neither true nor false", "ferry:server-update --fact " + key + "=false " + server.name()
                + " (or remove the fact: VIX is assumed available)", Seeds.GUEST_INTERACTION));
    }

    private static CheckResult fixedMode(ManagedServer server) {
        String check = "vmware-proxy-fixed-mode";
        VmwareProxySettings settings = server.role(RoleType.VMWARE_PROXY).flatMap(ServerRole::vmware)
                .orElse(VmwareProxySettings.AUTOMATIC);
        if (settings.fixedMode().isEmpty()) {
            return CheckResult.ok(check, server.name() + " chooses the transport mode automatically", SEED);
        }
        TransportMode fixed = settings.fixedMode().get();
        String mode = TransportRestrictions.id(fixed);
        Optional<String> unusable = switch (fixed) {
            case VIRTUAL_APPLIANCE -> server.spec().machineKind() != MachineKind.VIRTUAL
                    ? Optional.of("it is a physical machine and cannot hot-add disks")
                    : server.spec().fact(ServerFacts.VMWARE_HOST).isEmpty()
                            ? Optional.of("it declares no " + ServerFacts.VMWARE_HOST) : Optional.empty();
            case DIRECT_STORAGE_ACCESS -> ListFact.of(server, ServerFacts.SAN_ACCESS).values()
                    .filter(v -> !v.isEmpty()).isEmpty()
                            ? Optional.of("it declares no SAN/NFS access (" + ServerFacts.SAN_ACCESS + ")")
                            : Optional.empty();
            default -> Optional.empty();
        };
        String failover = settings.failoverToNetwork() ? ", failing over to network" : ", without failover to network";
        // with failover the proxy still reads every disk (over the network): a warning
        Severity severity = settings.failoverToNetwork() ? Severity.WARNING : Severity.ERROR;
        if (unusable.isEmpty()) {
            return CheckResult.ok(check, server.name() + " is fixed to " + mode + failover, SEED).withSeverity(severity);
        }
        return CheckResult.fail(check, server.name() + " is fixed to " + mode + failover + ", but " + unusable.get(),
                "let it choose the mode automatically (ferry:role-assign " + server.name() + " vmware-proxy)"
                        + " or declare what the mode needs", SEED).withSeverity(severity);
    }
}
