package io.ferry.shell.internal;

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
@Command(scope = "ferry", name = "host-add", description = "Adds a platform host: vCenter, ESXi, Hyper-V or Proxmox VE.",
        detailedDescription = """
                Adds a virtualization host to the inventory. An ESXi host may name its
                vCenter and a Hyper-V host its cluster with --parent (add the parent
                first). Storage is given as name:kind[:dedup] with kind vmfs, nfs,
                vsan (VMware), csv, smb3 (Hyper-V), local (any) or pve-pool (Proxmox
                VE); 'dedup' marks a volume with Windows Data Deduplication.

                Examples:
                  ferry:host-add --kind vcenter --address vc-01.corp.example --version 8.0u2 vc-01
                  ferry:host-add --kind esxi --address 10.0.0.11 --parent vc-01 --storage ds1:vmfs esx-01
                  ferry:host-add --kind hyperv-cluster --address hv-clu.corp.example --domain corp.example --storage Volume1:csv:dedup --storage vmshare:smb3 hv-clu
                  ferry:host-add --kind proxmox-node --address 10.0.0.31 --version 8.2 --storage local-zfs:pve-pool pve-01""")
public class HostAddCommand implements Action {

    @Reference
    private InventoryService inventory;

    @Argument(index = 0, name = "NAME", required = true, description = "Unique name of the host, e.g. esx-01")
    private String name;

    @Option(name = "--kind", required = true,
            description = "vcenter, esxi, hyperv-host, hyperv-cluster or proxmox-node")
    @Completion(HostKindCompleter.class)
    private String kind;

    @Option(name = "--address", required = true,
            description = "IP address or DNS name of the host's management endpoint, e.g. 10.0.0.11")
    private String address;

    @Option(name = "--parent", description = "The vCenter an ESXi host is managed by, or the cluster a Hyper-V"
            + " host is a node of")
    @Completion(HostNameCompleter.class)
    private String parent;

    @Option(name = "--version", description = "Hypervisor version, e.g. 8.0u2 (ESXi), 2022 (Hyper-V), 8.2 (Proxmox"
            + " VE); an off-host proxy's hyperv.version fact must match a Hyper-V host's")
    private String version;

    @Option(name = "--domain", description = "Windows domain of a Hyper-V host or cluster, e.g. corp.example")
    private String domain;

    @Option(name = "--managed-server", description = "The managed server that is this same machine (a Hyper-V"
            + " host added with ferry:server-add)")
    @Completion(ServerNameCompleter.class)
    private String managedServer;

    @Option(name = "--storage", multiValued = true, description = "A datastore, CSV volume, SMB3 share or pool as"
            + " name:kind[:dedup], e.g. ds1:vmfs or Volume1:csv:dedup; repeat for several")
    private List<String> storage;

    @Override
    public Object execute() {
        HostKind hostKind = EnumNames.parse(HostKind.class, kind, "--kind");
        List<HostStorage> volumes = Arguments.nonNull(storage).stream().map(StorageSpecParser::parse).toList();
        PlatformHost added = SpecErrors.asOptions(SpecErrors.HOST_OPTIONS, () -> inventory.addHost(new HostSpec(name,
                hostKind, address, Optional.ofNullable(parent), Optional.ofNullable(version), Optional.ofNullable(domain),
                Optional.ofNullable(managedServer), volumes)));
        System.out.println("Added host '" + added.name() + "' (" + EnumNames.display(added.kind()) + ", id "
                + added.id() + ")");
        return null;
    }
}
