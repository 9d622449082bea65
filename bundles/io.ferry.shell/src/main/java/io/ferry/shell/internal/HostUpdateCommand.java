package io.ferry.shell.internal;

import io.ferry.api.NotFoundException;
import io.ferry.api.inventory.HostKind;
import io.ferry.api.inventory.HostSpec;
import io.ferry.api.inventory.HostStorage;
import io.ferry.api.inventory.InventoryService;
import io.ferry.api.inventory.PlatformHost;
import java.util.List;
import java.util.Optional;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Service
@Command(scope = "ferry", name = "host-update", description = "Changes what is declared about a platform host.",
        detailedDescription = """
                Reads the host, applies the options and writes it back; options not given
                keep their value. The host keeps its id: its VMs and the hosts naming it as
                parent follow a rename. --parent "", --version "", --domain "" and
                --managed-server "" clear. --storage replaces all storage (name:kind[:dedup]
                as in ferry:host-add); --add-storage and --remove-storage NAME change one.

                Refused, naming the field, if the change would break what depends on the
                host: a kind that runs no VMs while VMs run on it, storage their disks use,
                a platform their jobs do not back up. Refused too if someone changed the
                host in between; --expected-version makes sure you change exactly the
                version you looked at (ferry:host-list --json shows it; each update prints
                the new one).

                Examples:
                  ferry:host-update --address 10.0.0.12 --version 8.0u3 esx-01
                  ferry:host-update --add-storage ds2:vmfs --remove-storage ds-old esx-01
                  ferry:host-update --rename pve-01a --expected-version 3 pve-01""")
public class HostUpdateCommand implements Action {

    static final ListChanges<HostStorage> STORAGE = new ListChanges<>("--storage", "--add-storage",
            "--remove-storage", "storage", HostStorage::name);

    @Reference
    private InventoryService inventory;

    @Argument(index = 0, name = "NAME", required = true, description = "Name or id of the host to change")
    @Completion(HostNameCompleter.class)
    private String name;

    @Option(name = "--rename", description = "New unique name for the host")
    private String rename;

    @Option(name = "--kind", description = "vcenter, esxi, hyperv-host, hyperv-cluster or proxmox-node")
    @Completion(HostKindCompleter.class)
    private String kind;

    @Option(name = "--address", description = "New IP address or DNS name of the management endpoint")
    private String address;

    @Option(name = "--parent", description = "The vCenter or Hyper-V cluster the host belongs to; \"\" clears it")
    @Completion(HostNameCompleter.class)
    private String parent;

    @Option(name = "--version", description = "Hypervisor version, e.g. 8.0u2, 2022, 8.2; \"\" clears it")
    private String version;

    @Option(name = "--domain", description = "Windows domain of a Hyper-V host or cluster; \"\" clears it")
    private String domain;

    @Option(name = "--managed-server", description = "The managed server that is this same machine; \"\" clears it")
    @Completion(ServerNameCompleter.class)
    private String managedServer;

    @Option(name = "--storage", multiValued = true, description = "Replace all storage with these, as"
            + " name:kind[:dedup], e.g. ds1:vmfs; repeatable")
    private List<String> storage;

    @Option(name = "--add-storage", multiValued = true, description = "One more datastore, volume, share or pool as"
            + " name:kind[:dedup]; repeatable")
    private List<String> addStorage;

    @Option(name = "--remove-storage", multiValued = true, description = "Remove the storage with this name;"
            + " repeatable")
    private List<String> removeStorage;

    @Option(name = "--expected-version", description = "Refuse the update unless the host is still at this"
            + " version (the \"version\" of ferry:host-list --json); by default the version read just before"
            + " the update")
    private Long expectedVersion;

    @Override
    public Object execute() {
        Updates.requireChange(rename == null && kind == null && address == null && parent == null && version == null
                && domain == null && managedServer == null && ListChanges.absent(storage, addStorage, removeStorage),
                "host", name, "ferry:host-update");
        PlatformHost current = inventory.host(name)
                .orElseThrow(() -> NotFoundException.of("host", name, "ferry:host-list"));
        HostSpec spec = SpecErrors.asOptions(SpecErrors.HOST_UPDATE_OPTIONS, () -> changed(current));
        Updates.update("host", "ferry:host-list", current, PlatformHost::name, PlatformHost::version, expectedVersion,
                spec.equals(current.spec()), expected -> SpecErrors.asOptions(SpecErrors.HOST_UPDATE_OPTIONS,
                        () -> inventory.updateHost(current.id(), expected, spec)), () -> inventory.host(current.id()));
        return null;
    }

    private HostSpec changed(PlatformHost current) {
        HostSpec s = current.spec();
        List<HostStorage> volumes = STORAGE.apply("host '" + current.name() + "'", s.storage(), parsed(storage),
                parsed(addStorage), removeStorage);
        return new HostSpec(rename != null ? rename : s.name(),
                kind != null ? EnumNames.parse(HostKind.class, kind, "--kind") : s.kind(),
                address != null ? address : s.address(), cleared(parent, s.parent()), cleared(version, s.version()),
                cleared(domain, s.domain()), cleared(managedServer, s.managedServer()), volumes);
    }

    private static List<HostStorage> parsed(List<String> texts) {
        return Arguments.nonNull(texts).stream().map(StorageSpecParser::parse).toList();
    }

    /** The option's value: null keeps {@code current}, blank clears it. */
    private static Optional<String> cleared(String option, Optional<String> current) {
        if (option == null) {
            return current;
        }
        return option.isBlank() ? Optional.empty() : Optional.of(option.strip());
    }
}
