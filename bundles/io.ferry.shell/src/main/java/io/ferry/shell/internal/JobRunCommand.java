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
@Command(scope = "ferry", name = "job-run", description = "Runs a backup job now and shows its progress until it ends.",
        detailedDescription = """
                Starts a session of the job: Ferry plans it (proxy and transport mode per
                disk, guest interaction proxy per VM), does the guest processing of each
                VM, then backs up one disk per task within each proxy's task slots; tasks
                queue while a proxy's slots are full. A failed disk does not stop the
                others. Runs of one job never overlap: starting a job that is running is
                refused.

                While it runs, a terminal shows one line per disk (proxy, transport mode,
                state, percent, rate) and an overall line, redrawn up to four times a
                second; without a terminal (bin/client -b, ssh with a command) a line is
                printed whenever a disk starts, ends or fails. At the end the session is
                printed as ferry:session-show prints it. The command fails (non-zero exit in
                batch mode) when the session ends failed or stopped; with --json too, after
                the JSON (which holds the status) and without a message.

                Ctrl-C detaches: the job keeps running on the server; follow it with
                ferry:session-show, stop it with ferry:job-stop. --no-wait returns as soon
                as the session has started.

                Examples:
                  ferry:job-run demo-proxmox
                  ferry:job-run --no-wait vmware-nightly
                  ferry:job-run --no-progress pve-daily
                  ferry:job-run --json pve-daily""")
public class JobRunCommand implements Action {

    @Reference
    private SessionService sessions;

    @Reference
    private org.apache.karaf.shell.api.console.Session shell;

    @Option(name = "--no-wait", description = "Return once the session has started; it runs on")
    private boolean noWait;

    @Option(name = "--no-progress", description = "Wait without showing progress; print the session at the end")
    private boolean noProgress;

    @Option(name = "--json", description = "Print the session as JSON when it ends (or at once with --no-wait);"
            + " no progress")
    private boolean json;

    @Argument(index = 0, name = "JOB", required = true, description = "Name or id of the job")
    @Completion(JobNameCompleter.class)
    private String job;

    @Override
    public Object execute() throws Exception {
        Session started = sessions.start(job.strip(), "manual");
        SessionFollower.report(started, sessions, shell, noWait, noProgress, json);
        return null;
    }
}
