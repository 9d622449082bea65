package io.ferry.selection.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.inventory.RoleType;
import io.ferry.api.selection.Candidate;
import io.ferry.api.selection.DecisionStatus;
import io.ferry.api.selection.DiskDecision;
import io.ferry.api.selection.Load;
import io.ferry.api.selection.Plan;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** How much explanation a plan carries (Planner javadoc): full for small plans, compact for large ones. */
class ExplanationTest {
    private static final String NET = "10.0.1.0/24";
    private static final PluginSet VMWARE = TestPlugins.vmware().build();

    private static Lab lab(int proxies, int vms) {
        Lab lab = new Lab().esxi("esx-01", Lab.datastore("ds1")).backupServer("bs", NET);
        for (int p = 0; p < proxies; p++) {
            lab.linux("px-" + p, NET, RoleType.VMWARE_PROXY);
        }
        for (int v = 0; v < vms; v++) {
            lab.vm("vm-" + v, "esx-01", Lab.LINUX, NET, 2, "ds1");
        }
        return lab;
    }

    private static Plan plan(Lab lab, int limit, Set<String> failed) {
        return new Planner(VMWARE, limit, Optional.empty(), 1).plan(Plans.guestJob(lab.vmNames()), lab.snapshot(),
                Load.NONE, failed);
    }

    @Test
    @DisplayName("a small plan lists every candidate of every decision")
    void smallPlanIsFull() {
        Plan plan = plan(lab(8, 3), Planner.DEFAULT_FULL_CANDIDATE_LIMIT, Set.of());
        assertTrue(plan.disks().stream().allMatch(d -> d.candidates().size() == 8));
        assertTrue(plan.vms().stream().allMatch(v -> v.guestInteraction().candidates().size() == 9));
        assertEquals(0, plan.warnings().size());
    }

    @Test
    @DisplayName("a large plan lists the chosen server and the next two, and says so")
    void largePlanIsCompact() {
        Plan plan = plan(lab(8, 3), 10, Set.of());
        for (DiskDecision d : plan.disks()) {
            assertEquals(3, d.candidates().size());
            assertEquals(d.proxy().orElseThrow(), d.candidates().get(0).server());
            assertTrue(d.candidates().stream().allMatch(Candidate::eligible));
        }
        assertTrue(plan.vms().stream().allMatch(v -> v.guestInteraction().candidates().size() == 3));
        assertEquals(1, plan.warnings().size());
        assertTrue(plan.warnings().get(0).startsWith("Compact explanation: this plan would list 75 candidates (more"
                + " than 10), so ASSIGNED and WAITING_FOR_SLOT decisions list the chosen server and the next 2 eligible"
                + " ones"), plan.warnings().get(0));
    }

    @Test
    @DisplayName("CANNOT_PROCESS lists every candidate until the limit is spent, then the first ten; the reason summarises all")
    void cannotProcessListsAreCappedAfterTheLimit() {
        Plan plan = plan(lab(12, 2), 30, Set.of("direct-storage-access", "virtual-appliance", "network"));
        assertEquals(4, plan.disks().size());
        assertEquals(12, plan.disks().get(0).candidates().size(), "12 of the 30 allowed");
        assertEquals(12, plan.disks().get(1).candidates().size(), "24 of 30");
        assertEquals(10, plan.disks().get(2).candidates().size(), "over the limit: the first ten");
        for (DiskDecision d : plan.disks()) {
            assertEquals(DecisionStatus.CANNOT_PROCESS, d.status());
            assertEquals("No VMWARE_PROXY server can read this disk: 12 candidates, each failing at least one rule:"
                    + " transport-negotiation failed for 12 (px-0, px-1, px-10, ...; e.g. no transport mode is"
                    + " available: direct-storage-access: what-if: mode marked as failed; virtual-appliance: what-if:"
                    + " mode marked as failed; network: what-if: mode marked as failed)", d.reason());
        }
        assertTrue(plan.warnings().get(0).endsWith("list every candidate up to that limit, then the first 10. Plan a"
                + " single VM to see every candidate."), plan.warnings().get(0));
    }
}
