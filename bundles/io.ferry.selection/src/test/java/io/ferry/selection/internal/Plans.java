package io.ferry.selection.internal;

import io.ferry.api.inventory.InventorySnapshot;
import io.ferry.api.inventory.Platform;
import io.ferry.api.job.GuestProcessing;
import io.ferry.api.job.JobSpec;
import io.ferry.api.job.ServerChoice;
import io.ferry.api.job.TransportChoice;
import io.ferry.api.selection.Candidate;
import io.ferry.api.selection.DiskDecision;
import io.ferry.api.selection.Load;
import io.ferry.api.selection.Plan;
import io.ferry.api.selection.RuleVerdict;
import io.ferry.api.selection.VmPlan;
import java.util.List;
import java.util.Set;

/** Shorthands for tests: jobs, plans and finding things in them. */
final class Plans {
    static final String BACKUP = "bs";

    private Plans() {
    }

    static JobSpec guestJob(List<String> vms) {
        return guestJob(vms, ServerChoice.AUTOMATIC);
    }

    static JobSpec guestJob(List<String> vms, ServerChoice guestProxies) {
        return new JobSpec("job", Platform.VMWARE, vms, BACKUP, ServerChoice.AUTOMATIC, TransportChoice.AUTOMATIC,
                new GuestProcessing(true, false, false, guestProxies), false);
    }

    static JobSpec job(List<String> vms) {
        return JobSpec.of("job", Platform.VMWARE, vms, BACKUP);
    }

    static Plan plan(PluginSet plugins, JobSpec job, InventorySnapshot inventory) {
        return new Planner(plugins).plan(job, inventory, Load.NONE, Set.of());
    }

    static Plan plan(PluginSet plugins, JobSpec job, InventorySnapshot inventory, Load load) {
        return new Planner(plugins).plan(job, inventory, load, Set.of());
    }

    static VmPlan vm(Plan plan, String name) {
        return plan.vms().stream().filter(v -> v.vm().equals(name)).findFirst().orElseThrow();
    }

    static Candidate candidate(List<Candidate> candidates, String server) {
        return candidates.stream().filter(c -> c.server().equals(server)).findFirst()
                .orElseThrow(() -> new AssertionError(server + " is not a candidate: " + candidates));
    }

    static List<String> failedRules(Candidate c) {
        return c.failures().stream().map(RuleVerdict::rule).toList();
    }

    static DiskDecision disk(Plan plan, String vm, String disk) {
        return vm(plan, vm).disks().stream().filter(d -> d.disk().equals(disk)).findFirst().orElseThrow();
    }
}
