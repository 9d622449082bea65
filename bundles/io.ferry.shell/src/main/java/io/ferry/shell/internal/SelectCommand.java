package io.ferry.shell.internal;

import io.ferry.api.NotFoundException;
import io.ferry.api.ValidationException;
import io.ferry.api.job.Job;
import io.ferry.api.job.JobService;
import io.ferry.api.selection.Load;
import io.ferry.api.selection.Plan;
import io.ferry.api.selection.Scenario;
import io.ferry.api.selection.SelectionService;
import io.ferry.api.selection.WhatIf;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Service
@Command(scope = "ferry", name = "select", description = "Shows which proxies and transport modes a job or VM would use, and why.",
        detailedDescription = """
                Plans a saved job or, when no job has the name, one VM as an automatic job
                with guest processing. Per VM: the guest interaction proxy; per disk: the
                backup proxy, the transport mode, the status (ASSIGNED, WAITING_FOR_SLOT and
                its wave, CANNOT_PROCESS with the reason) and every warning, e.g. a fallback
                to network mode and its cause. Nothing is changed or started.

                --explain lists every candidate server with every rule's verdict (PASS or
                FAIL, the reason and the documentation seed it comes from) and the transport
                negotiation as a chain, e.g.
                  direct-storage-access: no SAN access to ds1 -> network: ok (fallback)

                --what-if plans the same job on a changed copy of the inventory and prints
                what changes: 'remove SERVER', 'slots SERVER=N', 'fail-transport MODE'
                (hotadd, direct, nbd, ...), separated by ';'.

                --load SERVER=N counts N tasks as already running on SERVER.

                Options come before the job or VM name.

                Examples:
                  ferry:select app-01
                  ferry:select --explain app-01
                  ferry:select --load px-01=4 nightly-vmware
                  ferry:select --what-if "remove px-02; slots px-01=8; fail-transport hotadd" nightly-vmware
                  ferry:select --json app-01""")
public class SelectCommand implements Action {

    @Reference
    private SelectionService selection;

    @Reference(optional = true)
    private JobService jobs;

    @Option(name = "--explain", description = "List every candidate with every rule's verdict and the transport negotiation")
    private boolean explain;

    @Option(name = "--json", description = "Print the plan (or the what-if result) as JSON")
    private boolean json;

    @Option(name = "--what-if", description = "Plan on a changed inventory and print the differences:"
            + " \"remove SERVER; slots SERVER=N; fail-transport MODE\"")
    private String whatIf;

    @Option(name = "--load", multiValued = true, description = "SERVER=N: N tasks already run on SERVER (repeatable)")
    private List<String> loads;

    @Argument(index = 0, name = "JOB_OR_VM", required = true, description = "Name or id of a job, or of a VM")
    @Completion(JobOrVmCompleter.class)
    private String subject;

    @Override
    public Object execute() {
        Load load = load(loads);
        Optional<Job> job = jobs == null ? Optional.empty() : jobs.job(subject);
        String what = job.map(j -> "job '" + j.name() + "'").orElse("VM '" + subject + "'");
        if (whatIf != null) {
            WhatIf result = selection.whatIf(job.map(Job::name).orElse(subject), scenario(whatIf), load);
            if (json) {
                JsonOutput.print(JsonOutput.VIEWS.record(result));
            } else {
                PlanPrinter.printWhatIf(System.out, "What if \"" + whatIf.strip() + "\" for " + what + ":", result);
            }
            return null;
        }
        Plan plan = job.isPresent() ? selection.planJob(job.get().name(), load) : planVm(load);
        if (json) {
            JsonOutput.print(JsonOutput.VIEWS.record(plan));
        } else {
            PlanPrinter.print(System.out, "Plan for " + what + (load.runningTasks().isEmpty() ? ""
                    : " with running tasks " + Display.list(new TreeMap<>(load.runningTasks()).entrySet())), plan,
                    explain);
        }
        return null;
    }

    private Plan planVm(Load load) {
        try {
            return selection.planVm(subject, load);
        } catch (NotFoundException e) {
            if (jobs == null) {
                throw e;
            }
            NotFoundException both = new NotFoundException("No job or VM named '" + subject
                    + "' (see ferry:job-list, ferry:vm-list)");
            both.initCause(e);
            throw both;
        }
    }

    static Scenario scenario(String text) {
        try {
            return Scenario.parse(text);
        } catch (ValidationException e) {
            throw new ValidationException("--what-if", e.problem());
        }
    }

    /** {@code --load px-01=3 --load px-02=0}: running tasks per server. */
    static Load load(List<String> values) {
        Map<String, Integer> running = new TreeMap<>();
        for (String value : Arguments.nonNull(values)) {
            Map.Entry<String, String> kv = Arguments.keyValue(value, "--load");
            int tasks;
            try {
                tasks = Integer.parseInt(kv.getValue());
            } catch (NumberFormatException e) {
                tasks = -1;
            }
            if (tasks < 0) {
                throw new ValidationException("--load", "'" + value.strip() + "': expected SERVER=N with N a number"
                        + " of running tasks (0 or more), e.g. px-01=3");
            }
            running.put(kv.getKey(), tasks);
        }
        return new Load(running);
    }
}
