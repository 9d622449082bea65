package io.ferry.shell.internal;

import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes the roles an administrator assigns: vmware-proxy, hyperv-offhost-proxy, ... */
@Service
public class AssignableRoleCompleter implements Completer {

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        return new StringsCompleter(EnumNames.displayAll(RoleRequest.assignableRoles()))
                .complete(session, commandLine, candidates);
    }
}
