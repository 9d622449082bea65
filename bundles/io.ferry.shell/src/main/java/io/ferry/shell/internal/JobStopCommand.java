package io.ferry.shell.internal;

import io.ferry.api.session.Session;
import io.ferry.api.session.SessionService;
import io.ferry.api.session.TaskRecord;
import io.ferry.api.session.TaskStatus;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Service
@Command(scope = "ferry", name = "job-stop", description = "Stops a running session of a job.",
        detailedDescription = """
                Stops the running session named by its id (or a unique prefix of it), or the
                running session of the job named. Running tasks are cancelled and queued
                ones dropped: they end "stopped", and a cancelled disk leaves no backup
                behind (its next backup reads everything it needs again). Disks that had
                finished keep their backups. ferry:job-retry SESSION runs the stopped disks
                again.

                Examples:
                  ferry:job-stop demo-proxmox
                  ferry:job-stop 01a2097a-32
                  ferry:job-stop --json 01a2097a-32""")
public class JobStopCommand implements Action {

    @Reference
    private SessionService sessions;

    @Option(name = "--json", description = "Print the session as JSON")
    private boolean json;

    @Argument(index = 0, name = "SESSION_OR_JOB", required = true, description = "Session id (or a unique prefix)"
            + " or job name")
    @Completion(RunningSessionCompleter.class)
    private String sessionOrJob;

    @Override
    public Object execute() {
        Session session = sessions.stop(sessionOrJob.strip());
        if (json) {
            JsonOutput.print(JsonOutput.VIEWS.session(session, true));
            return null;
        }
        long stopped = session.tasks().stream().filter(t -> t.status() == TaskStatus.STOPPED).count();
        long done = session.tasks().stream().map(TaskRecord::status)
                .filter(s -> s.finished() && s != TaskStatus.STOPPED).count();
        if (session.status().finished()) {
            System.out.println("Session " + session.id() + " of job '" + session.job() + "' is "
                    + SessionText.status(session) + ": " + PlanPrinter.plural(stopped, "disk") + " stopped, " + done
                    + " finished before. ferry:job-retry " + session.id() + " runs the stopped disks again.");
        } else {
            System.out.println("Stopping session " + session.id() + " of job '" + session.job() + "': running disks"
                    + " are being cancelled, queued ones dropped. ferry:session-show " + session.id()
                    + " shows the result.");
        }
        return null;
    }
}
