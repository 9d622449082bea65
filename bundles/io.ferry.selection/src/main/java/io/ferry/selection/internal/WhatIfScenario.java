package io.ferry.selection.internal;

import io.ferry.api.NotFoundException;
import io.ferry.api.inventory.InventorySnapshot;
import io.ferry.api.inventory.ManagedServer;
import io.ferry.api.job.GuestProcessing;
import io.ferry.api.job.JobSpec;
import io.ferry.api.job.ServerChoice;
import io.ferry.api.selection.Scenario;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A {@link Scenario} applied to a copy of the snapshot and the job: removed servers are
 * gone (and gone from the job's proxy and guest proxy lists, unless that would empty a
 * list: then the list keeps naming them and nobody qualifies), task slots are replaced.
 * Failed transport modes are not part of the copy; the planner takes them as input.
 */
final class WhatIfScenario {

    record Applied(InventorySnapshot inventory, JobSpec job) {
    }

    private WhatIfScenario() {
    }

    static Applied apply(Scenario scenario, InventorySnapshot inventory, JobSpec job) {
        Set<String> removed = new HashSet<>();
        List<String> removedNames = new ArrayList<>();
        for (String name : scenario.removedServers()) {
            ManagedServer s = find(inventory, name);
            removed.add(s.id());
            removedNames.add(s.name());
        }
        Map<String, Integer> slots = new HashMap<>();
        scenario.taskSlots().forEach((name, n) -> slots.put(find(inventory, name).id(), n));
        List<ManagedServer> servers = new ArrayList<>();
        for (ManagedServer s : inventory.servers()) {
            if (removed.contains(s.id())) {
                continue;
            }
            Integer n = slots.get(s.id());
            servers.add(n == null ? s : new ManagedServer(s.id(), s.version(),
                    s.spec().toBuilder().maxConcurrentTasks(n).build(), s.roles()));
        }
        InventorySnapshot changed = new InventorySnapshot(servers, inventory.hosts(), inventory.vms());
        return new Applied(changed, withoutServers(job, removedNames));
    }

    private static JobSpec withoutServers(JobSpec job, List<String> removed) {
        if (removed.isEmpty()) {
            return job;
        }
        GuestProcessing gp = job.guestProcessing();
        GuestProcessing guest = new GuestProcessing(gp.applicationAware(), gp.indexing(), gp.logProcessing(),
                without(gp.guestProxies(), removed));
        return new JobSpec(job.name(), job.platform(), job.vms(), job.repository(), without(job.proxies(), removed),
                job.transport(), guest, job.onHostFallback());
    }

    private static ServerChoice without(ServerChoice choice, List<String> removed) {
        if (choice.automatic()) {
            return choice;
        }
        List<String> rest = choice.servers().stream()
                .filter(s -> removed.stream().noneMatch(r -> r.equalsIgnoreCase(s))).toList();
        return rest.isEmpty() ? choice : ServerChoice.preferred(rest);
    }

    private static ManagedServer find(InventorySnapshot inventory, String nameOrId) {
        String key = nameOrId.strip().toLowerCase(Locale.ROOT);
        return inventory.servers().stream()
                .filter(s -> s.name().toLowerCase(Locale.ROOT).equals(key) || s.id().equalsIgnoreCase(key))
                .findFirst().orElseThrow(() -> NotFoundException.of("server", nameOrId.strip(), "ferry:server-list"));
    }
}
