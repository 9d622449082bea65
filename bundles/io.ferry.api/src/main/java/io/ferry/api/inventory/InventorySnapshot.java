package io.ferry.api.inventory;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A consistent, immutable view of the whole inventory, read in one transaction. Planners
 * work on a snapshot so that a plan is a pure function of its inputs.
 */
public record InventorySnapshot(List<ManagedServer> servers, List<PlatformHost> hosts, List<VirtualMachine> vms) {

    public InventorySnapshot {
        servers = List.copyOf(servers);
        hosts = List.copyOf(hosts);
        vms = List.copyOf(vms);
    }

    public Optional<ManagedServer> server(String name) {
        return find(servers, ManagedServer::name, name);
    }

    public Optional<PlatformHost> host(String name) {
        return find(hosts, PlatformHost::name, name);
    }

    public Optional<VirtualMachine> vm(String name) {
        return find(vms, VirtualMachine::name, name);
    }

    /** Hosts by lower-case name, for repeated look-ups. */
    public Map<String, PlatformHost> hostsByName() {
        return hosts.stream().collect(Collectors.toMap(h -> h.name().toLowerCase(java.util.Locale.ROOT), Function.identity()));
    }

    private static <T> Optional<T> find(List<T> items, Function<T, String> name, String wanted) {
        return items.stream().filter(i -> name.apply(i).equalsIgnoreCase(wanted)).findFirst();
    }
}
