package io.ferry.selection.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.FerryException;
import io.ferry.api.NotFoundException;
import io.ferry.api.inventory.HostStorage;
import io.ferry.api.inventory.Platform;
import io.ferry.api.inventory.PlatformHost;
import io.ferry.api.inventory.RoleType;
import io.ferry.api.job.JobSpec;
import io.ferry.api.selection.CheckResult;
import io.ferry.api.selection.DecisionStatus;
import io.ferry.api.selection.Load;
import io.ferry.api.selection.Plan;
import io.ferry.api.selection.PluginInfo;
import io.ferry.api.selection.RuleVerdict;
import io.ferry.api.spi.StorageSnapshotProvider;
import io.ferry.selection.internal.PluginRegistry.Kind;
import io.ferry.selection.internal.TestPlugins.Check;
import io.ferry.selection.internal.TestPlugins.GuestRule;
import io.ferry.selection.internal.TestPlugins.Rule;
import io.ferry.selection.internal.TestPlugins.Support;
import io.ferry.selection.internal.TestPlugins.Validator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The DS component without a container: planVm, planJob, plugins() and the whiteboard. */
class SelectionServiceTest {
    private static final String NET = "10.0.1.0/24";

    private static Lab lab() {
        return new Lab().esxi("esx-01", Lab.datastore("ds1")).backupServer("bs", NET)
                .linux("px-01", NET, RoleType.VMWARE_PROXY).vm("App-01", "esx-01", Lab.LINUX, NET, 2, "ds1");
    }

    @Test
    @DisplayName("planVm plans the VM as an automatic job with application-aware guest processing")
    void planVmIsAnAutomaticJob() {
        WhiteboardSelectionService s = WhatIfTest.service(lab(), TestPlugins.vmware().build());
        Plan plan = s.planVm("app-01", Load.NONE);
        assertEquals("App-01", plan.subject());
        assertEquals("App-01", plan.vms().get(0).vm());
        assertEquals(Platform.VMWARE, plan.vms().get(0).platform());
        assertEquals(DecisionStatus.ASSIGNED, plan.vms().get(0).guestInteraction().status());
        assertEquals(Optional.of("px-01"), plan.vms().get(0).guestInteraction().proxy());
        assertEquals(List.of("px-01", "px-01"), plan.disks().stream().map(d -> d.proxy().orElseThrow()).toList());
        assertEquals(s.planVm("vm-App-01", Load.NONE), plan, "by id too");
        JobSpec job = WhiteboardSelectionService.automaticJob(lab().snapshot().vm("App-01").orElseThrow(),
                lab().snapshot());
        assertEquals("bs", job.repository());
        assertTrue(job.guestProcessing().applicationAware());
    }

    @Test
    @DisplayName("planVm of an unknown VM is a not-found error")
    void planVmUnknown() {
        WhiteboardSelectionService s = WhatIfTest.service(lab(), TestPlugins.vmware().build());
        NotFoundException e = assertThrows(NotFoundException.class, () -> s.planVm("ghost", Load.NONE));
        assertEquals("No VM named 'ghost' (see ferry:vm-list)", e.getMessage());
    }

    @Test
    @DisplayName("without a job service planJob says jobs are unavailable; VMs can still be planned")
    void planJobWithoutJobService() {
        WhiteboardSelectionService s = WhatIfTest.service(lab(), TestPlugins.vmware().build());
        FerryException e = assertThrows(FerryException.class, () -> s.planJob("nightly", Load.NONE));
        assertEquals("Cannot plan job 'nightly': jobs are unavailable because no job service is running; single VMs"
                + " can still be planned", e.getMessage());
        FakeInventory.Jobs jobs = new FakeInventory.Jobs().add(JobSpec.of("nightly", Platform.VMWARE, List.of("app-01"), "bs"));
        s.setJobService(jobs);
        assertEquals("nightly", s.planJob("NIGHTLY", Load.NONE).subject());
        NotFoundException nf = assertThrows(NotFoundException.class, () -> s.planJob("weekly", Load.NONE));
        assertEquals("No job named 'weekly' (see ferry:job-list)", nf.getMessage());
        s.unsetJobService(new FakeInventory.Jobs());
        assertEquals("nightly", s.planJob("nightly", Load.NONE).subject(), "unbinding another service changes nothing");
        s.unsetJobService(jobs);
        assertThrows(FerryException.class, () -> s.planJob("nightly", Load.NONE));
    }

    @Test
    @DisplayName("plugins(): one entry per bundle with its SPI range, platform and contributions, storage-snapshot"
            + " providers among them")
    void pluginsListsEveryBundle() {
        WhiteboardSelectionService s = new WhiteboardSelectionService(new FakeInventory(lab().snapshot()), 1, 1000);
        PluginOrigin vmware = new PluginOrigin("io.ferry.plugin.vmware/0.1.0.SNAPSHOT", "[1.0,2)");
        PluginOrigin vendor = new PluginOrigin("com.acme.rules/2.0.0", "[1.0,2)");
        s.register(10, Kind.PLATFORM, new Support(Platform.VMWARE, RoleType.VMWARE_PROXY), vmware);
        s.register(11, Kind.TRANSPORT, TestPlugins.network(), vmware);
        s.register(12, Kind.TRANSPORT, TestPlugins.direct(), vmware);
        s.register(13, Kind.GUEST_RULE, new GuestRule("vmware-lan-or-vix", Optional.of(Platform.VMWARE),
                (a, b) -> RuleVerdict.pass("x", "y", "")), vmware);
        s.register(14, Kind.CHECK, new Check("vmware-proxy-requirements", RoleType.VMWARE_PROXY, (a, b) -> List.of()),
                vmware);
        s.register(20, Kind.PROXY_RULE, new Rule("acme-no-friday", Optional.empty(),
                (a, b) -> RuleVerdict.pass("x", "y", "")), vendor);
        s.register(21, Kind.VALIDATOR, new Validator("acme-naming", Optional.empty()), vendor);
        s.register(22, Kind.STORAGE_SNAPSHOTS, new StorageSnapshotProvider() {
            @Override
            public String name() {
                return "Acme FlashArray";
            }

            @Override
            public boolean supports(HostStorage storage, PlatformHost host) {
                return true;
            }
        }, vendor);
        assertEquals(List.of(
                new PluginInfo("com.acme.rules/2.0.0", "[1.0,2)", Optional.empty(),
                        List.of("rule:acme-no-friday", "validator:acme-naming", "storage-snapshots:Acme FlashArray")),
                new PluginInfo("io.ferry.plugin.vmware/0.1.0.SNAPSHOT", "[1.0,2)", Optional.of(Platform.VMWARE),
                        List.of("platform:VMWARE", "guest-rule:vmware-lan-or-vix", "transport:direct-storage-access",
                                "transport:network", "check:vmware-proxy-requirements"))), s.plugins());
        s.unregister(20, Kind.PROXY_RULE);
        s.unregister(21, Kind.VALIDATOR);
        s.unregister(22, Kind.STORAGE_SNAPSHOTS);
        assertEquals(1, s.plugins().size());
    }

    @Test
    @DisplayName("a plan works on the plugins registered when it started: a plugin leaving mid-plan cannot break it")
    void pluginLeavingMidPlan() {
        WhiteboardSelectionService s = WhatIfTest.service(lab(), TestPlugins.vmware().build());
        AtomicBoolean left = new AtomicBoolean();
        s.register(99, Kind.PROXY_RULE, new Rule("leaves", Optional.empty(), (server, disk) -> {
            if (left.compareAndSet(false, true)) {
                s.unregister(1, Kind.PLATFORM); // the VMware platform support goes away mid-plan
                s.unregister(99, Kind.PROXY_RULE);
            }
            return RuleVerdict.pass("leaves", "still here", "");
        }), PluginOrigin.UNKNOWN);
        Plan plan = s.planVm("app-01", Load.NONE);
        assertTrue(left.get());
        assertEquals(List.of(DecisionStatus.ASSIGNED, DecisionStatus.ASSIGNED),
                plan.disks().stream().map(d -> d.status()).toList());
        Plan after = s.planVm("app-01", Load.NONE);
        assertEquals(DecisionStatus.PLATFORM_UNSERVED, after.disks().get(0).status(), "the next plan sees it gone");
    }

    @Test
    @DisplayName("check(): core guest interaction requirements (seed 001), plugin checks per role, and 'no requirements registered'")
    void checkReportsEveryRole() {
        WhiteboardSelectionService s = WhatIfTest.service(lab(), TestPlugins.vmware().build());
        s.register(50, Kind.CHECK, new Check("vmware-proxy-requirements", RoleType.VMWARE_PROXY,
                (server, inv) -> List.of(CheckResult.ok("vmware-proxy-requirements", "fine", ""))), PluginOrigin.UNKNOWN);
        var reports = s.check(Optional.of("PX-01"));
        assertEquals(List.of(RoleType.VMWARE_PROXY, RoleType.GUEST_INTERACTION),
                reports.stream().map(r -> r.role()).toList());
        assertEquals(List.of("vmware-proxy-requirements"), reports.get(0).results().stream().map(CheckResult::check).toList());
        assertEquals(List.of(CoreRules.SERVER_ENABLED, CoreRules.RHEL9_GUEST_INTERACTION_PACKAGES),
                reports.get(1).results().stream().map(CheckResult::check).toList());
        var all = s.check(Optional.empty());
        assertEquals(List.of("bs", "bs", "px-01", "px-01"), all.stream().map(r -> r.server()).toList());
        assertEquals(List.of(CheckResult.ok("requirements", "no requirements registered", "")),
                all.get(0).results(), "BACKUP_SERVER has no checks");
        assertThrows(NotFoundException.class, () -> s.check(Optional.of("px-99")));
    }
}
