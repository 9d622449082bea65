package io.ferry.shell.internal;

import io.ferry.api.inventory.HostSpec;
import io.ferry.api.inventory.InventoryService;
import io.ferry.api.inventory.InventoryTransfer;
import io.ferry.api.inventory.PlatformHost;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

@Service
@Command(scope = "ferry", name = "host-list", description = "Lists the platform hosts and their storage.",
        detailedDescription = """
                Examples:
                  ferry:host-list
                  ferry:host-list --json""")
public class HostListCommand implements Action {

    @Reference
    private InventoryService inventory;

    @Reference(optional = true)
    private InventoryTransfer transfer;

    @Option(name = "--json", description = "Print JSON in the form of the export file instead of a table")
    private boolean json;

    @Override
    public Object execute() {
        List<PlatformHost> hosts = inventory.hosts();
        if (json) {
            JsonOutput.print(transfer, (t, out) -> t.writeHosts(hosts, out));
            return null;
        }
        ShellTable table = new ShellTable();
        table.column("Name");
        table.column("Kind");
        table.column("Address");
        table.column("Parent");
        table.column("Version");
        table.column("Domain");
        table.column("Managed server");
        table.column("Storage").maxSize(60).wrap();
        table.emptyTableText("No platform hosts; add one with ferry:host-add");
        for (PlatformHost host : hosts) {
            HostSpec spec = host.spec();
            table.addRow().addContent(host.name(), EnumNames.display(host.kind()), spec.address(),
                    Display.text(spec.parent()), Display.text(spec.version()), Display.text(spec.domain()),
                    Display.text(spec.managedServer()), Display.storage(spec.storage()));
        }
        TerminalText.print(table, System.out);
        return null;
    }
}
