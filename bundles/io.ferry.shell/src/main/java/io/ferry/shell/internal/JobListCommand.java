package io.ferry.shell.internal;

import io.ferry.api.job.Job;
import io.ferry.api.job.JobService;
import io.ferry.api.job.JobSpec;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

@Service
@Command(scope = "ferry", name = "job-list", description = "Lists the backup jobs.",
        detailedDescription = """
                Lists the jobs by name: platform, number of VMs, repository, proxies,
                transport mode, guest processing, schedule and retention.
                ferry:job-show shows one job in full.

                Examples:
                  ferry:job-list
                  ferry:job-list --json""")
public class JobListCommand implements Action {

    @Reference
    private JobService jobs;

    @Option(name = "--json", description = "Print JSON in the form of the export file's jobs instead of a table")
    private boolean json;

    @Override
    public Object execute() {
        List<Job> all = jobs.jobs();
        if (json) {
            JsonOutput.print(JsonOutput.jobs(all));
            return null;
        }
        ShellTable table = new ShellTable();
        table.column("Name");
        table.column("Platform");
        table.column("VMs").alignRight();
        table.column("Repository");
        table.column("Proxies");
        table.column("Transport");
        table.column("Guest processing");
        table.column("Guest proxies");
        table.column("Schedule");
        table.column("Retention");
        table.emptyTableText("No jobs; define one with ferry:job-create");
        for (Job job : all) {
            JobSpec spec = job.spec();
            table.addRow().addContent(job.name(), EnumNames.display(spec.platform()), spec.vms().size(),
                    spec.repository(), JobDisplay.servers(spec.proxies()), JobDisplay.transport(spec.transport()),
                    JobDisplay.guestProcessing(spec.guestProcessing()),
                    JobDisplay.servers(spec.guestProcessing().guestProxies()), JobDisplay.schedule(spec.schedule()),
                    JobDisplay.retention(spec.retention()));
        }
        TerminalText.print(table, System.out);
        return null;
    }
}
