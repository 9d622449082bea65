package io.ferry.inventory.internal;

import io.ferry.api.inventory.Cidr;
import io.ferry.api.inventory.DiskFormat;
import io.ferry.api.inventory.GuestCredentials;
import io.ferry.api.inventory.HostKind;
import io.ferry.api.inventory.HostSpec;
import io.ferry.api.inventory.HostStorage;
import io.ferry.api.inventory.InventoryService;
import io.ferry.api.inventory.MachineKind;
import io.ferry.api.inventory.OffhostProxySettings;
import io.ferry.api.inventory.OsInfo;
import io.ferry.api.inventory.ServerFacts;
import io.ferry.api.inventory.ServerRole;
import io.ferry.api.inventory.ServerSpec;
import io.ferry.api.inventory.StorageKind;
import io.ferry.api.inventory.TransportMode;
import io.ferry.api.inventory.VirtualDisk;
import io.ferry.api.inventory.VmSpec;
import io.ferry.api.inventory.VmwareProxySettings;
import java.util.List;
import java.util.Optional;

/** A small but complete inventory: every host kind, every role, VMs with disks and credentials. */
final class InventoryFixtures {
    private InventoryFixtures() {
    }

    static ServerSpec.Builder linux(String name, String address) {
        return ServerSpec.builder(name, address).os(OsInfo.linux("ubuntu", "22.04"));
    }

    static ServerSpec.Builder windows(String name, String address) {
        return ServerSpec.builder(name, address).os(OsInfo.windows("server", "2022"));
    }

    static HostSpec host(String name, HostKind kind, Optional<String> parent, HostStorage... storage) {
        return new HostSpec(name, kind, name + ".lab.example", parent, Optional.of("1"), Optional.empty(),
                Optional.empty(), List.of(storage));
    }

    static VmSpec vm(String name, String host, OsInfo os, String storage) {
        return new VmSpec(name, host, os, List.of(Cidr.of("10.0.1.0/24")),
                List.of(new VirtualDisk("disk-0", 40L << 30, DiskFormat.QCOW2, "/var/lib/vz/" + name + "-0.qcow2",
                        Optional.ofNullable(storage)),
                        new VirtualDisk("disk-1", 100L << 30, DiskFormat.QCOW2, "nbd+unix:///" + name + "?socket=/run/x.sock",
                                Optional.empty())),
                Optional.empty(), false);
    }

    static void populate(InventoryService inventory) {
        inventory.addServer(linux("px-lin-01", "10.0.1.21").machineKind(MachineKind.VIRTUAL)
                .networks(List.of(Cidr.of("10.0.1.0/24"))).site("hq").maxConcurrentTasks(8).build());
        inventory.addServer(windows("px-win-01", "10.0.2.21").machineKind(MachineKind.PHYSICAL)
                .networks(List.of(Cidr.of("10.0.2.0/24"), Cidr.of("192.168.10.0/24"))).domain("CORP.example")
                .trustedDomains(List.of("partner.example")).fact(ServerFacts.POWERSHELL_VERSION, "5.1")
                .fact(ServerFacts.HYPERV_VERSION, "2022").build());
        inventory.addServer(linux("rocky-01", "rocky-01.corp.example").os(OsInfo.linux("rocky", "9.3"))
                .installedPackages(List.of("libmsi1", "samba-client", "samba-common-tools")).build());
        inventory.addHost(host("vc-01", HostKind.VCENTER, Optional.empty()));
        inventory.addHost(host("esx-01", HostKind.ESXI, Optional.of("vc-01"),
                new HostStorage("ds-san-01", StorageKind.VMFS, false)));
        inventory.addHost(host("hv-cluster", HostKind.HYPERV_CLUSTER, Optional.empty(),
                new HostStorage("csv-01", StorageKind.CSV, true)));
        inventory.addHost(host("hv-01", HostKind.HYPERV_HOST, Optional.of("hv-cluster")));
        inventory.addHost(host("pve-01", HostKind.PROXMOX_NODE, Optional.empty(),
                new HostStorage("local-lvm", StorageKind.PVE_POOL, false)));
        inventory.assignRole("px-lin-01", ServerRole.vmwareProxy(new VmwareProxySettings(
                Optional.of(TransportMode.VIRTUAL_APPLIANCE), true, true)));
        inventory.assignRole("px-win-01", ServerRole.offhostProxy(OffhostProxySettings.PRODUCTION));
        inventory.assignRole("px-win-01", ServerRole.of(io.ferry.api.inventory.RoleType.REPOSITORY));
        inventory.addVm(vm("web-01", "esx-01", OsInfo.linux("debian", "12"), "ds-san-01"));
        inventory.addVm(vm("sql-01", "hv-01", OsInfo.windows("server", "2019"), "csv-01"));
        VmSpec withCredentials = vm("dc-01", "pve-01", OsInfo.windows("server", "2022"), "local-lvm");
        inventory.addVm(new VmSpec(withCredentials.name(), withCredentials.host(), withCredentials.guestOs(),
                withCredentials.networks(), withCredentials.disks(),
                Optional.of(new GuestCredentials("CORP\\svc-backup$", true)), false));
    }
}
