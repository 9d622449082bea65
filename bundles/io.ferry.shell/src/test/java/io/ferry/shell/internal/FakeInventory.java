package io.ferry.shell.internal;

import io.ferry.api.ConflictException;
import io.ferry.api.NotFoundException;
import io.ferry.api.inventory.HostSpec;
import io.ferry.api.inventory.ImportReport;
import io.ferry.api.inventory.InventoryService;
import io.ferry.api.inventory.InventorySnapshot;
import io.ferry.api.inventory.InventorySummary;
import io.ferry.api.inventory.InventoryTransfer;
import io.ferry.api.inventory.ManagedServer;
import io.ferry.api.inventory.PlatformHost;
import io.ferry.api.inventory.RoleType;
import io.ferry.api.inventory.ServerRole;
import io.ferry.api.inventory.ServerSpec;
import io.ferry.api.inventory.VirtualMachine;
import io.ferry.api.inventory.VmQuery;
import io.ferry.api.inventory.VmSpec;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** In-memory stand-in for the inventory bundle's services, recording what the commands ask. */
final class FakeInventory implements InventoryService, InventoryTransfer {
    final List<ManagedServer> servers = new ArrayList<>();
    final List<PlatformHost> hosts = new ArrayList<>();
    final List<VirtualMachine> vms = new ArrayList<>();
    final List<String> calls = new ArrayList<>();
    VmQuery lastQuery;
    Path lastImport;
    private int ids;

    ManagedServer put(ServerSpec spec, ServerRole... roles) {
        List<ServerRole> held = new ArrayList<>(List.of(roles));
        held.add(ServerRole.of(RoleType.GUEST_INTERACTION));
        ManagedServer server = new ManagedServer("id-" + ++ids, 1, spec, held);
        servers.add(server);
        return server;
    }

    @Override
    public List<ManagedServer> servers() {
        return List.copyOf(servers);
    }

    @Override
    public Optional<ManagedServer> server(String nameOrId) {
        return find(servers, nameOrId, ManagedServer::name, ManagedServer::id);
    }

    @Override
    public ManagedServer backupServer() {
        throw new UnsupportedOperationException();
    }

    @Override
    public ManagedServer addServer(ServerSpec spec) {
        calls.add("addServer " + spec.name());
        return put(spec);
    }

    @Override
    public ManagedServer updateServer(String nameOrId, long expectedVersion, ServerSpec spec) {
        calls.add("updateServer " + nameOrId + " v" + expectedVersion);
        ManagedServer current = server(nameOrId).orElseThrow(() -> NotFoundException.of("server", nameOrId, "x"));
        if (current.version() != expectedVersion) {
            throw new ConflictException("Server '" + current.name() + "' changed since version " + expectedVersion);
        }
        return replace(current, new ManagedServer(current.id(), current.version() + 1, spec, current.roles()));
    }

    @Override
    public void removeServer(String nameOrId) {
        calls.add("removeServer " + nameOrId);
        servers.remove(server(nameOrId).orElseThrow());
    }

    @Override
    public ManagedServer assignRole(String serverNameOrId, ServerRole role) {
        calls.add("assignRole " + serverNameOrId + " " + role);
        ManagedServer current = server(serverNameOrId).orElseThrow(() -> NotFoundException.of("server", serverNameOrId,
                "ferry:server-list"));
        List<ServerRole> roles = new ArrayList<>(current.roles());
        roles.removeIf(r -> r.type() == role.type());
        roles.add(role);
        return replace(current, new ManagedServer(current.id(), current.version() + 1, current.spec(), roles));
    }

    @Override
    public ManagedServer removeRole(String serverNameOrId, RoleType type) {
        calls.add("removeRole " + serverNameOrId + " " + type);
        ManagedServer current = server(serverNameOrId).orElseThrow();
        List<ServerRole> roles = new ArrayList<>(current.roles());
        roles.removeIf(r -> r.type() == type);
        return replace(current, new ManagedServer(current.id(), current.version() + 1, current.spec(), roles));
    }

    @Override
    public List<PlatformHost> hosts() {
        return List.copyOf(hosts);
    }

    @Override
    public Optional<PlatformHost> host(String nameOrId) {
        return find(hosts, nameOrId, PlatformHost::name, PlatformHost::id);
    }

    @Override
    public PlatformHost addHost(HostSpec spec) {
        calls.add("addHost " + spec.name());
        PlatformHost host = new PlatformHost("host-" + ++ids, 1, spec);
        hosts.add(host);
        return host;
    }

    @Override
    public PlatformHost updateHost(String nameOrId, long expectedVersion, HostSpec spec) {
        calls.add("updateHost " + nameOrId + " v" + expectedVersion);
        PlatformHost current = host(nameOrId).orElseThrow(() -> NotFoundException.of("host", nameOrId, "x"));
        if (current.version() != expectedVersion) {
            throw new ConflictException("Host '" + current.name() + "' changed since version " + expectedVersion);
        }
        return replace(current, new PlatformHost(current.id(), current.version() + 1, spec));
    }

    @Override
    public void removeHost(String nameOrId) {
        calls.add("removeHost " + nameOrId);
        hosts.remove(host(nameOrId).orElseThrow());
    }

    @Override
    public List<VirtualMachine> vms(VmQuery query) {
        lastQuery = query;
        return vms.stream()
                .filter(v -> query.host().map(h -> h.equalsIgnoreCase(v.spec().host())).orElse(true))
                .filter(v -> query.contains().map(c -> v.name().toLowerCase().contains(c.toLowerCase())).orElse(true))
                .skip(query.offset()).limit(query.limit()).toList();
    }

    @Override
    public Optional<VirtualMachine> vm(String nameOrId) {
        return find(vms, nameOrId, VirtualMachine::name, VirtualMachine::id);
    }

    @Override
    public VirtualMachine addVm(VmSpec spec) {
        calls.add("addVm " + spec.name());
        VirtualMachine vm = new VirtualMachine("vm-" + ++ids, 1, spec);
        vms.add(vm);
        return vm;
    }

    @Override
    public VirtualMachine updateVm(String nameOrId, long expectedVersion, VmSpec spec) {
        calls.add("updateVm " + nameOrId + " v" + expectedVersion);
        VirtualMachine current = vm(nameOrId).orElseThrow(() -> NotFoundException.of("VM", nameOrId, "x"));
        if (current.version() != expectedVersion) {
            throw new ConflictException("VM '" + current.name() + "' changed since version " + expectedVersion);
        }
        return replace(current, new VirtualMachine(current.id(), current.version() + 1, spec));
    }

    @Override
    public void removeVm(String nameOrId) {
        calls.add("removeVm " + nameOrId);
        vms.remove(vm(nameOrId).orElseThrow());
    }

    @Override
    public InventorySummary summary() {
        return new InventorySummary(servers.size(), hosts.size(), vms.size(), 0);
    }

    @Override
    public InventorySnapshot snapshot() {
        return new InventorySnapshot(servers, hosts, vms);
    }

    // --- transfer: writes a marker per object and closes the stream, as a careless writer might.

    @Override
    public void exportTo(OutputStream out) {
        write(out, "{\"servers\":" + servers.size() + "}");
    }

    @Override
    public ImportReport importFrom(Path file, boolean validateOnly) {
        lastImport = file;
        return new ImportReport(2, 1, 3, 4, 5, !validateOnly);
    }

    @Override
    public void writeServers(List<ManagedServer> list, OutputStream out) {
        write(out, "[" + String.join(",", list.stream().map(s -> "\"" + s.name() + "\"").toList()) + "]");
    }

    @Override
    public void writeHosts(List<PlatformHost> list, OutputStream out) {
        write(out, "[" + String.join(",", list.stream().map(h -> "\"" + h.name() + "\"").toList()) + "]");
    }

    @Override
    public void writeVms(List<VirtualMachine> list, OutputStream out) {
        write(out, "[" + String.join(",", list.stream().map(v -> "\"" + v.name() + "\"").toList()) + "]");
    }

    private static void write(OutputStream out, String text) {
        try (out) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private <T> T replace(T current, T updated) {
        @SuppressWarnings("unchecked")
        List<T> list = (List<T>) (current instanceof ManagedServer ? servers : current instanceof PlatformHost ? hosts : vms);
        list.set(list.indexOf(current), updated);
        return updated;
    }

    private static <T> Optional<T> find(List<T> items, String key, Function<T, String> name, Function<T, String> id) {
        return items.stream().filter(i -> name.apply(i).equalsIgnoreCase(key) || id.apply(i).equals(key)).findFirst();
    }

    // --- single objects (InventoryTransfer 1.3, the REST API's bodies): no shell command reads them ---

    @Override
    public ServerEntry readServer(java.io.InputStream json) {
        throw new UnsupportedOperationException("the shell reads no single server");
    }

    @Override
    public ServerRole readRole(java.io.InputStream json) {
        throw new UnsupportedOperationException("the shell reads no single role");
    }

    @Override
    public HostSpec readHost(java.io.InputStream json) {
        throw new UnsupportedOperationException("the shell reads no single host");
    }

    @Override
    public VmSpec readVm(java.io.InputStream json) {
        throw new UnsupportedOperationException("the shell reads no single VM");
    }
}
