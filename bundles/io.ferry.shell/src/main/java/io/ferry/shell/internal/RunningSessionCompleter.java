package io.ferry.shell.internal;

import io.ferry.api.session.Session;
import io.ferry.api.session.SessionService;
import java.util.ArrayList;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes what {@code ferry:job-stop} takes: the ids and job names of the running sessions. */
@Service
public class RunningSessionCompleter implements Completer {

    @Reference
    private SessionService sessions;

    @Override
    public int complete(org.apache.karaf.shell.api.console.Session shell, CommandLine commandLine,
            List<String> candidates) {
        List<String> names = new ArrayList<>();
        for (Session s : sessions.sessions(null, SessionIdCompleter.MAX_CANDIDATES)) {
            if (!s.status().finished()) {
                names.add(s.id());
                if (!names.contains(s.job())) {
                    names.add(s.job());
                }
            }
        }
        return new StringsCompleter(names).complete(shell, commandLine, candidates);
    }
}
