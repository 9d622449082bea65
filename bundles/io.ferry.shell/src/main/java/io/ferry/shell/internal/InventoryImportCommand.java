package io.ferry.shell.internal;

import io.ferry.api.inventory.ImportReport;
import io.ferry.api.inventory.InventoryTransfer;
import io.ferry.api.paths.PathArea;
import io.ferry.api.paths.PathPolicy;
import java.nio.file.Path;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.FileCompleter;

@Service
@Command(scope = "ferry", name = "inventory-import", description = "Replaces the whole inventory with a JSON file.",
        detailedDescription = """
                Checks the whole file first; errors name the field, e.g.
                servers[3].networks[0]. A file with any problem changes nothing. A
                valid file REPLACES the inventory in one transaction: servers, hosts,
                VMs and jobs not in the file are gone afterwards. Try --dry-run first;
                export the current inventory to keep a copy. Prints what the file
                holds: servers, hosts, VMs, disks and jobs.

                Examples:
                  ferry:inventory-import --dry-run /var/backups/ferry/inventory.json
                  ferry:inventory-import /var/backups/ferry/inventory.json
                  ferry:inventory-import --dry-run --json /var/backups/ferry/inventory.json""")
public class InventoryImportCommand implements Action {

    @Reference
    private InventoryTransfer transfer;

    @Reference
    private Session session;

    @Reference
    private PathPolicy paths;

    @Argument(index = 0, name = "FILE", required = true, description = "JSON file written by ferry:inventory-export")
    @Completion(FileCompleter.class)
    private String file;

    @Option(name = "--dry-run", description = "Only check the file and print what it holds; change nothing")
    private boolean dryRun;

    @Option(name = "--json", description = "Print the counts as JSON: file, applied, servers, hosts, vms, disks, jobs")
    private boolean json;

    @Override
    public Object execute() {
        // checked before the file is looked at (the service checks again): nothing outside transfer.roots is probed
        Path source = FileTarget.readable(paths.require(PathArea.TRANSFER_FILES,
                FileTarget.resolve(session.currentDir(), file)));
        ImportReport report;
        try {
            report = transfer.importFrom(source, dryRun);
        } catch (RuntimeException e) {
            // the message quotes the file: names, values, field names, JSON tokens
            throw TerminalText.sanitized(e);
        }
        if (json) {
            System.out.print(json(source, report));
            return null;
        }
        String counts = report.servers() + " servers, " + report.hosts() + " hosts, " + report.vms() + " VMs, "
                + report.disks() + " disks, " + report.jobs() + " jobs";
        if (report.applied()) {
            System.out.println(TerminalText.safe("Imported " + source + ": " + counts + ". The inventory was replaced."));
        } else {
            System.out.println(TerminalText.safe("Checked " + source + ": " + counts + ". The file is valid; nothing"
                    + " was changed" + (dryRun ? " (dry run)." : ".")));
        }
        return null;
    }

    static String json(Path source, ImportReport report) {
        return io.ferry.json.FerryJson.text(JsonOutput.VIEWS.importReport(source.toString(), report));
    }
}
