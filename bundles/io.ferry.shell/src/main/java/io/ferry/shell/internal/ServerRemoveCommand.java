package io.ferry.shell.internal;

import io.ferry.api.NotFoundException;
import io.ferry.api.inventory.InventoryService;
import io.ferry.api.inventory.ManagedServer;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Service
@Command(scope = "ferry", name = "server-remove", description = "Removes a managed server from the inventory.",
        detailedDescription = """
                Removes a server. Refused for the backup server, for a server that
                still holds proxy or repository roles (remove them with
                ferry:role-remove first) and for a server a platform host names as its
                managed server.

                Example:
                  ferry:server-remove px-01""")
public class ServerRemoveCommand implements Action {

    @Reference
    private InventoryService inventory;

    @Argument(index = 0, name = "NAME", required = true, description = "Name or id of the server to remove")
    @Completion(ServerNameCompleter.class)
    private String name;

    @Override
    public Object execute() {
        ManagedServer server = inventory.server(name)
                .orElseThrow(() -> NotFoundException.of("server", name, "ferry:server-list"));
        inventory.removeServer(server.id());
        System.out.println("Removed server '" + server.name() + "'");
        return null;
    }
}
