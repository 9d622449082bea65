package io.ferry.shell.internal;

import io.ferry.api.NotFoundException;
import io.ferry.api.inventory.InventoryService;
import io.ferry.api.inventory.InventoryTransfer;
import io.ferry.api.inventory.ManagedServer;
import io.ferry.api.inventory.ServerSpec;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

@Service
@Command(scope = "ferry", name = "server-show", description = "Shows everything about one managed server.",
        detailedDescription = """
                Shows a server's declared settings, its roles with their settings, its
                id and its version (the number ferry:server-update --expected-version
                compares).

                Examples:
                  ferry:server-show px-01
                  ferry:server-show --json px-01""")
public class ServerShowCommand implements Action {

    @Reference
    private InventoryService inventory;

    @Reference(optional = true)
    private InventoryTransfer transfer;

    @Argument(index = 0, name = "NAME", required = true, description = "Name or id of the server")
    @Completion(ServerNameCompleter.class)
    private String name;

    @Option(name = "--json", description = "Print JSON in the form of the export file (an array of one server)")
    private boolean json;

    @Override
    public Object execute() {
        ManagedServer server = inventory.server(name)
                .orElseThrow(() -> NotFoundException.of("server", name, "ferry:server-list"));
        if (json) {
            JsonOutput.print(transfer, (t, out) -> t.writeServers(List.of(server), out));
            return null;
        }
        ServerSpec spec = server.spec();
        ShellTable table = new ShellTable().noHeaders();
        table.column("Field");
        table.column("Value");
        row(table, "Name", spec.name());
        row(table, "Id", server.id());
        row(table, "Version", server.version());
        row(table, "Address", spec.address());
        row(table, "OS", spec.os());
        row(table, "Kind", EnumNames.display(spec.machineKind()));
        row(table, "Enabled", Display.yesNo(spec.enabled()));
        row(table, "Task slots", spec.maxConcurrentTasks());
        row(table, "Site", Display.text(spec.site()));
        row(table, "Domain", Display.text(spec.domain()));
        rows(table, "Trusted domains", spec.trustedDomains());
        rows(table, "Networks", spec.networks());
        rows(table, "Packages", spec.installedPackages());
        rows(table, "Facts", spec.facts().entrySet().stream().map(ServerShowCommand::fact).toList());
        rows(table, "Roles", server.roles().stream().map(Display::role).toList());
        TerminalText.print(table, System.out);
        return null;
    }

    private static String fact(Map.Entry<String, String> e) {
        return e.getKey() + " = " + e.getValue();
    }

    private static void row(ShellTable table, String field, Object value) {
        table.addRow().addContent(field, value);
    }

    /** One row per value, the field named on the first; "none" when empty. */
    private static void rows(ShellTable table, String field, Collection<?> values) {
        if (values.isEmpty()) {
            row(table, field, "none");
            return;
        }
        String label = field;
        for (Object value : values) {
            row(table, label, value);
            label = "";
        }
    }
}
