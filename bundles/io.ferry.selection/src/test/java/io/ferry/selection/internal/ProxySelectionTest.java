package io.ferry.selection.internal;

import static io.ferry.selection.internal.Plans.candidate;
import static io.ferry.selection.internal.Plans.failedRules;
import static io.ferry.selection.internal.Plans.plan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.inventory.HostKind;
import io.ferry.api.inventory.HostSpec;
import io.ferry.api.inventory.Platform;
import io.ferry.api.inventory.RoleType;
import io.ferry.api.inventory.ServerFacts;
import io.ferry.api.inventory.TransportMode;
import io.ferry.api.job.GuestProcessing;
import io.ferry.api.job.JobSpec;
import io.ferry.api.job.ServerChoice;
import io.ferry.api.job.TransportChoice;
import io.ferry.api.selection.Candidate;
import io.ferry.api.selection.DecisionStatus;
import io.ferry.api.selection.DiskDecision;
import io.ferry.api.selection.Load;
import io.ferry.api.selection.Plan;
import io.ferry.api.selection.RuleVerdict;
import io.ferry.api.selection.TransportStep;
import io.ferry.api.spi.PlatformSupport;
import io.ferry.selection.internal.TestPlugins.Mode;
import io.ferry.selection.internal.TestPlugins.Rule;
import io.ferry.selection.internal.TestPlugins.Support;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Backup proxy and transport mode per disk (docs/selection.md; seeds 003, 004). */
class ProxySelectionTest {
    private static final String NET = "10.0.1.0/24";
    private static final PluginSet VMWARE = TestPlugins.vmware().build();

    /** bs (no proxy role), px-direct with SAN access to ds1, px-hotadd on esx-01, px-net with network only. */
    private static Lab vmwareLab() {
        return new Lab().esxi("esx-01", Lab.datastore("ds1")).backupServer("bs", NET)
                .server("px-direct", b -> b.networks(Lab.cidrs(NET)).fact(ServerFacts.SAN_ACCESS, "ds0,ds1"),
                        RoleType.VMWARE_PROXY)
                .server("px-hotadd", b -> b.networks(Lab.cidrs(NET)).fact(ServerFacts.VMWARE_HOST, "esx-01"),
                        RoleType.VMWARE_PROXY)
                .linux("px-net", NET, RoleType.VMWARE_PROXY);
    }

    private static DiskDecision onlyDisk(Plan plan) {
        return plan.vms().get(0).disks().get(0);
    }

    @Test
    @DisplayName("seed 003: the best transport mode wins: direct storage access before virtual appliance before network")
    void bestTransportModeWins() {
        Lab lab = vmwareLab().vm("app", "esx-01", Lab.LINUX, NET, 1, "ds1");
        DiskDecision d = onlyDisk(plan(VMWARE, Plans.job(lab.vmNames()), lab.snapshot()));
        assertEquals(DecisionStatus.ASSIGNED, d.status());
        assertEquals(Optional.of("px-direct"), d.proxy());
        assertEquals(Optional.of("direct-storage-access"), d.transportMode());
        assertEquals(List.of(TransportStep.ok("direct-storage-access", "reads datastore ds1 over SAN")), d.negotiation());
        assertEquals(List.of("px-direct", "px-hotadd", "px-net"), d.candidates().stream().map(Candidate::server).toList());
        assertEquals("px-direct via direct-storage-access (reads datastore ds1 over SAN); chosen by earliest free"
                + " slot, then transport preference, load and name; 0 of 4 task slots in use", d.reason());
        assertEquals(List.of(), d.warnings());
    }

    @Test
    @DisplayName("seed 003: the negotiation chain keeps every step up to the first available one")
    void negotiationChainIsRecorded() {
        Lab lab = vmwareLab().vm("app", "esx-01", Lab.LINUX, NET, 1, "ds9");
        DiskDecision d = onlyDisk(plan(VMWARE, Plans.job(lab.vmNames()), lab.snapshot()));
        assertEquals(Optional.of("px-hotadd"), d.proxy());
        assertEquals(List.of(TransportStep.unavailable("direct-storage-access", "no SAN access to datastore ds9"),
                TransportStep.ok("virtual-appliance", "proxy VM runs on esx-01 and hot-adds the disk")), d.negotiation());
        RuleVerdict transport = candidate(d.candidates(), "px-net").verdicts().stream()
                .filter(v -> v.rule().equals(CoreRules.TRANSPORT_NEGOTIATION)).findFirst().orElseThrow();
        assertTrue(transport.passed());
        assertTrue(transport.reason().startsWith("network: "), transport.reason());
    }

    @Test
    @DisplayName("seed 003: a fallback step (failover to network) adds a warning naming the earlier steps' reasons")
    void fallbackStepAddsVisibleWarning() {
        Lab lab = new Lab().esxi("esx-01", Lab.datastore("ds1")).backupServer("bs", NET)
                .linux("px-net", NET, RoleType.VMWARE_PROXY).vm("app", "esx-01", Lab.LINUX, NET, 1, "ds1");
        JobSpec job = new JobSpec("job", Platform.VMWARE, lab.vmNames(), "bs", ServerChoice.AUTOMATIC,
                TransportChoice.fixed(TransportMode.DIRECT_STORAGE_ACCESS, true), GuestProcessing.DISABLED, false);
        DiskDecision d = onlyDisk(plan(VMWARE, job, lab.snapshot()));
        assertEquals(Optional.of("network"), d.transportMode());
        assertTrue(d.negotiation().get(d.negotiation().size() - 1).fallback());
        assertEquals(1, d.warnings().size());
        String w = d.warnings().get(0);
        assertTrue(w.startsWith("Disk 'd0' of VM 'app' falls back to network on px-net (fixed mode unavailable;"), w);
        assertTrue(w.contains("tried first: direct-storage-access: no SAN access to datastore ds1;"
                + " virtual-appliance: proxy is not a VM on host esx-01"), w);
    }

    @Test
    @DisplayName("what-if: a failed mode is unavailable with reason 'what-if: mode marked as failed'")
    void failedModeIsMarkedUnavailable() {
        Lab lab = vmwareLab().vm("app", "esx-01", Lab.LINUX, NET, 1, "ds1");
        Plan plan = new Planner(VMWARE).plan(Plans.job(lab.vmNames()), lab.snapshot(), Load.NONE, Set.of("direct"));
        DiskDecision d = onlyDisk(plan);
        assertEquals(Optional.of("px-hotadd"), d.proxy());
        assertEquals(Optional.of("virtual-appliance"), d.transportMode());
        DiskDecision direct = onlyDisk(new Planner(VMWARE).plan(Plans.job(lab.vmNames()), lab.snapshot(), Load.NONE,
                Set.of("direct-storage-access", "virtual-appliance")));
        assertEquals(Optional.of("network"), direct.transportMode());
        assertEquals(TransportStep.unavailable("direct-storage-access", "what-if: mode marked as failed"),
                direct.negotiation().get(0));
        assertEquals(TransportStep.unavailable("virtual-appliance", "what-if: mode marked as failed"),
                direct.negotiation().get(1));
    }

    @Test
    @DisplayName("the job's proxy list limits the backup proxies (rule job-proxy-list)")
    void jobProxyListLimitsProxies() {
        Lab lab = vmwareLab().vm("app", "esx-01", Lab.LINUX, NET, 1, "ds1");
        JobSpec job = new JobSpec("job", Platform.VMWARE, lab.vmNames(), "bs", ServerChoice.preferred(List.of("px-net")),
                TransportChoice.AUTOMATIC, GuestProcessing.DISABLED, false);
        DiskDecision d = onlyDisk(plan(VMWARE, job, lab.snapshot()));
        assertEquals(Optional.of("px-net"), d.proxy());
        assertEquals(List.of(CoreRules.JOB_PROXY_LIST), failedRules(candidate(d.candidates(), "px-direct")));
    }

    @Test
    @DisplayName("a plugin proxy rule's failure keeps the proxy out and explains why")
    void pluginProxyRuleFailureIsExplained() {
        PluginSet plugins = TestPlugins.vmware().proxyRule(new Rule("proxy-windows-only", Optional.of(Platform.VMWARE),
                (s, d) -> s.name().equals("px-direct") ? RuleVerdict.fail("proxy-windows-only", "not Windows", "x.txt")
                        : RuleVerdict.pass("proxy-windows-only", "ok", "x.txt"))).build();
        Lab lab = vmwareLab().vm("app", "esx-01", Lab.LINUX, NET, 1, "ds1");
        DiskDecision d = onlyDisk(plan(plugins, Plans.job(lab.vmNames()), lab.snapshot()));
        assertEquals(Optional.of("px-hotadd"), d.proxy());
        Candidate c = candidate(d.candidates(), "px-direct");
        assertFalse(c.eligible());
        assertEquals(List.of("proxy-windows-only"), failedRules(c));
        assertEquals(d.candidates().size() - 1, d.candidates().indexOf(c), "ineligible candidates come last");
    }

    @Test
    @DisplayName("of equally good modes, the proxy with the lowest load relative to its task slots wins")
    void leastLoadedRelativeToSlotsWins() {
        Lab lab = new Lab().esxi("esx-01", Lab.datastore("ds1")).backupServer("bs", NET)
                .server("px-a", b -> b.maxConcurrentTasks(4), RoleType.VMWARE_PROXY)
                .server("px-b", b -> b.maxConcurrentTasks(16), RoleType.VMWARE_PROXY)
                .vm("app", "esx-01", Lab.LINUX, NET, 1, "ds1");
        DiskDecision d = onlyDisk(plan(VMWARE, Plans.job(lab.vmNames()), lab.snapshot(),
                new Load(Map.of("px-a", 1, "px-b", 2))));
        assertEquals(Optional.of("px-b"), d.proxy(), "2 of 16 is less loaded than 1 of 4");
    }

    @Test
    @DisplayName("seed 004: when no off-host proxy qualifies, the platform's fallback (on-host) does the work, with a warning")
    void noProxyFallbackIsUsed() {
        PlatformSupport hyperv = new Support(Platform.HYPERV, "Hyper-V test plugin", RoleType.HYPERV_OFFHOST_PROXY,
                disk -> Optional.of(new PlatformSupport.Fallback("hv-01-server", new TransportStep("hyperv-on-host",
                        true, "the job allows on-host backup on host " + disk.vm().host().name(), true))));
        PluginSet plugins = PluginSet.builder().platform(hyperv)
                .transport(new Mode(Platform.HYPERV, "hyperv-off-host", 10,
                        (p, d) -> TransportStep.unavailable("hyperv-off-host", "no SAN access to CSV vol1")))
                .build();
        Lab lab = new Lab().backupServer("bs", NET).windows("hv-01-server", NET).windows("px-off", NET,
                        RoleType.HYPERV_OFFHOST_PROXY)
                .host(new HostSpec("hv-01", HostKind.HYPERV_HOST, "10.0.1.50", Optional.empty(), Optional.empty(),
                        Optional.empty(), Optional.of("hv-01-server"), List.of()))
                .vm("app", "hv-01", Lab.WINDOWS, NET, 1, null);
        JobSpec job = JobSpec.of("job", Platform.HYPERV, lab.vmNames(), "bs");
        DiskDecision d = onlyDisk(plan(plugins, job, lab.snapshot()));
        assertEquals(DecisionStatus.ASSIGNED, d.status());
        assertEquals(Optional.of("hv-01-server"), d.proxy());
        assertEquals(Optional.of("hyperv-on-host"), d.transportMode());
        assertTrue(d.reason().startsWith("hv-01-server via hyperv-on-host (fallback: the job allows on-host backup on"
                + " host hv-01). No HYPERV_OFFHOST_PROXY server can read this disk: 1 candidate: px-off:"
                + " transport-negotiation (no transport mode is available: hyperv-off-host: no SAN access to CSV vol1)"),
                d.reason());
        assertEquals(List.of("px-off"), d.candidates().stream().map(Candidate::server).toList());
        assertEquals(1, d.warnings().size());
        assertTrue(d.warnings().get(0).contains("falls back to hyperv-on-host on hv-01-server"), d.warnings().get(0));
    }

    @Test
    @DisplayName("seed 004: an unavailable on-host fallback (host not a managed server) is CANNOT_PROCESS quoting what to declare")
    void unavailableFallbackReasonReachesThePlan() {
        String declare = "Hyper-V host hv-01 is not a managed server: declare it as one, under the host's name:"
                + " ferry:server-add --address 10.0.1.50 --os windows:server --kind physical hv-01";
        PlatformSupport hyperv = new Support(Platform.HYPERV, "Hyper-V test plugin", RoleType.HYPERV_OFFHOST_PROXY,
                disk -> Optional.of(new PlatformSupport.Fallback(disk.vm().host().name(), new TransportStep(
                        "hyperv-on-host", false, "no off-host backup proxy can read disk 0; " + declare, true))));
        PluginSet plugins = PluginSet.builder().platform(hyperv).build();
        Lab lab = new Lab().backupServer("bs", NET)
                .host(new HostSpec("hv-01", HostKind.HYPERV_HOST, "10.0.1.50", Optional.empty(), Optional.empty(),
                        Optional.empty(), Optional.empty(), List.of()))
                .vm("app", "hv-01", Lab.WINDOWS, NET, 1, null);
        DiskDecision d = onlyDisk(plan(plugins, JobSpec.of("job", Platform.HYPERV, lab.vmNames(), "bs"), lab.snapshot()));
        assertEquals(DecisionStatus.CANNOT_PROCESS, d.status());
        assertTrue(d.reason().endsWith("; fallback hyperv-on-host is unavailable (no off-host backup proxy can read"
                + " disk 0; " + declare + ")"), d.reason());
    }

    @Test
    @DisplayName("no proxy and no fallback: CANNOT_PROCESS with a reason summarising every candidate's failures")
    void noProxyCannotProcessWithSummary() {
        Lab lab = new Lab().esxi("esx-01", Lab.datastore("ds1")).backupServer("bs", NET)
                .server("px-off", b -> b.enabled(false), RoleType.VMWARE_PROXY)
                .vm("app", "esx-01", Lab.LINUX, NET, 1, "ds1");
        DiskDecision d = onlyDisk(new Planner(VMWARE).plan(Plans.job(lab.vmNames()), lab.snapshot(), Load.NONE,
                Set.of("network")));
        assertEquals(DecisionStatus.CANNOT_PROCESS, d.status());
        assertEquals(Optional.empty(), d.proxy());
        assertTrue(d.reason().startsWith("No VMWARE_PROXY server can read this disk: 1 candidate: px-off:"
                + " server-enabled (Server 'px-off' is disabled"), d.reason());
        assertTrue(d.reason().contains("transport-negotiation (no transport mode is available: direct-storage-access:"
                + " no SAN access to datastore ds1; virtual-appliance: proxy is not a VM on host esx-01; network:"
                + " what-if: mode marked as failed)"), d.reason());
        assertEquals(1, d.candidates().size());
    }

    @Test
    @DisplayName("nobody holds the proxy role: CANNOT_PROCESS naming the role and how to assign it")
    void noRoleHolderCannotProcess() {
        Lab lab = new Lab().esxi("esx-01", Lab.datastore("ds1")).backupServer("bs", NET)
                .vm("app", "esx-01", Lab.LINUX, NET, 1, "ds1");
        DiskDecision d = onlyDisk(plan(VMWARE, Plans.job(lab.vmNames()), lab.snapshot()));
        assertEquals(DecisionStatus.CANNOT_PROCESS, d.status());
        assertEquals("No VMWARE_PROXY server can read this disk: no server holds the VMWARE_PROXY role; assign it"
                + " (ferry:role-assign SERVER vmware-proxy)", d.reason());
    }

    @Test
    @DisplayName("a VM whose platform no plugin serves is PLATFORM_UNSERVED, and the plan names the platform")
    void platformUnserved() {
        Lab lab = new Lab().backupServer("bs", NET).host("pve-01", HostKind.PROXMOX_NODE)
                .vm("web", "pve-01", Lab.LINUX, NET, 2, null);
        JobSpec job = new JobSpec("job", Platform.PROXMOX, lab.vmNames(), "bs", ServerChoice.AUTOMATIC,
                TransportChoice.AUTOMATIC, new GuestProcessing(true, false, false, ServerChoice.AUTOMATIC), false);
        Plan plan = plan(VMWARE, job, lab.snapshot());
        assertEquals(Set.of(Platform.PROXMOX), plan.unservedPlatforms());
        assertTrue(plan.warnings().stream().anyMatch(w -> w.startsWith("No installed plugin serves PROXMOX: 1 VM(s)"
                + " cannot be backed up (web); install a plugin for PROXMOX (e.g. bundle io.ferry.plugin.proxmox)")),
                plan.warnings().toString());
        assertEquals(DecisionStatus.PLATFORM_UNSERVED, plan.vms().get(0).guestInteraction().status());
        for (DiskDecision d : plan.disks()) {
            assertEquals(DecisionStatus.PLATFORM_UNSERVED, d.status());
            assertEquals("No installed plugin serves PROXMOX; install one (e.g. bundle io.ferry.plugin.proxmox) to"
                    + " back up this VM", d.reason());
        }
    }

    @Test
    @DisplayName("VMs of a job that are not in the inventory are left out with a warning")
    void missingVmIsAWarning() {
        Lab lab = vmwareLab().vm("app", "esx-01", Lab.LINUX, NET, 1, "ds1");
        Plan plan = plan(VMWARE, Plans.job(List.of("app", "ghost")), lab.snapshot());
        assertEquals(List.of("app"), plan.vms().stream().map(v -> v.vm()).toList());
        assertEquals(List.of("Job 'job' names VM(s) not in the inventory, left out of the plan: ghost"), plan.warnings());
    }

    @Test
    @DisplayName("a transport mode that throws is an unavailable step naming the defect")
    void throwingTransportModeIsUnavailable() {
        PluginSet plugins = PluginSet.builder().platform(new Support(Platform.VMWARE, RoleType.VMWARE_PROXY))
                .transport(new Mode(Platform.VMWARE, "broken", 5, (p, d) -> {
                    throw new IllegalArgumentException("bad");
                })).transport(TestPlugins.network()).build();
        Lab lab = vmwareLab().vm("app", "esx-01", Lab.LINUX, NET, 1, "ds1");
        DiskDecision d = onlyDisk(plan(plugins, Plans.job(lab.vmNames()), lab.snapshot()));
        assertEquals(Optional.of("network"), d.transportMode());
        assertFalse(d.negotiation().get(0).available());
        assertTrue(d.negotiation().get(0).reason().contains("IllegalArgumentException: bad"));
    }
}
