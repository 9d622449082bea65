package io.ferry.shell.internal;

import io.ferry.api.inventory.RoleType;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes every role name, including backup-server and guest-interaction (for filters). */
@Service
public class RoleCompleter implements Completer {

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        return new StringsCompleter(EnumNames.displayAll(RoleType.class)).complete(session, commandLine, candidates);
    }
}
