package io.ferry.selection.internal;

import static io.ferry.selection.internal.Plans.plan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.inventory.RoleType;
import io.ferry.api.inventory.ServerFacts;
import io.ferry.api.selection.DecisionStatus;
import io.ferry.api.selection.DiskDecision;
import io.ferry.api.selection.Load;
import io.ferry.api.selection.Plan;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Task slots and waves (docs/selection.md, seed 003: "several proxies share the load by task slots"). */
class SlotSchedulingTest {
    private static final String NET = "10.0.1.0/24";
    private static final PluginSet VMWARE = TestPlugins.vmware().build();

    /** proxy -> wave -> tasks */
    static Map<String, Map<Integer, Integer>> tasksPerWave(Plan plan) {
        Map<String, Map<Integer, Integer>> out = new TreeMap<>();
        for (DiskDecision d : plan.disks()) {
            if (d.proxy().isPresent()) {
                out.computeIfAbsent(d.proxy().get(), p -> new TreeMap<>()).merge(d.wave(), 1, Integer::sum);
            }
        }
        return out;
    }

    @Test
    @DisplayName("200 disks over 3 proxies x 4 slots: no wave exceeds the slots, all proxies busy in wave 0")
    void twoHundredDisksOverThreeProxies() {
        Lab lab = new Lab().esxi("esx-01", Lab.datastore("ds1")).backupServer("bs", NET)
                .linux("px-1", NET, RoleType.VMWARE_PROXY).linux("px-2", NET, RoleType.VMWARE_PROXY)
                .linux("px-3", NET, RoleType.VMWARE_PROXY);
        for (int i = 0; i < 50; i++) {
            lab.vm("vm-" + i, "esx-01", Lab.LINUX, NET, 4, "ds1");
        }
        Plan plan = plan(VMWARE, Plans.job(lab.vmNames()), lab.snapshot());
        assertEquals(200, plan.disks().size());
        Map<String, Map<Integer, Integer>> waves = tasksPerWave(plan);
        assertEquals(List.of("px-1", "px-2", "px-3"), List.copyOf(waves.keySet()));
        waves.forEach((proxy, perWave) -> {
            assertEquals(4, perWave.get(0), proxy + " is full in wave 0");
            perWave.forEach((wave, n) -> assertTrue(n <= 4, proxy + " wave " + wave + " has " + n));
        });
        int lastWave = plan.disks().stream().mapToInt(DiskDecision::wave).max().orElseThrow();
        assertEquals(16, lastWave, "200 tasks / 12 slots");
        for (DiskDecision d : plan.disks()) {
            assertEquals(d.wave() == 0 ? DecisionStatus.ASSIGNED : DecisionStatus.WAITING_FOR_SLOT, d.status());
        }
        assertEquals(12, plan.disks().stream().filter(d -> d.status() == DecisionStatus.ASSIGNED).count());
        assertTrue(plan.disks().get(12).reason().contains("every eligible proxy is busy, so it waits for wave 1"),
                plan.disks().get(12).reason());
    }

    @Test
    @DisplayName("running tasks fill the first slots: a proxy with 3 of 4 running takes one disk now")
    void runningTasksFillTheFirstSlots() {
        Lab lab = new Lab().esxi("esx-01", Lab.datastore("ds1")).backupServer("bs", NET)
                .linux("px-1", NET, RoleType.VMWARE_PROXY).vm("app", "esx-01", Lab.LINUX, NET, 6, "ds1");
        Plan plan = plan(VMWARE, Plans.job(lab.vmNames()), lab.snapshot(), new Load(Map.of("px-1", 3)));
        assertEquals(List.of(0, 1, 1, 1, 1, 2), plan.disks().stream().map(DiskDecision::wave).toList());
    }

    @Test
    @DisplayName("a full proxy (running = slots) queues even its first disk")
    void fullProxyQueues() {
        Lab lab = new Lab().esxi("esx-01", Lab.datastore("ds1")).backupServer("bs", NET)
                .server("px-1", b -> b.maxConcurrentTasks(2), RoleType.VMWARE_PROXY)
                .vm("app", "esx-01", Lab.LINUX, NET, 1, "ds1");
        DiskDecision d = plan(VMWARE, Plans.job(lab.vmNames()), lab.snapshot(), new Load(Map.of("px-1", 5)))
                .disks().get(0);
        assertEquals(DecisionStatus.WAITING_FOR_SLOT, d.status());
        assertEquals(2, d.wave());
    }

    @Test
    @DisplayName("every eligible proxy is kept busy before any disk queues, even one with a worse transport mode")
    void eligibleProxiesAreBusyBeforeAnyDiskQueues() {
        Lab lab = new Lab().esxi("esx-01", Lab.datastore("ds1")).backupServer("bs", NET)
                .server("px-direct", b -> b.maxConcurrentTasks(2).fact(ServerFacts.SAN_ACCESS, "ds1"),
                        RoleType.VMWARE_PROXY)
                .server("px-net", b -> b.maxConcurrentTasks(2), RoleType.VMWARE_PROXY)
                .vm("app", "esx-01", Lab.LINUX, NET, 6, "ds1");
        Plan plan = plan(VMWARE, Plans.job(lab.vmNames()), lab.snapshot());
        List<String> chosen = plan.disks().stream().map(d -> d.proxy().orElseThrow() + "@" + d.wave()).toList();
        assertEquals(List.of("px-direct@0", "px-direct@0", "px-net@0", "px-net@0", "px-direct@1", "px-direct@1"), chosen);
        assertEquals("direct-storage-access", plan.disks().get(4).transportMode().orElseThrow());
    }

    @Test
    @DisplayName("slots differ: the load relative to the slots decides within a wave")
    void relativeLoadDecidesWithinAWave() {
        Lab lab = new Lab().esxi("esx-01", Lab.datastore("ds1")).backupServer("bs", NET)
                .server("px-big", b -> b.maxConcurrentTasks(6), RoleType.VMWARE_PROXY)
                .server("px-small", b -> b.maxConcurrentTasks(2), RoleType.VMWARE_PROXY)
                .vm("app", "esx-01", Lab.LINUX, NET, 8, "ds1");
        Plan plan = plan(VMWARE, Plans.job(lab.vmNames()), lab.snapshot());
        Map<String, Map<Integer, Integer>> waves = tasksPerWave(plan);
        assertEquals(Map.of(0, 6), waves.get("px-big"));
        assertEquals(Map.of(0, 2), waves.get("px-small"));
    }
}
