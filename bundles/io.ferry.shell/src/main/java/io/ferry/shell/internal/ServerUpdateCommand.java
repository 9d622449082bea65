package io.ferry.shell.internal;

import io.ferry.api.NotFoundException;
import io.ferry.api.inventory.InventoryService;
import io.ferry.api.inventory.ManagedServer;
import io.ferry.api.inventory.ServerSpec;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Service
@Command(scope = "ferry", name = "server-update", description = "Changes what is declared about a managed server.",
        detailedDescription = """
                Reads the server, applies the options and writes it back. Options not
                given keep their value. --network and --trusted-domain replace the
                whole list (an empty value, --trusted-domain "", clears it);
                --add-network/--remove-network change one network, --fact sets one
                fact and --package adds one package. --site "" and --domain "" clear.
                Roles are changed with ferry:role-assign and ferry:role-remove.

                The update is refused if someone changed the server in between; pass
                --expected-version with the version ferry:server-show printed to make
                sure you change exactly what you looked at.

                Examples:
                  ferry:server-update --max-tasks 8 --fact hyperv.version=2022 px-01
                  ferry:server-update --add-network 10.0.2.0/24 --remove-fact cluster px-01
                  ferry:server-update --disable --expected-version 7 px-01""")
public class ServerUpdateCommand implements Action {

    @Reference
    private InventoryService inventory;

    @Argument(index = 0, name = "NAME", required = true, description = "Name or id of the server to change")
    @Completion(ServerNameCompleter.class)
    private String name;

    @Option(name = "--rename", description = "New unique name for the server")
    private String rename;

    @Option(name = "--address", description = "New IP address or DNS name, e.g. 10.0.1.22")
    private String address;

    @Option(name = "--os", description = "New operating system as family[:distribution[:version]],"
            + " e.g. windows:server:2022 or linux:rocky:9.3")
    @Completion(OsCompleter.class)
    private String os;

    @Option(name = "--kind", description = "physical or virtual")
    @Completion(MachineKindCompleter.class)
    private String kind;

    @Option(name = "--network", multiValued = true,
            description = "Replace all networks with these (CIDR, e.g. 10.0.1.0/24); repeat for several")
    private List<String> networks;

    @Option(name = "--add-network", multiValued = true, description = "Attach one more network (CIDR); repeatable")
    private List<String> addNetworks;

    @Option(name = "--remove-network", multiValued = true, description = "Detach a network (CIDR); repeatable")
    private List<String> removeNetworks;

    @Option(name = "--site", description = "New site label; \"\" clears it")
    private String site;

    @Option(name = "--domain", description = "New Windows domain, e.g. corp.example; \"\" clears it")
    private String domain;

    @Option(name = "--trusted-domain", multiValued = true,
            description = "Replace the trusted domains with these; repeatable; \"\" clears the list")
    private List<String> trustedDomains;

    @Option(name = "--fact", multiValued = true,
            description = "Set one fact as key=value, e.g. powershell.version=5.1; repeatable")
    private List<String> facts;

    @Option(name = "--remove-fact", multiValued = true, description = "Remove the fact with this key; repeatable")
    private List<String> removeFacts;

    @Option(name = "--package", multiValued = true, description = "Declare one more installed package; repeatable")
    private List<String> packages;

    @Option(name = "--remove-package", multiValued = true, description = "Remove a declared package; repeatable")
    private List<String> removePackages;

    @Option(name = "--max-tasks", description = "Task slots: how many tasks may run on the server at once (1-256)")
    private Integer maxTasks;

    @Option(name = "--enable", description = "Enable the server: it may be chosen for new work again")
    private boolean enable;

    @Option(name = "--disable", description = "Disable the server: kept, but never chosen for new work")
    private boolean disable;

    @Option(name = "--expected-version", description = "Refuse the update unless the server is still at this"
            + " version (from ferry:server-show); by default the version read just before the update")
    private Long expectedVersion;

    @Override
    public Object execute() {
        Arguments.notBoth(enable, "--enable", disable, "--disable");
        ServerChanges changes = new ServerChanges().rename(rename).address(address).os(os).kind(kind)
                .networks(networks).addNetworks(addNetworks).removeNetworks(removeNetworks).site(site).domain(domain)
                .trustedDomains(trustedDomains).facts(facts).removeFacts(removeFacts).packages(packages)
                .removePackages(removePackages).maxTasks(maxTasks).enabled(enabledChange());
        Updates.requireChange(changes.isEmpty(), "server", name, "ferry:server-update");
        ManagedServer current = inventory.server(name)
                .orElseThrow(() -> NotFoundException.of("server", name, "ferry:server-list"));
        ServerSpec spec = changes.applyTo(current.spec());
        Updates.update("server", "ferry:server-show " + current.name(), current, ManagedServer::name,
                ManagedServer::version, expectedVersion, spec.equals(current.spec()),
                expected -> SpecErrors.asOptions(SpecErrors.SERVER_UPDATE_OPTIONS,
                        () -> inventory.updateServer(current.id(), expected, spec)), () -> inventory.server(current.id()));
        return null;
    }

    /** True for --enable, false for --disable, null when neither is given. */
    private Boolean enabledChange() {
        if (enable || disable) {
            return enable;
        }
        return null;
    }
}
