package io.ferry.shell.internal;

import io.ferry.api.session.Session;
import io.ferry.api.session.SessionService;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes the ids of the newest sessions (at most {@value #MAX_CANDIDATES}). */
@Service
public class SessionIdCompleter implements Completer {
    static final int MAX_CANDIDATES = 100;

    @Reference
    private SessionService sessions;

    @Override
    public int complete(org.apache.karaf.shell.api.console.Session shell, CommandLine commandLine,
            List<String> candidates) {
        List<String> ids = sessions.sessions(null, MAX_CANDIDATES).stream().map(Session::id).toList();
        return new StringsCompleter(ids).complete(shell, commandLine, candidates);
    }
}
