package io.ferry.shell.internal;

import io.ferry.api.NotFoundException;
import io.ferry.api.session.Session;
import io.ferry.api.session.SessionService;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Service
@Command(scope = "ferry", name = "session-show", description = "Shows one session: its disks, proxies, guest processing and figures.",
        detailedDescription = """
                Shows a session (a run of a job): its status and message, the totals over
                its disks (size, bytes read, transferred to and stored in the repository,
                dedupe and compression ratios, rate), the guest processing of each VM
                (which guest interaction proxy, over which channel, how long the guest's
                file systems were frozen, or, where the platform cannot run here, "not
                executed" and what would have been done), and per disk: status, backup
                proxy, transport mode, change tracking (dirty-bitmap:NAME when only
                changed blocks were read), duration, rate and figures, then why that proxy
                and mode, why the whole disk had to be read, the backup written, errors and
                warnings. A running session shows each running disk's percent and rate.

                SESSION is a session id or a unique prefix of it (see ferry:session-list).

                Examples:
                  ferry:session-show 01a2097a-32
                  ferry:session-show --json 01a2097a-32""")
public class SessionShowCommand implements Action {

    @Reference
    private SessionService sessions;

    @Option(name = "--json", description = "Print the session as JSON: every field of the session, its guest"
            + " processing and its tasks")
    private boolean json;

    @Argument(index = 0, name = "SESSION", required = true, description = "Session id or a unique prefix of it")
    @Completion(SessionIdCompleter.class)
    private String session;

    @Override
    public Object execute() {
        String key = session.strip();
        Session found = sessions.session(key).orElseThrow(() -> new NotFoundException("No session with id or id prefix '"
                + key + "' (see ferry:session-list)"));
        if (json) {
            JsonOutput.print(JsonOutput.VIEWS.session(found, sessions));
            return null;
        }
        SessionText.print(System.out, found, found.status().finished() ? List.of() : sessions.progress(found.id()));
        return null;
    }
}
