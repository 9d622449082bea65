package io.ferry.shell.internal;

import io.ferry.api.inventory.InventoryTransfer;
import io.ferry.api.paths.PathArea;
import io.ferry.api.paths.PathPolicy;
import java.nio.file.Path;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.FileCompleter;

@Service
@Command(scope = "ferry", name = "inventory-export", description = "Writes the whole inventory as JSON.",
        detailedDescription = """
                Writes servers, roles, hosts and VMs as JSON (format:
                docs/inventory-format.md). The same inventory always gives the same
                bytes. A FILE is written atomically: a temporary file in the same
                directory is renamed over it when complete, so a reader never sees
                half a file. Without FILE the JSON goes to the console. A relative
                FILE is taken from the shell's current directory.

                Examples:
                  ferry:inventory-export /var/backups/ferry/inventory.json
                  ferry:inventory-export""")
public class InventoryExportCommand implements Action {

    @Reference
    private InventoryTransfer transfer;

    @Reference
    private Session session;

    @Reference
    private PathPolicy paths;

    @Argument(index = 0, name = "FILE", description = "File to write; replaced if it exists")
    @Completion(FileCompleter.class)
    private String file;

    @Override
    public Object execute() {
        if (file == null) {
            JsonOutput.print(transfer, InventoryTransfer::exportTo);
            return null;
        }
        // export files only inside transfer.roots, never under etc/ (symlinks resolved)
        Path target = paths.require(PathArea.TRANSFER_FILES, FileTarget.resolve(session.currentDir(), file));
        long bytes = FileTarget.writeAtomically(target, transfer::exportTo);
        System.out.println("Exported the inventory to " + target + " (" + bytes + " bytes)");
        return null;
    }
}
