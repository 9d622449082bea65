package io.ferry.shell.internal;

import io.ferry.api.inventory.HostKind;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes host kinds: vcenter, esxi, hyperv-cluster, hyperv-host, proxmox-node. */
@Service
public class HostKindCompleter implements Completer {

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        return new StringsCompleter(EnumNames.displayAll(HostKind.class)).complete(session, commandLine, candidates);
    }
}
