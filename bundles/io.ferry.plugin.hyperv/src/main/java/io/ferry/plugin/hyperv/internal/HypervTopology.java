package io.ferry.plugin.hyperv.internal;

import io.ferry.api.inventory.HostKind;
import io.ferry.api.inventory.HostStorage;
import io.ferry.api.inventory.InventorySnapshot;
import io.ferry.api.inventory.ManagedServer;
import io.ferry.api.inventory.PlatformHost;
import io.ferry.api.inventory.StorageKind;
import io.ferry.api.spi.DiskContext;
import io.ferry.api.spi.VmContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the inventory says about Hyper-V: a host's cluster and its nodes, where a disk's
 * storage is declared, and a host's version and domain (falling back to its cluster's).
 */
final class HypervTopology {

    private HypervTopology() {
    }

    /** "disk 0 of VM app-01", for reasons. */
    static String describe(DiskContext disk) {
        return "disk " + disk.disk().label() + " of VM " + disk.vm().vm().name();
    }

    /** The cluster the VM's host is a node of, if any. */
    static Optional<PlatformHost> cluster(VmContext vm) {
        Optional<PlatformHost> parent = vm.parentHost().isPresent() ? vm.parentHost()
                : vm.host().spec().parent().flatMap(vm.inventory()::host);
        return parent.filter(p -> p.kind() == HostKind.HYPERV_CLUSTER);
    }

    /** The Hyper-V hosts whose VMs share the VM's storage: every node of its cluster, or the host alone. */
    static List<PlatformHost> nodes(VmContext vm) {
        Optional<PlatformHost> cluster = cluster(vm);
        if (cluster.isEmpty()) {
            return List.of(vm.host());
        }
        List<PlatformHost> nodes = new ArrayList<>(vm.inventory().hosts().stream()
                .filter(h -> h.kind() == HostKind.HYPERV_HOST)
                .filter(h -> h.spec().parent().filter(p -> p.equalsIgnoreCase(cluster.get().name())).isPresent())
                .sorted(PlatformHost.BY_NAME).toList());
        if (nodes.stream().noneMatch(h -> h.name().equalsIgnoreCase(vm.host().name()))) {
            nodes.add(0, vm.host());
        }
        return nodes;
    }

    /** The disk's storage: as the core resolved it, or looked up on the host and its cluster. */
    static Optional<HostStorage> storage(DiskContext disk) {
        if (disk.storage().isPresent()) {
            return disk.storage();
        }
        return owner(disk).flatMap(o -> o.spec().storage(disk.disk().storage().orElseThrow()));
    }

    static boolean isOn(DiskContext disk, StorageKind kind) {
        return storage(disk).filter(s -> s.kind() == kind).isPresent();
    }

    /** The host or cluster declaring the disk's storage. */
    static Optional<PlatformHost> owner(DiskContext disk) {
        Optional<String> name = disk.disk().storage();
        if (name.isEmpty()) {
            return Optional.empty();
        }
        if (disk.vm().host().spec().storage(name.get()).isPresent()) {
            return Optional.of(disk.vm().host());
        }
        return cluster(disk.vm()).filter(c -> c.spec().storage(name.get()).isPresent());
    }

    /** The host's Hyper-V version, or its cluster's. */
    static Optional<String> version(VmContext vm) {
        return vm.host().spec().version().or(() -> cluster(vm).flatMap(c -> c.spec().version()));
    }

    /** The managed server that is this host, if the host names one and it is in the inventory. */
    static Optional<ManagedServer> managedServer(PlatformHost host, InventorySnapshot inventory) {
        return host.spec().managedServer().flatMap(inventory::server);
    }

    /** "not applicable: disk 0 of VM app-01 is on SMB3 share s1", for rules of another storage kind. */
    static String notApplicable(DiskContext disk, StorageKind wanted) {
        return "not applicable: " + describe(disk) + storage(disk).map(s -> " is on " + s.kind() + " storage "
                + s.name()).orElse(" names no storage") + ", not on " + wanted;
    }
}
