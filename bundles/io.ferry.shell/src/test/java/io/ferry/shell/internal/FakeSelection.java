package io.ferry.shell.internal;

import io.ferry.api.NotFoundException;
import io.ferry.api.inventory.InventorySnapshot;
import io.ferry.api.inventory.Platform;
import io.ferry.api.job.JobSpec;
import io.ferry.api.selection.Candidate;
import io.ferry.api.selection.DecisionStatus;
import io.ferry.api.selection.DiskDecision;
import io.ferry.api.selection.GuestInteractionDecision;
import io.ferry.api.selection.Load;
import io.ferry.api.selection.Plan;
import io.ferry.api.selection.PlanChange;
import io.ferry.api.selection.PluginInfo;
import io.ferry.api.selection.ReadinessReport;
import io.ferry.api.selection.RuleVerdict;
import io.ferry.api.selection.Scenario;
import io.ferry.api.selection.SelectionService;
import io.ferry.api.selection.TransportStep;
import io.ferry.api.selection.VmPlan;
import io.ferry.api.selection.WhatIf;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * A selection service that answers with canned plans, reports and plugins, and records
 * what the commands asked for.
 */
final class FakeSelection implements SelectionService {
    final Map<String, Plan> vmPlans = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    final Map<String, Plan> jobPlans = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    final List<ReadinessReport> reports = new ArrayList<>();
    final List<PluginInfo> plugins = new ArrayList<>();
    final List<String> calls = new ArrayList<>();
    List<PlanChange> changes = List.of();
    Load lastLoad;
    Scenario lastScenario;
    Optional<String> lastCheck;

    @Override
    public Plan planJob(String jobNameOrId, Load load) {
        calls.add("planJob " + jobNameOrId);
        lastLoad = load;
        Plan plan = jobPlans.get(jobNameOrId);
        if (plan == null) {
            throw NotFoundException.of("job", jobNameOrId, "ferry:job-list");
        }
        return plan;
    }

    @Override
    public Plan planVm(String vmNameOrId, Load load) {
        calls.add("planVm " + vmNameOrId);
        lastLoad = load;
        Plan plan = vmPlans.get(vmNameOrId);
        if (plan == null) {
            throw NotFoundException.of("VM", vmNameOrId, "ferry:vm-list");
        }
        return plan;
    }

    @Override
    public Plan plan(JobSpec job, InventorySnapshot inventory, Load load, Set<String> failedTransportModes) {
        throw new UnsupportedOperationException();
    }

    @Override
    public WhatIf whatIf(String jobOrVm, Scenario scenario, Load load) {
        calls.add("whatIf " + jobOrVm);
        lastScenario = scenario;
        lastLoad = load;
        Plan before = jobPlans.containsKey(jobOrVm) ? jobPlans.get(jobOrVm) : vmPlans.get(jobOrVm);
        return new WhatIf(scenario, before, before, changes);
    }

    @Override
    public List<ReadinessReport> check(Optional<String> server) {
        lastCheck = server;
        return server.map(s -> reports.stream().filter(r -> r.server().equalsIgnoreCase(s)).toList())
                .orElse(List.copyOf(reports));
    }

    @Override
    public List<PluginInfo> plugins() {
        return List.copyOf(plugins);
    }

    // --- canned plans -----------------------------------------------------------------------

    /**
     * VM app-01 on esx-01: the guest interaction proxy lnx-01 (win-01 not eligible), disk
     * scsi0:0 via direct storage access on px-01, disk scsi0:1 falling back to network on
     * px-02, disk scsi0:2 that cannot be processed.
     */
    static Plan app01() {
        RuleVerdict enabled = RuleVerdict.pass("server-enabled", "enabled", "");
        GuestInteractionDecision guest = new GuestInteractionDecision(DecisionStatus.ASSIGNED, Optional.of("lnx-01"),
                "tier 1 (same network as the VM, not the backup server); the only eligible server of that tier",
                List.of(new Candidate("lnx-01", true, 1, 0, 4, List.of(enabled,
                                RuleVerdict.pass("linux-cannot-serve-windows-guest", "the guest runs Linux",
                                        "000_6fa5d5cd4044af24.txt, 001_7a67f23d89d19bc8.txt"))),
                        new Candidate("win-01", false, 3, 0, 4, List.of(RuleVerdict.fail("server-enabled",
                                "Server 'win-01' is disabled", "")))),
                Optional.of("bkp-01"));
        DiskDecision direct = new DiskDecision("scsi0:0", DecisionStatus.ASSIGNED, Optional.of("px-01"),
                Optional.of("direct-storage-access"), "px-01 via direct-storage-access (reads ds1 over SAN)",
                List.of(TransportStep.ok("direct-storage-access", "reads ds1 over SAN")),
                List.of(new Candidate("px-01", true, 0, 0, 4, List.of(enabled))), List.of(), 0);
        List<TransportStep> chain = List.of(
                TransportStep.unavailable("direct-storage-access", "no SAN access to datastore ds1"),
                TransportStep.unavailable("virtual-appliance", "proxy in another datacenter"),
                new TransportStep("network", true, "failover to network", true));
        DiskDecision fallback = new DiskDecision("scsi0:1", DecisionStatus.WAITING_FOR_SLOT, Optional.of("px-02"),
                Optional.of("network"), "px-02 via network (failover to network)", chain,
                List.of(new Candidate("px-02", true, 0, 4, 4, List.of(enabled,
                                RuleVerdict.pass("transport-negotiation", "network (fallback): failover", ""))),
                        new Candidate("px-03", false, 0, 0, 4, List.of(enabled,
                                RuleVerdict.fail("acme-proxy-has-array-access", "px-03 has no access to array",
                                        "003_4fc908c7710b8ec3.txt")))),
                List.of("Disk 'scsi0:1' of VM 'app-01' falls back to network on px-02 (failover to network)"), 1);
        DiskDecision cannot = new DiskDecision("scsi0:2", DecisionStatus.CANNOT_PROCESS, Optional.empty(),
                Optional.empty(), "no VMware proxy qualifies: px-03 is disabled", List.of(), List.of(), List.of(), 0);
        VmPlan vm = new VmPlan("app-01", Platform.VMWARE, "esx-01", guest, List.of(direct, fallback, cannot));
        return new Plan("app-01", List.of(vm), Set.of(), List.of());
    }

    /** Job nightly with VM app-01, a Proxmox VM nobody serves and a plan-wide warning. */
    static Plan nightly() {
        VmPlan pve = new VmPlan("pve-01", Platform.PROXMOX, "pve-node-1", new GuestInteractionDecision(
                DecisionStatus.PLATFORM_UNSERVED, Optional.empty(), "no plugin serves PROXMOX", List.of(),
                Optional.empty()), List.of(new DiskDecision("scsi0", DecisionStatus.PLATFORM_UNSERVED, Optional.empty(),
                        Optional.empty(), "no plugin serves PROXMOX", List.of(), List.of(), List.of(), 0)));
        return new Plan("nightly", List.of(app01().vms().get(0), pve), Set.of(Platform.PROXMOX),
                List.of("Proxy px-09 named by the job is not in the inventory"));
    }
}
