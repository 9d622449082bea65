package io.ferry.jobs.internal;

import io.ferry.api.NotFoundException;
import io.ferry.api.inventory.InventoryService;
import io.ferry.api.inventory.InventorySnapshot;
import io.ferry.api.inventory.ManagedServer;
import io.ferry.api.inventory.RoleType;
import io.ferry.api.inventory.VirtualDisk;
import io.ferry.api.inventory.VirtualMachine;
import io.ferry.api.job.Job;
import io.ferry.api.job.JobService;
import io.ferry.api.job.JobSpec;
import io.ferry.api.selection.DecisionStatus;
import io.ferry.api.selection.DiskDecision;
import io.ferry.api.selection.GuestInteractionDecision;
import io.ferry.api.selection.Load;
import io.ferry.api.selection.Plan;
import io.ferry.api.selection.PluginInfo;
import io.ferry.api.selection.ReadinessReport;
import io.ferry.api.selection.Scenario;
import io.ferry.api.selection.SelectionService;
import io.ferry.api.selection.VmPlan;
import io.ferry.api.selection.WhatIf;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A planner for tests: the job's disks go round-robin, in plan order, over the job's listed
 * proxies (or every server with a proxy role); disks marked {@link #cannotProcess} get a
 * CANNOT_PROCESS decision; a job with guest processing gets guest interaction proxy
 * {@link #guestProxy} with the backup server as failover.
 */
final class FakeSelection implements SelectionService {

    private final JobService jobs;
    private final InventoryService inventory;
    private final Set<String> unprocessable = ConcurrentHashMap.newKeySet();
    private final Map<String, List<String>> warnings = new ConcurrentHashMap<>();
    private final List<Load> loads = new CopyOnWriteArrayList<>();
    volatile String guestProxy = "gip-01";

    FakeSelection(JobService jobs, InventoryService inventory) {
        this.jobs = jobs;
        this.inventory = inventory;
    }

    void cannotProcess(String vmDisk) {
        unprocessable.add(vmDisk.toLowerCase(Locale.ROOT));
    }

    void warn(String vmDisk, String warning) {
        warnings.put(vmDisk.toLowerCase(Locale.ROOT), List.of(warning));
    }

    /** The loads planJob was called with. */
    List<Load> loads() {
        return List.copyOf(loads);
    }

    @Override
    public Plan planJob(String jobNameOrId, Load load) {
        loads.add(load);
        Job job = jobs.job(jobNameOrId).orElseThrow(() -> new NotFoundException("no job " + jobNameOrId));
        JobSpec spec = job.spec();
        List<String> proxies = spec.proxies().automatic() ? inventory.servers().stream()
                .filter(s -> s.hasRole(RoleType.GENERAL_PURPOSE_PROXY) || s.hasRole(RoleType.VMWARE_PROXY))
                .map(ManagedServer::name).toList() : spec.proxies().servers();
        String backupServer = inventory.backupServer().name();
        List<String> planWarnings = new ArrayList<>();
        List<VmPlan> vms = new ArrayList<>();
        int next = 0;
        for (String name : spec.vms()) {
            Optional<VirtualMachine> vm = inventory.vm(name);
            if (vm.isEmpty()) {
                planWarnings.add("VM " + name + " is not in the inventory, left out of the plan");
                continue;
            }
            List<DiskDecision> disks = new ArrayList<>();
            for (VirtualDisk disk : vm.get().spec().disks()) {
                String key = (vm.get().name() + "/" + disk.label()).toLowerCase(Locale.ROOT);
                if (unprocessable.contains(key)) {
                    disks.add(new DiskDecision(disk.label(), DecisionStatus.CANNOT_PROCESS, Optional.empty(),
                            Optional.empty(), "no proxy can read this disk (test plan)", List.of(), List.of(),
                            List.of(), 0));
                    continue;
                }
                String proxy = proxies.get(next++ % proxies.size());
                // every proxy of the job is eligible, the chosen one first
                List<io.ferry.api.selection.Candidate> candidates = new ArrayList<>();
                candidates.add(new io.ferry.api.selection.Candidate(proxy, true, 0, 0, 1, List.of()));
                proxies.stream().filter(p -> !p.equals(proxy))
                        .forEach(p -> candidates.add(new io.ferry.api.selection.Candidate(p, true, 0, 0, 1, List.of())));
                disks.add(new DiskDecision(disk.label(), DecisionStatus.ASSIGNED, Optional.of(proxy),
                        Optional.of("network"), proxy + ": round-robin over the job's proxies (test plan)", List.of(),
                        candidates, warnings.getOrDefault(key, List.of()), 0));
            }
            GuestInteractionDecision gi = spec.guestProcessing().enabled()
                    ? new GuestInteractionDecision(DecisionStatus.ASSIGNED, Optional.of(guestProxy),
                            guestProxy + ": same network (test plan)", List.of(), Optional.of(backupServer))
                    : new GuestInteractionDecision(DecisionStatus.NOT_REQUIRED, Optional.empty(),
                            "the job does not process guests", List.of(), Optional.empty());
            vms.add(new VmPlan(vm.get().name(), spec.platform(), "host-01", gi, disks));
        }
        return new Plan(job.name(), vms, Set.of(), planWarnings);
    }

    @Override
    public Plan planVm(String vmNameOrId, Load load) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Plan plan(JobSpec job, InventorySnapshot inventory, Load load, Set<String> failedTransportModes) {
        throw new UnsupportedOperationException();
    }

    @Override
    public WhatIf whatIf(String jobOrVm, Scenario scenario, Load load) {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<ReadinessReport> check(Optional<String> server) {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<PluginInfo> plugins() {
        throw new UnsupportedOperationException();
    }
}
