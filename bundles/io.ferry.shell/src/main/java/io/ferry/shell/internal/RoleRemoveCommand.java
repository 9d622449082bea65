package io.ferry.shell.internal;

import io.ferry.api.inventory.InventoryService;
import io.ferry.api.inventory.ManagedServer;
import io.ferry.api.inventory.RoleType;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Service
@Command(scope = "ferry", name = "role-remove", description = "Takes a proxy or repository role away from a server.",
        detailedDescription = """
                Removes vmware-proxy, hyperv-offhost-proxy, general-purpose-proxy or
                repository from a server. The server stays in the inventory with its
                other roles.

                Example:
                  ferry:role-remove px-01 vmware-proxy""")
public class RoleRemoveCommand implements Action {

    @Reference
    private InventoryService inventory;

    @Argument(index = 0, name = "SERVER", required = true, description = "Name or id of the server")
    @Completion(ServerNameCompleter.class)
    private String server;

    @Argument(index = 1, name = "ROLE", required = true,
            description = "vmware-proxy, hyperv-offhost-proxy, general-purpose-proxy or repository")
    @Completion(AssignableRoleCompleter.class)
    private String role;

    @Override
    public Object execute() {
        RoleType type = RoleRequest.assignableRole(role);
        ManagedServer updated = inventory.removeRole(server, type);
        System.out.println("Server '" + updated.name() + "' no longer holds " + EnumNames.display(type)
                + "; it holds: " + Display.roleNames(updated.roles()));
        return null;
    }
}
