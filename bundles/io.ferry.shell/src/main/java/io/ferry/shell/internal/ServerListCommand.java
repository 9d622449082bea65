package io.ferry.shell.internal;

import io.ferry.api.inventory.InventoryService;
import io.ferry.api.inventory.InventoryTransfer;
import io.ferry.api.inventory.ManagedServer;
import io.ferry.api.inventory.RoleType;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

@Service
@Command(scope = "ferry", name = "server-list", description = "Lists the managed servers and their roles.",
        detailedDescription = """
                Lists the managed servers by name. Tasks is the number of task slots.

                Examples:
                  ferry:server-list
                  ferry:server-list --role vmware-proxy
                  ferry:server-list --json""")
public class ServerListCommand implements Action {

    @Reference
    private InventoryService inventory;

    @Reference(optional = true)
    private InventoryTransfer transfer;

    @Option(name = "--role", description = "Only servers holding this role: backup-server, vmware-proxy,"
            + " hyperv-offhost-proxy, general-purpose-proxy, guest-interaction or repository")
    @Completion(RoleCompleter.class)
    private String role;

    @Option(name = "--json", description = "Print JSON in the form of the export file instead of a table")
    private boolean json;

    @Override
    public Object execute() {
        RoleType type = role == null ? null : RoleRequest.roleType(role, "--role");
        List<ManagedServer> servers = inventory.servers().stream().filter(s -> type == null || s.hasRole(type)).toList();
        if (json) {
            JsonOutput.print(transfer, (t, out) -> t.writeServers(servers, out));
            return null;
        }
        ShellTable table = new ShellTable();
        table.column("Name");
        table.column("Address");
        table.column("OS");
        table.column("Kind");
        table.column("Roles");
        table.column("Tasks").alignRight();
        table.column("Enabled");
        table.column("Site");
        table.emptyTableText(type == null ? "No managed servers; add one with ferry:server-add"
                : "No server holds " + EnumNames.display(type));
        for (ManagedServer s : servers) {
            table.addRow().addContent(s.name(), s.spec().address(), s.spec().os(), EnumNames.display(s.spec().machineKind()),
                    Display.roleNames(s.roles()), s.spec().maxConcurrentTasks(), Display.yesNo(s.spec().enabled()),
                    Display.text(s.spec().site()));
        }
        TerminalText.print(table, System.out);
        return null;
    }
}
