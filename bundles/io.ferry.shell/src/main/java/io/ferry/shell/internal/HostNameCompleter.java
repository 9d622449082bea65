package io.ferry.shell.internal;

import io.ferry.api.inventory.InventoryService;
import io.ferry.api.inventory.PlatformHost;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes platform host names. */
@Service
public class HostNameCompleter implements Completer {

    @Reference
    private InventoryService inventory;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        List<String> names = inventory.hosts().stream().map(PlatformHost::name).toList();
        return new StringsCompleter(names).complete(session, commandLine, candidates);
    }
}
