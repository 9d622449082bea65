package io.ferry.plugin.vmware.internal;

import io.ferry.api.inventory.Cidr;
import io.ferry.api.inventory.DiskFormat;
import io.ferry.api.inventory.HostKind;
import io.ferry.api.inventory.HostSpec;
import io.ferry.api.inventory.HostStorage;
import io.ferry.api.inventory.InventorySnapshot;
import io.ferry.api.inventory.MachineKind;
import io.ferry.api.inventory.ManagedServer;
import io.ferry.api.inventory.OsInfo;
import io.ferry.api.inventory.Platform;
import io.ferry.api.inventory.PlatformHost;
import io.ferry.api.inventory.RoleType;
import io.ferry.api.inventory.ServerRole;
import io.ferry.api.inventory.ServerSpec;
import io.ferry.api.inventory.StorageKind;
import io.ferry.api.inventory.VirtualDisk;
import io.ferry.api.inventory.VirtualMachine;
import io.ferry.api.inventory.VmSpec;
import io.ferry.api.inventory.VmwareProxySettings;
import io.ferry.api.job.GuestProcessing;
import io.ferry.api.job.JobSpec;
import io.ferry.api.job.ServerChoice;
import io.ferry.api.job.TransportChoice;
import io.ferry.api.spi.DiskContext;
import io.ferry.api.spi.VmContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A small vSphere inventory built from the API records:
 * <pre>
 * vc1 (vCenter, shared datastore "shared-ds")
 *   esx1 (local "esx1-local")   runs app-01 (disks on shared-ds and esx1-local)
 *   esx2                        sees shared-ds only
 * vc2 (vCenter, datastore "other-ds")
 *   esx9
 * esx-solo (standalone, "solo-ds")  runs solo-01
 * </pre>
 */
final class VsphereLab {

    final List<ManagedServer> servers = new ArrayList<>();
    final List<PlatformHost> hosts = new ArrayList<>();
    final List<VirtualMachine> vms = new ArrayList<>();

    VsphereLab() {
        host(new HostSpec("vc1", HostKind.VCENTER, "10.0.0.10", Optional.empty(), Optional.of("8.0u2"),
                Optional.empty(), Optional.empty(), List.of(new HostStorage("shared-ds", StorageKind.VMFS, false))));
        host(esxi("esx1", "vc1", new HostStorage("esx1-local", StorageKind.LOCAL, false)));
        host(esxi("esx2", "vc1"));
        host(new HostSpec("vc2", HostKind.VCENTER, "10.0.0.20", Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), List.of(new HostStorage("other-ds", StorageKind.NFS, false))));
        host(esxi("esx9", "vc2"));
        host(new HostSpec("esx-solo", HostKind.ESXI, "10.0.0.30", Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), List.of(new HostStorage("solo-ds", StorageKind.VMFS, false))));
        vm(new VmSpec("app-01", "esx1", OsInfo.windows("server", "2022"), List.of(Cidr.of("10.0.1.0/24")),
                List.of(disk("scsi0:0", "shared-ds"), disk("scsi0:1", "esx1-local")), Optional.empty(), false));
        vm(new VmSpec("solo-01", "esx-solo", OsInfo.linux("ubuntu", "24.04"), List.of(Cidr.of("10.0.9.0/24")),
                List.of(disk("scsi0:0", "solo-ds")), Optional.empty(), false));
        server(ServerSpec.builder("bs", "10.0.0.2").os(OsInfo.windows("server", "2022"))
                .machineKind(MachineKind.PHYSICAL).networks(List.of(Cidr.of("10.0.0.0/24"))).build(),
                ServerRole.of(RoleType.BACKUP_SERVER), ServerRole.of(RoleType.VMWARE_PROXY));
    }

    static HostSpec esxi(String name, String vcenter, HostStorage... storage) {
        return new HostSpec(name, HostKind.ESXI, name + ".lab.example", Optional.ofNullable(vcenter),
                Optional.of("8.0u2"), Optional.empty(), Optional.empty(), Arrays.asList(storage));
    }

    static VirtualDisk disk(String label, String datastore) {
        return new VirtualDisk(label, 1L << 30, DiskFormat.VMDK, "nbd://esx.lab.example/" + label.replace(':', '-'),
                Optional.ofNullable(datastore));
    }

    PlatformHost host(HostSpec spec) {
        PlatformHost h = new PlatformHost("h-" + spec.name(), 1, spec);
        hosts.add(h);
        return h;
    }

    VirtualMachine vm(VmSpec spec) {
        VirtualMachine v = new VirtualMachine("vm-" + spec.name(), 1, spec);
        vms.add(v);
        return v;
    }

    ManagedServer server(ServerSpec spec, ServerRole... roles) {
        List<ServerRole> all = new ArrayList<>(Arrays.asList(roles));
        all.add(ServerRole.of(RoleType.GUEST_INTERACTION));
        ManagedServer s = new ManagedServer("s-" + spec.name(), 1, spec, all);
        servers.add(s);
        return s;
    }

    /** A VMware proxy VM (Linux) with the given settings; configure facts etc. through the builder. */
    ManagedServer proxy(ServerSpec.Builder spec, VmwareProxySettings settings) {
        return server(spec.build(), ServerRole.vmwareProxy(settings));
    }

    static ServerSpec.Builder linuxVm(String name) {
        return ServerSpec.builder(name, name + ".lab.example").os(OsInfo.linux("ubuntu", "24.04"))
                .machineKind(MachineKind.VIRTUAL);
    }

    InventorySnapshot snapshot() {
        return new InventorySnapshot(servers, hosts, vms);
    }

    static JobSpec job(String vm) {
        return JobSpec.of("job-" + vm, Platform.VMWARE, List.of(vm), "bs");
    }

    static JobSpec job(String vm, TransportChoice transport) {
        return new JobSpec("job-" + vm, Platform.VMWARE, List.of(vm), "bs", ServerChoice.AUTOMATIC, transport,
                GuestProcessing.DISABLED, false);
    }

    VmContext vmContext(JobSpec job, String vmName) {
        InventorySnapshot inventory = snapshot();
        VirtualMachine vm = inventory.vm(vmName).orElseThrow();
        PlatformHost host = inventory.host(vm.spec().host()).orElseThrow();
        Optional<PlatformHost> parent = host.spec().parent().flatMap(inventory::host);
        return new VmContext(job, vm, host, parent, inventory);
    }

    /** The context of a VM's disk, its storage looked up on the host, then on its parent. */
    DiskContext disk(JobSpec job, String vmName, String label) {
        VmContext vm = vmContext(job, vmName);
        VirtualDisk disk = vm.vm().spec().disks().stream().filter(d -> d.label().equals(label)).findFirst()
                .orElseThrow();
        Optional<HostStorage> storage = disk.storage().flatMap(s -> vm.host().spec().storage(s)
                .or(() -> vm.parentHost().flatMap(p -> p.spec().storage(s))));
        return new DiskContext(vm, disk, storage);
    }
}
