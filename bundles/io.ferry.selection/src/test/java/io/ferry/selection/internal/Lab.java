package io.ferry.selection.internal;

import io.ferry.api.inventory.Cidr;
import io.ferry.api.inventory.DiskFormat;
import io.ferry.api.inventory.GuestCredentials;
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
import java.util.function.Consumer;

/** A small inventory built from the API records, for tests. Every server holds GUEST_INTERACTION (seed 001). */
final class Lab {
    static final OsInfo LINUX = OsInfo.linux("ubuntu", "22.04");
    static final OsInfo WINDOWS = OsInfo.windows("server", "2022");

    private final List<ManagedServer> servers = new ArrayList<>();
    private final List<PlatformHost> hosts = new ArrayList<>();
    private final List<VirtualMachine> vms = new ArrayList<>();

    /** The backup server, Linux, in {@code network}. */
    Lab backupServer(String name, String network, RoleType... roles) {
        return server(name, b -> b.networks(cidrs(network)), concat(roles, RoleType.BACKUP_SERVER));
    }

    Lab linux(String name, String network, RoleType... roles) {
        return server(name, b -> b.os(LINUX).networks(cidrs(network)), roles);
    }

    Lab windows(String name, String network, RoleType... roles) {
        return server(name, b -> b.os(WINDOWS).networks(cidrs(network)), roles);
    }

    Lab server(String name, Consumer<ServerSpec.Builder> spec, RoleType... roles) {
        ServerSpec.Builder b = ServerSpec.builder(name, "10.255.0." + (servers.size() + 1));
        spec.accept(b);
        List<ServerRole> list = new ArrayList<>();
        list.add(ServerRole.of(RoleType.GUEST_INTERACTION));
        for (RoleType r : roles) {
            list.add(ServerRole.of(r));
        }
        servers.add(new ManagedServer("id-" + name, 1, b.build(), list));
        return this;
    }

    Lab server(ManagedServer server) {
        servers.add(server);
        return this;
    }

    Lab esxi(String name, HostStorage... storage) {
        return host(name, HostKind.ESXI, storage);
    }

    Lab host(String name, HostKind kind, HostStorage... storage) {
        hosts.add(new PlatformHost("host-" + name, 1, new HostSpec(name, kind, "10.254.0." + (hosts.size() + 1),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), List.of(storage))));
        return this;
    }

    Lab host(HostSpec spec) {
        hosts.add(new PlatformHost("host-" + spec.name(), 1, spec));
        return this;
    }

    static HostStorage datastore(String name) {
        return new HostStorage(name, StorageKind.VMFS, false);
    }

    /** A VM with {@code disks} disks d0.. on {@code storage}. */
    Lab vm(String name, String host, OsInfo os, String network, int disks, String storage) {
        return vm(name, host, os, network, disks, storage, Optional.empty());
    }

    Lab vm(String name, String host, OsInfo os, String network, int disks, String storage,
            Optional<GuestCredentials> credentials) {
        List<VirtualDisk> list = new ArrayList<>();
        for (int d = 0; d < disks; d++) {
            list.add(new VirtualDisk("d" + d, 1L << 30, DiskFormat.VMDK, "/vmfs/" + name + "/d" + d + ".vmdk",
                    Optional.ofNullable(storage)));
        }
        List<Cidr> nets = network == null ? List.of() : cidrs(network);
        vms.add(new VirtualMachine("vm-" + name, 1, new VmSpec(name, host, os, nets, list, credentials, false)));
        return this;
    }

    Lab vm(VmSpec spec) {
        vms.add(new VirtualMachine("vm-" + spec.name(), 1, spec));
        return this;
    }

    InventorySnapshot snapshot() {
        return new InventorySnapshot(servers, hosts, vms);
    }

    List<String> vmNames() {
        return vms.stream().map(VirtualMachine::name).toList();
    }

    static List<Cidr> cidrs(String networks) {
        return networks == null || networks.isBlank() ? List.of()
                : Arrays.stream(networks.split(",")).map(String::strip).map(Cidr::of).toList();
    }

    private static RoleType[] concat(RoleType[] roles, RoleType extra) {
        RoleType[] out = Arrays.copyOf(roles, roles.length + 1);
        out[roles.length] = extra;
        return out;
    }
}
