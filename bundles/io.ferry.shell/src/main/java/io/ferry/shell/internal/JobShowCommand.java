package io.ferry.shell.internal;

import io.ferry.api.NotFoundException;
import io.ferry.api.inventory.Platform;
import io.ferry.api.job.GuestProcessing;
import io.ferry.api.job.Job;
import io.ferry.api.job.JobService;
import io.ferry.api.job.JobSpec;
import io.ferry.api.job.ServerChoice;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

@Service
@Command(scope = "ferry", name = "job-show", description = "Shows everything about one backup job.",
        detailedDescription = """
                Shows a job's VMs in processing order, its repository, proxies,
                transport mode, guest processing, schedule and retention, its id and
                its version (the number ferry:job-update --expected-version compares).

                Examples:
                  ferry:job-show web-nightly
                  ferry:job-show --json web-nightly""")
public class JobShowCommand implements Action {

    @Reference
    private JobService jobs;

    @Argument(index = 0, name = "NAME", required = true, description = "Name or id of the job")
    @Completion(JobNameCompleter.class)
    private String name;

    @Option(name = "--json", description = "Print JSON in the form of the export file (an array of one job)")
    private boolean json;

    @Override
    public Object execute() {
        Job job = jobs.job(name).orElseThrow(() -> NotFoundException.of("job", name, "ferry:job-list"));
        if (json) {
            JsonOutput.print(JsonOutput.jobs(List.of(job)));
            return null;
        }
        JobSpec spec = job.spec();
        GuestProcessing gp = spec.guestProcessing();
        ShellTable table = new ShellTable().noHeaders();
        table.column("Field");
        table.column("Value");
        row(table, "Name", spec.name());
        row(table, "Id", job.id());
        row(table, "Version", job.version());
        row(table, "Platform", EnumNames.display(spec.platform()));
        rows(table, "VMs", spec.vms());
        row(table, "Repository", spec.repository());
        servers(table, "Proxies", spec.proxies());
        if (spec.platform() == Platform.VMWARE) {
            row(table, "Transport mode", spec.transport().fixedMode().map(EnumNames::display).orElse(RoleRequest.AUTO));
            row(table, "Failover to network", Display.yesNo(spec.transport().failoverToNetwork()));
        }
        if (spec.platform() == Platform.HYPERV) {
            row(table, "On-host fallback", Display.yesNo(spec.onHostFallback()));
        }
        row(table, "Application-aware", Display.yesNo(gp.applicationAware()));
        row(table, "Indexing", Display.yesNo(gp.indexing()));
        row(table, "Log processing", Display.yesNo(gp.logProcessing()));
        servers(table, "Guest proxies", gp.guestProxies());
        row(table, "Schedule", JobDisplay.schedule(spec.schedule()));
        if (!spec.schedule().manual()) {
            row(table, "Cron", spec.schedule().cron());
        }
        row(table, "Retention", JobDisplay.retention(spec.retention()) + " (backups per disk)");
        TerminalText.print(table, System.out);
        return null;
    }

    private static void row(ShellTable table, String field, Object value) {
        table.addRow().addContent(field, value);
    }

    private static void servers(ShellTable table, String field, ServerChoice choice) {
        if (choice.automatic()) {
            row(table, field, "automatic");
        } else {
            rows(table, field, choice.servers());
        }
    }

    /** One row per value, the field named on the first. */
    private static void rows(ShellTable table, String field, List<String> values) {
        String label = field;
        for (String value : values) {
            row(table, label, value);
            label = "";
        }
    }
}
