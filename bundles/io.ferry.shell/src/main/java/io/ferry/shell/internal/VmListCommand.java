package io.ferry.shell.internal;

import io.ferry.api.NotFoundException;
import io.ferry.api.ValidationException;
import io.ferry.api.inventory.InventoryService;
import io.ferry.api.inventory.InventoryTransfer;
import io.ferry.api.inventory.VirtualMachine;
import io.ferry.api.inventory.VmQuery;
import io.ferry.api.inventory.VmSpec;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

@Service
@Command(scope = "ferry", name = "vm-list", description = "Lists virtual machines, their disks and guest settings.",
        detailedDescription = """
                Lists VMs by name. --json shows each disk's format, location and
                storage.

                Examples:
                  ferry:vm-list
                  ferry:vm-list --host esx-01 --name-contains sql
                  ferry:vm-list --limit 20 --json""")
public class VmListCommand implements Action {

    @Reference
    private InventoryService inventory;

    @Reference(optional = true)
    private InventoryTransfer transfer;

    @Option(name = "--host", description = "Only VMs running on this platform host")
    @Completion(HostNameCompleter.class)
    private String host;

    @Option(name = "--name-contains", description = "Only VMs whose name contains this text (case-insensitive)")
    private String nameContains;

    @Option(name = "--limit", description = "Show at most this many VMs")
    private Integer limit;

    @Option(name = "--json", description = "Print JSON in the form of the export file instead of a table")
    private boolean json;

    @Override
    public Object execute() {
        List<VirtualMachine> vms = inventory.vms(query());
        if (json) {
            JsonOutput.print(transfer, (t, out) -> t.writeVms(vms, out));
            return null;
        }
        ShellTable table = new ShellTable();
        table.column("Name");
        table.column("Host");
        table.column("Guest OS");
        table.column("Disks").alignRight();
        table.column("Capacity").alignRight();
        table.column("Networks");
        table.column("Credentials");
        table.column("VHD Set");
        table.emptyTableText(host == null && nameContains == null ? "No VMs; add one with ferry:vm-add"
                : "No VMs match");
        for (VirtualMachine vm : vms) {
            VmSpec spec = vm.spec();
            table.addRow().addContent(vm.name(), spec.host(), spec.guestOs(), spec.disks().size(),
                    ByteSize.format(spec.capacityBytes()), Display.list(spec.networks()), Display.credentials(vm),
                    Display.yesNo(spec.vhdSet()));
        }
        TerminalText.print(table, System.out);
        if (limit != null && vms.size() == limit) {
            System.out.println("Showing the first " + limit + " VMs; raise --limit to see more");
        }
        return null;
    }

    private VmQuery query() {
        VmQuery query = VmQuery.all();
        if (host != null) {
            String hostName = inventory.host(host).orElseThrow(() -> NotFoundException.of("host", host, "ferry:host-list"))
                    .name();
            query = query.onHost(hostName);
        }
        if (nameContains != null && !nameContains.isBlank()) {
            query = query.nameContains(nameContains.strip());
        }
        if (limit != null) {
            if (limit < 1) {
                throw new ValidationException("--limit", "must be at least 1, got " + limit);
            }
            query = query.page(0, limit);
        }
        return query;
    }
}
