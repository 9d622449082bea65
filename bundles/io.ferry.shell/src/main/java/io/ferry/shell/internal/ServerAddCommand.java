package io.ferry.shell.internal;

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
@Command(scope = "ferry", name = "server-add", description = "Adds a managed server; it gets the guest-interaction role.",
        detailedDescription = """
                Adds a Windows or Linux server to the inventory. Every managed server
                gets the guest-interaction role; give it proxy or repository roles
                with ferry:role-assign. A RHEL or Rocky Linux 9+ server must declare
                the packages guest interaction needs (libmsi1, samba-client,
                samba-common-tools) with --package.

                Examples:
                  ferry:server-add --address 10.0.1.21 --os windows:server:2022 --kind physical --network 10.0.1.0/24 --domain corp.example --fact powershell.version=5.1 px-01
                  ferry:server-add --address lnx-01.corp.example --os linux:rocky:9.3 --package libmsi1 --package samba-client --package samba-common-tools --max-tasks 8 lnx-01""")
public class ServerAddCommand implements Action {

    @Reference
    private InventoryService inventory;

    @Argument(index = 0, name = "NAME", required = true,
            description = "Unique name of the server: letters, digits, '.', '_' or '-', e.g. px-01")
    private String name;

    @Option(name = "--address", required = true,
            description = "IP address or DNS name Ferry reaches the server at, e.g. 10.0.1.21 or px-01.corp.example")
    private String address;

    @Option(name = "--os", description = "Operating system as family[:distribution[:version]],"
            + " e.g. windows:server:2022, linux:rocky:9.3 or just linux")
    @Completion(OsCompleter.class)
    private String os = "linux";

    @Option(name = "--kind", description = "physical or virtual (a virtual server cannot be a Hyper-V off-host"
            + " proxy outside evaluation)")
    @Completion(MachineKindCompleter.class)
    private String kind = "virtual";

    @Option(name = "--network", multiValued = true, description = "A network the server is attached to, in CIDR"
            + " notation, e.g. 10.0.1.0/24; repeat for several. Guest interaction prefers proxies on the VM's network")
    private List<String> networks;

    @Option(name = "--site", description = "Site or location label, e.g. hq or dr-site")
    private String site;

    @Option(name = "--domain", description = "Windows domain the server belongs to, e.g. corp.example")
    private String domain;

    @Option(name = "--trusted-domain", multiValued = true,
            description = "A domain that trusts the server's domain (for SMB3 access); repeat for several")
    private List<String> trustedDomains;

    @Option(name = "--fact", multiValued = true, description = "A declared capability as key=value; repeat for"
            + " several. Known keys: powershell.version, hyperv.version, hyperv.nested, dedup.enabled,"
            + " vss.transportable, san.access, smb.localsystem-read, cluster. E.g. --fact hyperv.version=2022")
    private List<String> facts;

    @Option(name = "--package", multiValued = true,
            description = "A package installed on the server (Linux), e.g. samba-client; repeat for several")
    private List<String> packages;

    @Option(name = "--max-tasks", description = "Task slots: how many tasks may run on the server at once (1-256)")
    private int maxTasks = ServerSpec.DEFAULT_TASK_SLOTS;

    @Option(name = "--disabled", description = "Add the server disabled: kept in the inventory, never chosen for work")
    private boolean disabled;

    @Override
    public Object execute() {
        ServerSpec spec = new ServerChanges().os(os).kind(kind).networks(networks).site(site).domain(domain)
                .trustedDomains(trustedDomains).facts(facts).packages(packages).maxTasks(maxTasks)
                .enabled(!disabled).create(name, address);
        ManagedServer added = SpecErrors.asOptions(SpecErrors.SERVER_OPTIONS, () -> inventory.addServer(spec));
        System.out.println("Added server '" + added.name() + "' (id " + added.id() + ", roles: "
                + Display.roleNames(added.roles()) + ")");
        return null;
    }
}
