package io.ferry.shell.internal;

import io.ferry.api.NotFoundException;
import io.ferry.api.job.Job;
import io.ferry.api.job.JobService;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Service
@Command(scope = "ferry", name = "job-delete", description = "Deletes a backup job definition.",
        detailedDescription = """
                Deletes the job. Its VMs, repository and proxies stay in the inventory;
                they can be removed afterwards if no other job names them.

                Example:
                  ferry:job-delete web-nightly""")
public class JobDeleteCommand implements Action {

    @Reference
    private JobService jobs;

    @Argument(index = 0, name = "NAME", required = true, description = "Name or id of the job to delete")
    @Completion(JobNameCompleter.class)
    private String name;

    @Override
    public Object execute() {
        Job job = jobs.job(name).orElseThrow(() -> NotFoundException.of("job", name, "ferry:job-list"));
        jobs.deleteJob(job.id());
        System.out.println("Deleted job '" + job.name() + "'");
        return null;
    }
}
