package io.ferry.shell.internal;

import io.ferry.api.job.Job;
import io.ferry.api.job.JobService;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes job names. */
@Service
public class JobNameCompleter implements Completer {

    @Reference
    private JobService jobs;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        List<String> names = jobs.jobs().stream().map(Job::name).toList();
        return new StringsCompleter(names).complete(session, commandLine, candidates);
    }
}
