package io.ferry.plugin.hyperv.internal;

import io.ferry.api.inventory.InventorySnapshot;
import io.ferry.api.inventory.ManagedServer;
import io.ferry.api.inventory.PlatformHost;
import java.util.Optional;

/**
 * The managed server that backs a Hyper-V host's VMs up on-host: the one the host names
 * ({@code ferry:host-add --managed-server}), or else a server of the host's own name. The data
 * mover runs on the host itself, and Ferry deploys it only on managed servers (seed 004: the
 * services are installed "on any Windows (or Hyper-V) server once it is added to the list of
 * managed servers").
 */
final class OnHostServer {

    private OnHostServer() {
    }

    static Optional<ManagedServer> of(PlatformHost host, InventorySnapshot inventory) {
        return inventory.server(host.spec().managedServer().orElse(host.name()));
    }

    /** Why the host cannot back up on-host and exactly what to declare: {@code problem: declaration}. */
    static String notAManagedServer(PlatformHost host) {
        return problem(host) + ": " + declaration(host);
    }

    /** {@code Hyper-V host hv-01 is not a managed server}. */
    static String problem(PlatformHost host) {
        return host.spec().managedServer()
                .map(s -> "Hyper-V host " + host.name() + " names managed server " + s + ", which is not in the inventory")
                .orElse("Hyper-V host " + host.name() + " is not a managed server");
    }

    /** What to declare, with the command. */
    static String declaration(PlatformHost host) {
        if (host.spec().managedServer().isPresent()) {
            return "add it (ferry:server-add --address ADDRESS --os windows:server --kind physical "
                    + host.spec().managedServer().get() + ")";
        }
        return "declare it as one, under the host's name: " + serverAdd(host) + " (or name its managed server when"
                + " adding the host: ferry:host-add --kind hyperv-host --address " + host.spec().address()
                + " --managed-server SERVER " + host.name() + ")";
    }

    /** {@code ferry:server-add --address hv-01.corp.example --os windows:server:2022 --kind physical ... hv-01}. */
    static String serverAdd(PlatformHost host) {
        return "ferry:server-add --address " + host.spec().address() + " --os windows:server"
                + host.spec().version().filter(v -> v.matches("[A-Za-z0-9._-]+")).map(v -> ":" + v).orElse("") + " --kind physical"
                + host.spec().domain().map(d -> " --domain " + d).orElse("") + " " + host.name();
    }
}
