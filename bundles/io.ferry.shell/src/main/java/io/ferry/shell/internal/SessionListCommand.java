package io.ferry.shell.internal;

import io.ferry.api.ValidationException;
import io.ferry.api.session.Session;
import io.ferry.api.session.SessionService;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

@Service
@Command(scope = "ferry", name = "session-list", description = "Lists the sessions (runs) of backup jobs, newest first.",
        detailedDescription = """
                One line per session: its id, job, what started it (manual, schedule or
                retry), its status, when it started (UTC), how long it took, its disks by
                status, the bytes read from the disks and stored in the repository, and
                the start of the message (why it failed, what was skipped; the whole of it
                is in ferry:session-show and --json). An id, or any unique prefix
                of it, names the session for ferry:session-show, ferry:job-retry,
                ferry:job-stop and ferry:restore --session.

                Examples:
                  ferry:session-list
                  ferry:session-list --job demo-proxmox --limit 5
                  ferry:session-list --json""")
public class SessionListCommand implements Action {
    static final int DEFAULT_LIMIT = 20;
    static final int MESSAGE_WIDTH = 60;

    @Reference
    private SessionService sessions;

    @Option(name = "--job", description = "Only the sessions of this job")
    @Completion(JobNameCompleter.class)
    private String job;

    @Option(name = "--limit", description = "At most this many sessions (default " + DEFAULT_LIMIT + ")")
    private int limit = DEFAULT_LIMIT;

    @Option(name = "--json", description = "Print the sessions as JSON (with totals, without the tasks)")
    private boolean json;

    @Override
    public Object execute() {
        if (limit < 1) {
            throw new ValidationException("--limit", limit + " is not a positive number of sessions");
        }
        String jobName = job == null || job.isBlank() ? null : job.strip();
        List<Session> list = sessions.sessions(jobName, limit);
        if (json) {
            JsonOutput.print(JsonOutput.VIEWS.sessions(list));
            return null;
        }
        ShellTable table = new ShellTable();
        table.column("Id");
        table.column("Job");
        table.column("Trigger");
        table.column("Status");
        table.column("Started (UTC)");
        table.column("Duration").alignRight();
        table.column("Disks");
        table.column("Read").alignRight();
        table.column("Stored").alignRight();
        table.column("Message");
        table.emptyTableText(jobName == null ? "No sessions yet; run a job with ferry:job-run JOB"
                : "No sessions of job '" + jobName + "' (run it with ferry:job-run " + jobName + ")");
        for (Session s : list) {
            SessionText.Totals totals = SessionText.Totals.of(s.tasks());
            table.addRow().addContent(s.id(), s.job(), s.trigger(), SessionText.status(s), BackupText.time(s.started()),
                    s.duration().map(BackupText::duration).orElse("-"), counts(s), ProgressBar.bytes(totals.read()),
                    ProgressBar.bytes(totals.stored()), headline(s.message()));
        }
        TerminalText.print(table, System.out);
        return null;
    }

    /**
     * The start of a message, on one line: its first sentence, cut at {@value #MESSAGE_WIDTH}
     * characters; ferry:session-show has all of it.
     */
    static String headline(String message) {
        String line = message.strip().replaceAll("\\s+", " ");
        int sentence = line.indexOf(". ");
        if (sentence >= 0) {
            line = line.substring(0, sentence + 1);
        }
        if (line.length() <= MESSAGE_WIDTH) {
            return line;
        }
        return line.substring(0, MESSAGE_WIDTH - 3).stripTrailing() + "...";
    }

    /** {@code 2 success, 1 failed}: the status counts without the total. */
    private static String counts(Session s) {
        String all = SessionText.taskCounts(s.tasks());
        int colon = all.indexOf(": ");
        return colon < 0 ? all : all.substring(colon + 2);
    }
}
