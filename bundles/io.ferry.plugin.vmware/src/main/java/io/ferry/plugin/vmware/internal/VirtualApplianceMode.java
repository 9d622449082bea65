package io.ferry.plugin.vmware.internal;

import io.ferry.api.inventory.HostKind;
import io.ferry.api.inventory.InventorySnapshot;
import io.ferry.api.inventory.MachineKind;
import io.ferry.api.inventory.ManagedServer;
import io.ferry.api.inventory.Platform;
import io.ferry.api.inventory.PlatformHost;
import io.ferry.api.inventory.ServerFacts;
import io.ferry.api.inventory.TransportMode;
import io.ferry.api.selection.TransportStep;
import io.ferry.api.spi.DiskContext;
import io.ferry.api.spi.TransportModeProvider;
import java.util.Optional;
import org.osgi.service.component.annotations.Component;

/**
 * Virtual appliance, hot-add (seed 003): a proxy VM attaches the VM's disks to itself.
 * Available when the proxy is a virtual machine whose {@code vmware.host} fact names an ESXi
 * host in the inventory that sees the disk's datastore (declared on that host or on its
 * vCenter) and that is managed by the same vCenter as the VM's host; for a VM on a
 * standalone ESXi host, the proxy VM must run on that same host.
 */
@Component(service = TransportModeProvider.class)
public final class VirtualApplianceMode implements TransportModeProvider {

    static final String MODE = "virtual-appliance";

    @Override
    public Platform platform() {
        return Platform.VMWARE;
    }

    @Override
    public String mode() {
        return MODE;
    }

    @Override
    public int preference() {
        return 20;
    }

    @Override
    public TransportStep evaluate(ManagedServer proxy, DiskContext disk) {
        Optional<String> forbidden = TransportRestrictions.of(proxy, disk).forbids(TransportMode.VIRTUAL_APPLIANCE);
        if (forbidden.isPresent()) {
            return TransportStep.unavailable(MODE, forbidden.get());
        }
        return reach(proxy, disk).step(MODE);
    }

    /** Whether the proxy VM can hot-add the disk, restrictions aside. */
    static Reach reach(ManagedServer proxy, DiskContext disk) {
        String who = "proxy " + proxy.name();
        if (proxy.spec().machineKind() != MachineKind.VIRTUAL) {
            return Reach.no(who + " is a physical machine; hot-add needs a proxy VM");
        }
        Optional<String> hostName = proxy.spec().fact(ServerFacts.VMWARE_HOST);
        if (hostName.isEmpty()) {
            return Reach.no(who + " declares no " + ServerFacts.VMWARE_HOST + " (the ESXi host the proxy VM runs on)");
        }
        InventorySnapshot inventory = disk.vm().inventory();
        Optional<PlatformHost> esx = inventory.host(hostName.get());
        if (esx.isEmpty()) {
            return Reach.no(who + " runs on '" + hostName.get() + "' (fact " + ServerFacts.VMWARE_HOST
                    + "), which is not in the inventory");
        }
        if (esx.get().kind() != HostKind.ESXI) {
            return Reach.no(who + ": " + ServerFacts.VMWARE_HOST + " '" + esx.get().name() + "' is a "
                    + esx.get().kind() + ", not an ESXi host");
        }
        Optional<String> datastore = VsphereTopology.datastore(disk);
        if (datastore.isEmpty()) {
            return Reach.no(VsphereTopology.noDatastore(disk));
        }
        Optional<String> sameManagement = sameManagement(who, esx.get(), disk);
        if (sameManagement.isPresent()) {
            return Reach.no(sameManagement.get());
        }
        if (!VsphereTopology.sees(esx.get(), datastore.get(), inventory)) {
            return Reach.no(who + " runs on ESXi host " + esx.get().name() + ", which does not see datastore "
                    + datastore.get());
        }
        return Reach.yes(who + " is a VM on ESXi host " + esx.get().name() + ", which sees datastore "
                + datastore.get() + VsphereTopology.vcenter(disk.vm())
                        .map(vc -> " and is managed by vCenter " + vc.name() + " like the VM's host "
                                + disk.vm().host().name())
                        .orElse(" and runs the VM itself"));
    }

    /** Why the proxy's ESXi host and the VM's host are not under the same management, or empty. */
    private static Optional<String> sameManagement(String who, PlatformHost esx, DiskContext disk) {
        PlatformHost vmHost = disk.vm().host();
        Optional<PlatformHost> vcenter = VsphereTopology.vcenter(disk.vm());
        if (vcenter.isEmpty()) {
            if (esx.name().equalsIgnoreCase(vmHost.name())) {
                return Optional.empty();
            }
            return Optional.of(who + " runs on ESXi host " + esx.name() + ", but the VM's host " + vmHost.name()
                    + " is a standalone ESXi host: only a proxy VM on " + vmHost.name() + " can hot-add its disks");
        }
        Optional<String> proxyVcenter = esx.spec().parent();
        if (proxyVcenter.filter(p -> p.equalsIgnoreCase(vcenter.get().name())).isPresent()) {
            return Optional.empty();
        }
        return Optional.of(who + " runs on ESXi host " + esx.name()
                + proxyVcenter.map(p -> ", managed by vCenter " + p).orElse(", which no vCenter manages")
                + "; the VM's host " + vmHost.name() + " is managed by vCenter " + vcenter.get().name());
    }
}
