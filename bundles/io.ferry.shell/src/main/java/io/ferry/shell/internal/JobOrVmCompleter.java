package io.ferry.shell.internal;

import io.ferry.api.inventory.InventoryService;
import io.ferry.api.inventory.VirtualMachine;
import io.ferry.api.inventory.VmQuery;
import io.ferry.api.job.Job;
import io.ferry.api.job.JobService;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/**
 * Completes job names (when jobs are available) and VM names; like {@link VmNameCompleter},
 * it asks only for VMs containing what is typed, at most {@value VmNameCompleter#MAX_CANDIDATES}.
 */
@Service
public class JobOrVmCompleter implements Completer {

    @Reference
    private InventoryService inventory;

    @Reference(optional = true)
    private JobService jobs;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        String argument = commandLine.getCursorArgument();
        String typed = argument == null ? "" : argument.substring(0, commandLine.getArgumentPosition());
        List<String> names = new ArrayList<>();
        if (jobs != null) {
            String lower = typed.toLowerCase(Locale.ROOT);
            jobs.jobs().stream().map(Job::name).filter(n -> n.toLowerCase(Locale.ROOT).contains(lower))
                    .forEach(names::add);
        }
        VmQuery query = VmQuery.all().page(0, VmNameCompleter.MAX_CANDIDATES);
        if (!typed.isEmpty()) {
            query = query.nameContains(typed);
        }
        inventory.vms(query).stream().map(VirtualMachine::name).forEach(names::add);
        return new StringsCompleter(names).complete(session, commandLine, candidates);
    }
}
