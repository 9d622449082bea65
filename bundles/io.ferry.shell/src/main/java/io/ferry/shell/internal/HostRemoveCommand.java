package io.ferry.shell.internal;

import io.ferry.api.NotFoundException;
import io.ferry.api.inventory.InventoryService;
import io.ferry.api.inventory.PlatformHost;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Service
@Command(scope = "ferry", name = "host-remove", description = "Removes a platform host from the inventory.",
        detailedDescription = """
                Refused while VMs run on the host or other hosts name it as their
                parent; remove those first (ferry:vm-list --host NAME shows the VMs).

                Example:
                  ferry:host-remove esx-01""")
public class HostRemoveCommand implements Action {

    @Reference
    private InventoryService inventory;

    @Argument(index = 0, name = "NAME", required = true, description = "Name or id of the host to remove")
    @Completion(HostNameCompleter.class)
    private String name;

    @Override
    public Object execute() {
        PlatformHost host = inventory.host(name).orElseThrow(() -> NotFoundException.of("host", name, "ferry:host-list"));
        inventory.removeHost(host.id());
        System.out.println("Removed host '" + host.name() + "'");
        return null;
    }
}
