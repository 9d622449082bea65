package io.ferry.plugin.hyperv.internal;

import io.ferry.api.inventory.Cidr;
import io.ferry.api.inventory.DiskFormat;
import io.ferry.api.inventory.HostKind;
import io.ferry.api.inventory.HostSpec;
import io.ferry.api.inventory.HostStorage;
import io.ferry.api.inventory.InventorySnapshot;
import io.ferry.api.inventory.MachineKind;
import io.ferry.api.inventory.ManagedServer;
import io.ferry.api.inventory.OffhostProxySettings;
import io.ferry.api.inventory.OsInfo;
import io.ferry.api.inventory.Platform;
import io.ferry.api.inventory.PlatformHost;
import io.ferry.api.inventory.RoleType;
import io.ferry.api.inventory.ServerFacts;
import io.ferry.api.inventory.ServerRole;
import io.ferry.api.inventory.ServerSpec;
import io.ferry.api.inventory.StorageKind;
import io.ferry.api.inventory.VirtualDisk;
import io.ferry.api.inventory.VirtualMachine;
import io.ferry.api.inventory.VmSpec;
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
 * A small Hyper-V inventory built from the API records:
 * <pre>
 * hv-clu (cluster, corp.example, 2022): CSV Volume1, CSV Volume2 (dedup), SMB3 vmshare
 *   hv01 (server hv01-srv)   runs app-01 (Volume1), share-01 (vmshare), vhds-01 (VHD Set, Volume1)
 *   hv02 (server hv02-srv)   runs dedup-01 (Volume2)
 * hv-solo (2019, lab.example, no managed server): LOCAL D, SMB3 solo-share; runs local-01, solo-share-01
 * hv-old (2012r2)           runs old-01
 * </pre>
 * hv01-srv and hv02-srv are physical Windows nodes with transportable VSS providers.
 */
final class HypervLab {

    final List<ManagedServer> servers = new ArrayList<>();
    final List<PlatformHost> hosts = new ArrayList<>();
    final List<VirtualMachine> vms = new ArrayList<>();

    HypervLab() {
        server(windows("bs").machineKind(MachineKind.PHYSICAL).build(), ServerRole.of(RoleType.BACKUP_SERVER));
        server(windows("hv01-srv").machineKind(MachineKind.PHYSICAL).fact(ServerFacts.VSS_TRANSPORTABLE, "true")
                .fact(ServerFacts.CLUSTER, "hv-clu").fact(ServerFacts.HYPERV_VERSION, "2022").build());
        server(windows("hv02-srv").machineKind(MachineKind.PHYSICAL).fact(ServerFacts.VSS_TRANSPORTABLE, "true")
                .fact(ServerFacts.CLUSTER, "hv-clu").fact(ServerFacts.HYPERV_VERSION, "2022").build());
        host(new HostSpec("hv-clu", HostKind.HYPERV_CLUSTER, "hv-clu.corp.example", Optional.empty(),
                Optional.of("2022"), Optional.of("corp.example"), Optional.empty(),
                List.of(new HostStorage("Volume1", StorageKind.CSV, false),
                        new HostStorage("Volume2", StorageKind.CSV, true),
                        new HostStorage("vmshare", StorageKind.SMB3, false))));
        host(node("hv01", "hv01-srv"));
        host(node("hv02", "hv02-srv"));
        host(new HostSpec("hv-solo", HostKind.HYPERV_HOST, "hv-solo.lab.example", Optional.empty(),
                Optional.of("2019"), Optional.of("lab.example"), Optional.empty(),
                List.of(new HostStorage("D", StorageKind.LOCAL, false),
                        new HostStorage("solo-share", StorageKind.SMB3, false))));
        host(new HostSpec("hv-old", HostKind.HYPERV_HOST, "hv-old.lab.example", Optional.empty(),
                Optional.of("2012r2"), Optional.empty(), Optional.empty(), List.of()));
        vm("app-01", "hv01", "Volume1", false);
        vm("share-01", "hv01", "vmshare", false);
        vm("vhds-01", "hv01", "Volume1", true);
        vm("dedup-01", "hv02", "Volume2", false);
        vm("local-01", "hv-solo", "D", false);
        vm("solo-share-01", "hv-solo", "solo-share", false);
        vm("old-01", "hv-old", null, false);
    }

    static HostSpec node(String name, String server) {
        return new HostSpec(name, HostKind.HYPERV_HOST, name + ".corp.example", Optional.of("hv-clu"),
                Optional.of("2022"), Optional.of("corp.example"), Optional.ofNullable(server), List.of());
    }

    static ServerSpec.Builder windows(String name) {
        return ServerSpec.builder(name, name + ".corp.example").os(OsInfo.windows("server", "2022"))
                .domain("corp.example");
    }

    /** A physical Windows off-host proxy meeting every requirement for hv-clu's storage. */
    static ServerSpec.Builder goodProxy(String name) {
        return windows(name).machineKind(MachineKind.PHYSICAL).fact(ServerFacts.HYPERV_VERSION, "2022")
                .fact(ServerFacts.SAN_ACCESS, "Volume1, Volume2").fact(ServerFacts.VSS_TRANSPORTABLE, "true")
                .fact(ServerFacts.DEDUP_ENABLED, "true").fact(ServerFacts.SMB_LOCALSYSTEM_READ, "vmshare");
    }

    PlatformHost host(HostSpec spec) {
        PlatformHost h = new PlatformHost("h-" + spec.name(), 1, spec);
        hosts.removeIf(x -> x.name().equalsIgnoreCase(spec.name()));
        hosts.add(h);
        return h;
    }

    void vm(String name, String host, String storage, boolean vhdSet) {
        VirtualDisk disk = new VirtualDisk("disk0", 1L << 30, DiskFormat.VHDX, "\\\\fs\\vms\\" + name + ".vhdx",
                Optional.ofNullable(storage));
        vms.add(new VirtualMachine("vm-" + name, 1, new VmSpec(name, host, OsInfo.windows("server", "2022"),
                List.of(Cidr.of("10.0.1.0/24")), List.of(disk), Optional.empty(), vhdSet)));
    }

    void vm(VmSpec spec) {
        vms.add(new VirtualMachine("vm-" + spec.name(), 1, spec));
    }

    ManagedServer server(ServerSpec spec, ServerRole... roles) {
        List<ServerRole> all = new ArrayList<>(Arrays.asList(roles));
        all.add(ServerRole.of(RoleType.GUEST_INTERACTION));
        ManagedServer s = new ManagedServer("s-" + spec.name(), 1, spec, all);
        servers.removeIf(x -> x.name().equalsIgnoreCase(spec.name()));
        servers.add(s);
        return s;
    }

    ManagedServer proxy(ServerSpec.Builder spec) {
        return server(spec.build(), ServerRole.of(RoleType.HYPERV_OFFHOST_PROXY));
    }

    ManagedServer evaluationProxy(ServerSpec.Builder spec) {
        return server(spec.build(), ServerRole.offhostProxy(new OffhostProxySettings(true)));
    }

    InventorySnapshot snapshot() {
        return new InventorySnapshot(servers, hosts, vms);
    }

    static JobSpec job(String vm) {
        return JobSpec.of("job-" + vm, Platform.HYPERV, List.of(vm), "bs");
    }

    static JobSpec jobWithoutOnHostFallback(String vm) {
        return new JobSpec("job-" + vm, Platform.HYPERV, List.of(vm), "bs", ServerChoice.AUTOMATIC,
                TransportChoice.AUTOMATIC, GuestProcessing.DISABLED, false);
    }

    VmContext vmContext(JobSpec job, String vmName) {
        InventorySnapshot inventory = snapshot();
        VirtualMachine vm = inventory.vm(vmName).orElseThrow();
        PlatformHost host = inventory.host(vm.spec().host()).orElseThrow();
        return new VmContext(job, vm, host, host.spec().parent().flatMap(inventory::host), inventory);
    }

    DiskContext disk(JobSpec job, String vmName) {
        VmContext vm = vmContext(job, vmName);
        VirtualDisk disk = vm.vm().spec().disks().get(0);
        Optional<HostStorage> storage = disk.storage().flatMap(s -> vm.host().spec().storage(s)
                .or(() -> vm.parentHost().flatMap(p -> p.spec().storage(s))));
        return new DiskContext(vm, disk, storage);
    }

    DiskContext disk(String vmName) {
        return disk(job(vmName), vmName);
    }
}
