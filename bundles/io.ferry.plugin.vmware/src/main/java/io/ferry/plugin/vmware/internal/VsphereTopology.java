package io.ferry.plugin.vmware.internal;

import io.ferry.api.inventory.HostKind;
import io.ferry.api.inventory.InventorySnapshot;
import io.ferry.api.inventory.PlatformHost;
import io.ferry.api.spi.DiskContext;
import io.ferry.api.spi.VmContext;
import java.util.Optional;

/**
 * What the inventory says about vSphere: where a disk's datastore is declared, which vCenter
 * manages a host, and which ESXi hosts see a datastore. A datastore declared on a vCenter is
 * shared by all its ESXi hosts; one declared on an ESXi host is seen by that host only.
 */
final class VsphereTopology {

    private VsphereTopology() {
    }

    /** The datastore name the disk declares. */
    static Optional<String> datastore(DiskContext disk) {
        return disk.disk().storage();
    }

    /** "disk scsi0:0 of VM app-01", for reasons. */
    static String describe(DiskContext disk) {
        return "disk " + disk.disk().label() + " of VM " + disk.vm().vm().name();
    }

    static String noDatastore(DiskContext disk) {
        return describe(disk) + " names no datastore";
    }

    /** The vCenter managing the VM's ESXi host; empty for a standalone host. */
    static Optional<PlatformHost> vcenter(VmContext vm) {
        if (vm.parentHost().isPresent()) {
            return vm.parentHost();
        }
        return vm.host().spec().parent().flatMap(vm.inventory()::host);
    }

    /** The host declaring the disk's datastore: the VM's ESXi host, or its vCenter. */
    static Optional<PlatformHost> owner(DiskContext disk) {
        Optional<String> name = datastore(disk);
        if (name.isEmpty()) {
            return Optional.empty();
        }
        if (disk.vm().host().spec().storage(name.get()).isPresent()) {
            return Optional.of(disk.vm().host());
        }
        return vcenter(disk.vm()).filter(vc -> vc.spec().storage(name.get()).isPresent());
    }

    /** True if the ESXi host {@code esx} sees {@code datastore}: its own or its vCenter's. */
    static boolean sees(PlatformHost esx, String datastore, InventorySnapshot inventory) {
        return esx.spec().storage(datastore).isPresent() || esx.spec().parent().flatMap(inventory::host)
                .filter(vc -> vc.kind() == HostKind.VCENTER)
                .flatMap(vc -> vc.spec().storage(datastore)).isPresent();
    }
}
