package io.ferry.shell.internal;

import io.ferry.api.inventory.InventoryService;
import io.ferry.api.inventory.ManagedServer;
import io.ferry.api.inventory.RoleType;
import io.ferry.api.inventory.ServerRole;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Service
@Command(scope = "ferry", name = "role-assign", description = "Gives a managed server a proxy or repository role.",
        detailedDescription = """
                Assigns vmware-proxy, hyperv-offhost-proxy, general-purpose-proxy or
                repository. Assigning a role the server already holds replaces that
                role's settings with the ones given now (options left out take their
                defaults).

                VMware proxy (seed 003): by default the transport mode is chosen
                automatically (direct storage access, then virtual appliance, then
                network). A fixed mode falls back to network mode unless --no-failover
                is given.

                Hyper-V off-host proxy (seed 004): a physical server; a virtual
                machine only with --evaluation, for tests, with nested Hyper-V (fact
                hyperv.nested=true).

                Examples:
                  ferry:role-assign px-01 vmware-proxy
                  ferry:role-assign --transport-mode virtual-appliance --no-failover px-02 vmware-proxy
                  ferry:role-assign --transport-mode network --encrypt-network px-03 vmware-proxy
                  ferry:role-assign hv-px hyperv-offhost-proxy
                  ferry:role-assign --evaluation lab-px hyperv-offhost-proxy""")
public class RoleAssignCommand implements Action {

    @Reference
    private InventoryService inventory;

    @Argument(index = 0, name = "SERVER", required = true, description = "Name or id of the server")
    @Completion(ServerNameCompleter.class)
    private String server;

    @Argument(index = 1, name = "ROLE", required = true, description = "vmware-proxy, hyperv-offhost-proxy,"
            + " general-purpose-proxy or repository (case and '-'/'_' do not matter)")
    @Completion(AssignableRoleCompleter.class)
    private String role;

    @Option(name = "--transport-mode", description = "vmware-proxy only: auto (default), direct-storage-access,"
            + " virtual-appliance or network")
    @Completion(TransportModeCompleter.class)
    private String transportMode;

    @Option(name = "--no-failover", description = "vmware-proxy only: with a fixed --transport-mode, do not fall"
            + " back to network mode when that mode is unavailable")
    private boolean noFailover;

    @Option(name = "--encrypt-network", description = "vmware-proxy only: encrypt network-mode traffic (NBDSSL)")
    private boolean encryptNetwork;

    @Option(name = "--evaluation", description = "hyperv-offhost-proxy only: allow a virtual machine as off-host"
            + " proxy, for evaluation and tests (needs nested Hyper-V); not for production")
    private boolean evaluation;

    @Override
    public Object execute() {
        RoleType type = RoleRequest.assignableRole(role);
        ServerRole requested = RoleRequest.role(type, transportMode, noFailover, encryptNetwork, evaluation);
        ManagedServer updated = inventory.assignRole(server, requested);
        ServerRole held = updated.role(type).orElse(requested);
        System.out.println("Server '" + updated.name() + "' holds " + Display.role(held));
        return null;
    }
}
