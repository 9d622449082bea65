package io.ferry.shell.internal;

import io.ferry.api.inventory.Platform;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes platforms: vmware, hyperv, proxmox. */
@Service
public class PlatformCompleter implements Completer {

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        return new StringsCompleter(EnumNames.displayAll(Platform.class)).complete(session, commandLine, candidates);
    }
}
