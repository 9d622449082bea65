package io.ferry.jobs.internal;

import io.ferry.api.inventory.HostSpec;
import io.ferry.api.inventory.InventoryService;
import io.ferry.api.inventory.InventorySnapshot;
import io.ferry.api.inventory.InventorySummary;
import io.ferry.api.inventory.ManagedServer;
import io.ferry.api.inventory.OsInfo;
import io.ferry.api.inventory.PlatformHost;
import io.ferry.api.inventory.RoleType;
import io.ferry.api.inventory.ServerRole;
import io.ferry.api.inventory.ServerSpec;
import io.ferry.api.inventory.VirtualDisk;
import io.ferry.api.inventory.VirtualMachine;
import io.ferry.api.inventory.VmQuery;
import io.ferry.api.inventory.VmSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The servers and VMs a test needs, in memory (test fake: only the reads the job runner uses). */
final class FakeInventory implements InventoryService {

    private final List<ManagedServer> servers = new ArrayList<>();
    private final List<VirtualMachine> vms = new ArrayList<>();
    private int next = 1;

    /** Adds a server with these task slots and roles (GUEST_INTERACTION is added, as the inventory does). */
    synchronized ManagedServer addServer(String name, int slots, RoleType... roles) {
        List<ServerRole> held = new ArrayList<>();
        held.add(ServerRole.of(RoleType.GUEST_INTERACTION));
        for (RoleType r : roles) {
            held.add(ServerRole.of(r));
        }
        ManagedServer server = new ManagedServer("server-id-" + next++, 1, ServerSpec.builder(name, "10.0.0." + next)
                .maxConcurrentTasks(slots).build(), held);
        servers.add(server);
        return server;
    }

    synchronized VirtualMachine addVm(String name, OsInfo os, List<VirtualDisk> disks) {
        VirtualMachine vm = new VirtualMachine("vm-id-" + next++, 1, new VmSpec(name, "host-01", os, List.of(), disks,
                Optional.empty(), false));
        vms.add(vm);
        return vm;
    }

    synchronized void replaceVm(VirtualMachine vm) {
        vms.removeIf(v -> v.name().equalsIgnoreCase(vm.name()));
        vms.add(vm);
    }

    @Override
    public synchronized List<ManagedServer> servers() {
        return List.copyOf(servers);
    }

    @Override
    public synchronized Optional<ManagedServer> server(String nameOrId) {
        return servers.stream().filter(s -> s.id().equals(nameOrId) || s.name().equalsIgnoreCase(nameOrId))
                .findFirst();
    }

    @Override
    public synchronized ManagedServer backupServer() {
        return servers.stream().filter(s -> s.hasRole(RoleType.BACKUP_SERVER)).findFirst().orElseThrow();
    }

    @Override
    public synchronized List<VirtualMachine> vms(VmQuery query) {
        return List.copyOf(vms);
    }

    @Override
    public synchronized Optional<VirtualMachine> vm(String nameOrId) {
        return vms.stream().filter(v -> v.id().equals(nameOrId) || v.name().equalsIgnoreCase(nameOrId)).findFirst();
    }

    @Override
    public ManagedServer addServer(ServerSpec spec) {
        throw new UnsupportedOperationException();
    }

    @Override
    public ManagedServer updateServer(String nameOrId, long expectedVersion, ServerSpec spec) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void removeServer(String nameOrId) {
        throw new UnsupportedOperationException();
    }

    @Override
    public ManagedServer assignRole(String serverNameOrId, ServerRole role) {
        throw new UnsupportedOperationException();
    }

    @Override
    public ManagedServer removeRole(String serverNameOrId, RoleType type) {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<PlatformHost> hosts() {
        return List.of();
    }

    @Override
    public Optional<PlatformHost> host(String nameOrId) {
        return Optional.empty();
    }

    @Override
    public PlatformHost addHost(HostSpec spec) {
        throw new UnsupportedOperationException();
    }

    @Override
    public PlatformHost updateHost(String nameOrId, long expectedVersion, HostSpec spec) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void removeHost(String nameOrId) {
        throw new UnsupportedOperationException();
    }

    @Override
    public VirtualMachine addVm(VmSpec spec) {
        throw new UnsupportedOperationException();
    }

    @Override
    public VirtualMachine updateVm(String nameOrId, long expectedVersion, VmSpec spec) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void removeVm(String nameOrId) {
        throw new UnsupportedOperationException();
    }

    @Override
    public InventorySummary summary() {
        throw new UnsupportedOperationException();
    }

    @Override
    public synchronized InventorySnapshot snapshot() {
        return new InventorySnapshot(servers, List.of(), vms);
    }
}
