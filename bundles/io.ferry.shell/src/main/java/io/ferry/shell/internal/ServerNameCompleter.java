package io.ferry.shell.internal;

import io.ferry.api.inventory.InventoryService;
import io.ferry.api.inventory.ManagedServer;
import java.util.ArrayList;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes managed server names and ids. */
@Service
public class ServerNameCompleter implements Completer {

    @Reference
    private InventoryService inventory;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        List<String> values = new ArrayList<>();
        for (ManagedServer server : inventory.servers()) {
            values.add(server.name());
            values.add(server.id());
        }
        return new StringsCompleter(values).complete(session, commandLine, candidates);
    }
}
