package io.ferry.selection.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.NotFoundException;
import io.ferry.api.ValidationException;
import io.ferry.api.inventory.Platform;
import io.ferry.api.inventory.RoleType;
import io.ferry.api.inventory.ServerFacts;
import io.ferry.api.job.GuestProcessing;
import io.ferry.api.job.JobSpec;
import io.ferry.api.job.ServerChoice;
import io.ferry.api.job.TransportChoice;
import io.ferry.api.selection.DecisionStatus;
import io.ferry.api.selection.Load;
import io.ferry.api.selection.PlanChange;
import io.ferry.api.selection.Scenario;
import io.ferry.api.selection.TransportStep;
import io.ferry.api.selection.WhatIf;
import io.ferry.api.spi.GuestInteractionRule;
import io.ferry.api.spi.PlatformSupport;
import io.ferry.api.spi.TransportModeProvider;
import io.ferry.selection.internal.PluginRegistry.Kind;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** What-if scenarios: the plan today, the plan under the scenario, and the differences. */
class WhatIfTest {
    private static final String NET = "10.0.1.0/24";
    private static final PluginOrigin ORIGIN = new PluginOrigin("test.vmware/1.0.0", "[1.0,2)");

    static WhiteboardSelectionService service(Lab lab, PluginSet plugins) {
        WhiteboardSelectionService s = new WhiteboardSelectionService(new FakeInventory(lab.snapshot()), 1, 200_000);
        long id = 1;
        for (PlatformSupport p : plugins.platformSupports()) {
            s.register(id++, Kind.PLATFORM, p, ORIGIN);
        }
        for (TransportModeProvider t : plugins.transportModes()) {
            s.register(id++, Kind.TRANSPORT, t, ORIGIN);
        }
        for (GuestInteractionRule r : plugins.guestRules()) {
            s.register(id++, Kind.GUEST_RULE, r, ORIGIN);
        }
        return s;
    }

    private static Lab lab() {
        return new Lab().esxi("esx-01", Lab.datastore("ds1"), Lab.datastore("ds9")).backupServer("bs", NET)
                .server("px-direct", b -> b.networks(Lab.cidrs(NET)).fact(ServerFacts.SAN_ACCESS, "ds1"),
                        RoleType.VMWARE_PROXY)
                .server("px-hotadd", b -> b.networks(Lab.cidrs(NET)).fact(ServerFacts.VMWARE_HOST, "esx-01"),
                        RoleType.VMWARE_PROXY);
    }

    @Test
    @DisplayName("seeds 000, 001: removing the only Windows server turns every Windows guest's guest interaction into CANNOT_PROCESS")
    void removingTheOnlyWindowsServer() {
        Lab lab = lab().windows("win-01", "10.0.2.0/24").linux("lx-01", "10.0.3.0/24")
                .vm("w1", "esx-01", Lab.WINDOWS, NET, 1, "ds1").vm("w2", "esx-01", Lab.WINDOWS, NET, 1, "ds1")
                .vm("l1", "esx-01", Lab.LINUX, "10.0.3.0/24", 1, "ds1");
        WhiteboardSelectionService service = service(lab, TestPlugins.vmware().build());
        JobSpec nightly = new JobSpec("nightly", Platform.VMWARE, lab.vmNames(), "bs", ServerChoice.AUTOMATIC,
                TransportChoice.AUTOMATIC, new GuestProcessing(true, true, false, ServerChoice.AUTOMATIC), false);
        service.setJobService(new FakeInventory.Jobs().add(nightly));

        WhatIf w = service.whatIf("nightly", Scenario.parse("remove win-01"), Load.NONE);

        assertEquals(DecisionStatus.ASSIGNED, w.before().vms().get(0).guestInteraction().status());
        for (String vm : List.of("w1", "w2")) {
            assertEquals(DecisionStatus.CANNOT_PROCESS, Plans.vm(w.after(), vm).guestInteraction().status());
        }
        assertEquals(DecisionStatus.ASSIGNED, Plans.vm(w.after(), "l1").guestInteraction().status());
        List<PlanChange> gi = w.changes().stream().filter(c -> c.item().equals(PlanDiff.GUEST_INTERACTION)).toList();
        assertEquals(List.of("w1", "w2"), gi.stream().map(PlanChange::vm).toList());
        for (PlanChange c : gi) {
            assertEquals("win-01", c.before());
            assertTrue(c.after().startsWith("CANNOT_PROCESS: No guest interaction proxy can serve VM '" + c.vm()
                    + "': 4 candidates: bs: linux-cannot-serve-windows-guest (Linux server 'bs' cannot access"
                    + " Windows guests"), c.after());
        }
        assertEquals(gi, w.changes(), "the disks do not change");
    }

    @Test
    @DisplayName("fail-transport hotadd: the disk moves to the next best proxy and mode")
    void failingATransportModeMovesTheDisk() {
        Lab lab = lab().vm("app", "esx-01", Lab.LINUX, NET, 1, "ds9");
        WhiteboardSelectionService service = service(lab, TestPlugins.vmware().build());
        WhatIf w = service.whatIf("APP", Scenario.parse("fail-transport hotadd"), Load.NONE);
        assertEquals(List.of(new PlanChange("app", "d0", "px-hotadd via virtual-appliance", "px-direct via network")),
                w.changes());
        assertEquals(TransportStep.unavailable("virtual-appliance", "what-if: mode marked as failed"),
                Plans.disk(w.after(), "app", "d0").negotiation().get(1));
    }

    @Test
    @DisplayName("slots SERVER=N: more task slots, fewer waves")
    void moreSlotsFewerWaves() {
        Lab lab = new Lab().esxi("esx-01", Lab.datastore("ds1")).backupServer("bs", NET)
                .server("px-1", b -> b.maxConcurrentTasks(1), RoleType.VMWARE_PROXY)
                .vm("app", "esx-01", Lab.LINUX, NET, 3, "ds1");
        WhatIf w = service(lab, TestPlugins.vmware().build()).whatIf("app", Scenario.parse("slots PX-1=4"), Load.NONE);
        assertEquals(List.of(new PlanChange("app", "d1", "px-1 via network, wave 1", "px-1 via network"),
                new PlanChange("app", "d2", "px-1 via network, wave 2", "px-1 via network")), w.changes());
    }

    @Test
    @DisplayName("removed servers leave the job's lists; a list left empty keeps naming them, and nobody qualifies")
    void removedServersLeaveTheJobLists() {
        Lab lab = lab().vm("app", "esx-01", Lab.LINUX, NET, 1, "ds1");
        WhiteboardSelectionService service = service(lab, TestPlugins.vmware().build());
        JobSpec job = new JobSpec("j", Platform.VMWARE, lab.vmNames(), "bs",
                ServerChoice.preferred(List.of("px-direct", "px-hotadd")), TransportChoice.AUTOMATIC,
                new GuestProcessing(true, false, false, ServerChoice.preferred(List.of("px-direct"))), false);
        service.setJobService(new FakeInventory.Jobs().add(job));
        WhatIf w = service.whatIf("j", Scenario.parse("remove px-direct"), Load.NONE);
        assertEquals(List.of(), w.after().warnings().stream().filter(x -> x.contains("backup proxies")).toList());
        assertEquals("px-hotadd via virtual-appliance", PlanDiff.describe(Plans.disk(w.after(), "app", "d0")));
        assertEquals(DecisionStatus.CANNOT_PROCESS, w.after().vms().get(0).guestInteraction().status());
        assertTrue(w.after().warnings().contains("Job 'j' prefers guest interaction proxies that are not in the"
                + " inventory: px-direct"), w.after().warnings().toString());
    }

    @Test
    @DisplayName("a scenario naming an unknown server is a not-found error; an unknown transport mode a validation error")
    void badScenariosAreRefused() {
        Lab lab = lab().vm("app", "esx-01", Lab.LINUX, NET, 1, "ds1");
        WhiteboardSelectionService service = service(lab, TestPlugins.vmware().build());
        NotFoundException nf = assertThrows(NotFoundException.class,
                () -> service.whatIf("app", Scenario.parse("remove px-99"), Load.NONE));
        assertEquals("No server named 'px-99' (see ferry:server-list)", nf.getMessage());
        ValidationException ve = assertThrows(ValidationException.class,
                () -> service.whatIf("app", Scenario.parse("fail-transport hotad"), Load.NONE));
        assertEquals("what-if: 'fail-transport hotad': no installed plugin offers transport mode 'hotad' (known:"
                + " direct-storage-access, network, virtual-appliance)", ve.getMessage());
        NotFoundException nothing = assertThrows(NotFoundException.class,
                () -> service.whatIf("nope", Scenario.parse("remove px-direct"), Load.NONE));
        assertTrue(nothing.getMessage().startsWith("No VM named 'nope'"), nothing.getMessage());
    }
}
