package io.ferry.plugin.proxmox.internal;

import io.ferry.api.inventory.Cidr;
import io.ferry.api.inventory.DiskFormat;
import io.ferry.api.inventory.HostKind;
import io.ferry.api.inventory.HostSpec;
import io.ferry.api.inventory.HostStorage;
import io.ferry.api.inventory.InventorySnapshot;
import io.ferry.api.inventory.ManagedServer;
import io.ferry.api.inventory.OsInfo;
import io.ferry.api.inventory.PlatformHost;
import io.ferry.api.inventory.RoleType;
import io.ferry.api.inventory.ServerRole;
import io.ferry.api.inventory.ServerSpec;
import io.ferry.api.inventory.StorageKind;
import io.ferry.api.inventory.VirtualDisk;
import io.ferry.api.inventory.VirtualMachine;
import io.ferry.api.inventory.VmSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A Proxmox VE inventory built from the API records: node pve1 running win-01 (Windows
 * Server 2022), win-02 (Windows 11) and lnx-01 (Debian); the backup server bs and lnx-px are
 * Linux servers.
 */
final class ProxmoxLab {

    final List<ManagedServer> servers = new ArrayList<>();
    final List<PlatformHost> hosts = new ArrayList<>();
    final List<VirtualMachine> vms = new ArrayList<>();

    ProxmoxLab() {
        hosts.add(new PlatformHost("h-pve1", 1, new HostSpec("pve1", HostKind.PROXMOX_NODE, "10.0.0.31",
                Optional.empty(), Optional.of("8.2"), Optional.empty(), Optional.empty(),
                List.of(new HostStorage("local-zfs", StorageKind.PVE_POOL, false)))));
        vm("win-01", OsInfo.windows("server", "2022"));
        vm("win-02", OsInfo.windows("client", "11"));
        vm("lnx-01", OsInfo.linux("debian", "12"));
        server(linux("bs").build(), ServerRole.of(RoleType.BACKUP_SERVER), ServerRole.of(RoleType.GENERAL_PURPOSE_PROXY),
                ServerRole.of(RoleType.REPOSITORY));
        server(linux("lnx-px").build(), ServerRole.of(RoleType.GENERAL_PURPOSE_PROXY));
    }

    static ServerSpec.Builder linux(String name) {
        return ServerSpec.builder(name, name + ".lab.example").os(OsInfo.linux("ubuntu", "24.04"))
                .networks(List.of(Cidr.of("10.0.0.0/24")));
    }

    static ServerSpec.Builder windows(String name) {
        return ServerSpec.builder(name, name + ".lab.example").os(OsInfo.windows("server", "2022"))
                .networks(List.of(Cidr.of("10.0.0.0/24")));
    }

    private void vm(String name, OsInfo os) {
        VirtualDisk disk = new VirtualDisk("scsi0", 8L << 30, DiskFormat.QCOW2, "nbd://10.0.0.31:10809/" + name,
                Optional.of("local-zfs"));
        vms.add(new VirtualMachine("vm-" + name, 1, new VmSpec(name, "pve1", os, List.of(Cidr.of("10.0.0.0/24")),
                List.of(disk), Optional.empty(), false)));
    }

    ManagedServer server(ServerSpec spec, ServerRole... roles) {
        List<ServerRole> all = new ArrayList<>(Arrays.asList(roles));
        all.add(ServerRole.of(RoleType.GUEST_INTERACTION));
        ManagedServer s = new ManagedServer("s-" + spec.name(), 1, spec, all);
        servers.add(s);
        return s;
    }

    InventorySnapshot snapshot() {
        return new InventorySnapshot(servers, hosts, vms);
    }
}
