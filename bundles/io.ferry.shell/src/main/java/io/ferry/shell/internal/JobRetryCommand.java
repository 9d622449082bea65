package io.ferry.shell.internal;

import io.ferry.api.session.Session;
import io.ferry.api.session.SessionService;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Service
@Command(scope = "ferry", name = "job-retry", description = "Runs the failed and stopped disks of a finished session again.",
        detailedDescription = """
                Starts a new session (trigger "retry") with only the tasks of SESSION that
                ended failed or stopped; the disks that succeeded are not read again. The
                new session is planned afresh, so a proxy that failed may be replaced by
                another. Progress, Ctrl-C (detach) and the final report work as in
                ferry:job-run.

                SESSION is a session id or a unique prefix of it (see ferry:session-list).

                Examples:
                  ferry:job-retry 01a2097a-32
                  ferry:job-retry --no-wait 01a2097a-32
                  ferry:job-retry --json 01a2097a-32""")
public class JobRetryCommand implements Action {

    @Reference
    private SessionService sessions;

    @Reference
    private org.apache.karaf.shell.api.console.Session shell;

    @Option(name = "--no-wait", description = "Return once the new session has started; it runs on")
    private boolean noWait;

    @Option(name = "--no-progress", description = "Wait without showing progress; print the session at the end")
    private boolean noProgress;

    @Option(name = "--json", description = "Print the new session as JSON when it ends (or at once with --no-wait);"
            + " no progress")
    private boolean json;

    @Argument(index = 0, name = "SESSION", required = true, description = "Id of a finished session, or a unique"
            + " prefix of it")
    @Completion(SessionIdCompleter.class)
    private String session;

    @Override
    public Object execute() throws Exception {
        Session started = sessions.retry(session.strip());
        SessionFollower.report(started, sessions, shell, noWait, noProgress, json);
        return null;
    }
}
