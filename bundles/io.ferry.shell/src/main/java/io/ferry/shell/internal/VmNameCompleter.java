package io.ferry.shell.internal;

import io.ferry.api.inventory.InventoryService;
import io.ferry.api.inventory.VirtualMachine;
import io.ferry.api.inventory.VmQuery;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/**
 * Completes VM names. Inventories hold thousands of VMs, so it asks only for names
 * containing what is typed so far, and at most {@value #MAX_CANDIDATES} of them.
 */
@Service
public class VmNameCompleter implements Completer {
    static final int MAX_CANDIDATES = 500;

    @Reference
    private InventoryService inventory;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        String argument = commandLine.getCursorArgument();
        String typed = argument == null ? "" : argument.substring(0, commandLine.getArgumentPosition());
        VmQuery query = VmQuery.all().page(0, MAX_CANDIDATES);
        if (!typed.isEmpty()) {
            query = query.nameContains(typed);
        }
        List<String> names = inventory.vms(query).stream().map(VirtualMachine::name).toList();
        return new StringsCompleter(names).complete(session, commandLine, candidates);
    }
}
