package io.ferry.selection.internal;

import static io.ferry.selection.internal.Plans.candidate;
import static io.ferry.selection.internal.Plans.failedRules;
import static io.ferry.selection.internal.Plans.guestJob;
import static io.ferry.selection.internal.Plans.plan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.inventory.GuestCredentials;
import io.ferry.api.inventory.OsInfo;
import io.ferry.api.inventory.Platform;
import io.ferry.api.inventory.RoleType;
import io.ferry.api.job.ServerChoice;
import io.ferry.api.selection.Candidate;
import io.ferry.api.selection.DecisionStatus;
import io.ferry.api.selection.GuestInteractionDecision;
import io.ferry.api.selection.Load;
import io.ferry.api.selection.Plan;
import io.ferry.api.selection.RuleVerdict;
import io.ferry.selection.internal.TestPlugins.GuestRule;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The guest interaction proxy (seed: 001_7a67f23d89d19bc8.txt, 000_6fa5d5cd4044af24.txt). */
class GuestInteractionSelectionTest {
    private static final String VM_NET = "10.0.1.0/24";
    private static final String OTHER_NET = "10.0.2.0/24";
    private static final PluginSet VMWARE = TestPlugins.vmware().build();

    private static Lab lab() {
        return new Lab().esxi("esx-01", Lab.datastore("ds1"));
    }

    private static GuestInteractionDecision gi(Lab lab, PluginSet plugins, Load load, ServerChoice preferred) {
        Plan plan = Plans.plan(plugins, guestJob(lab.vmNames(), preferred), lab.snapshot(), load);
        return plan.vms().get(0).guestInteraction();
    }

    private static GuestInteractionDecision gi(Lab lab) {
        return gi(lab, VMWARE, Load.NONE, ServerChoice.AUTOMATIC);
    }

    @Test
    @DisplayName("seeds 000, 001: a Linux proxy is never chosen for a Windows guest, even in the guest's network")
    void linuxProxyIsNeverChosenForWindowsGuest() {
        Lab lab = lab().backupServer("bs", "10.0.0.0/24").linux("lx-01", VM_NET).windows("win-01", OTHER_NET)
                .vm("app", "esx-01", Lab.WINDOWS, VM_NET, 1, "ds1");
        GuestInteractionDecision d = gi(lab);
        assertEquals(DecisionStatus.ASSIGNED, d.status());
        assertEquals(Optional.of("win-01"), d.proxy());
        Candidate linux = candidate(d.candidates(), "lx-01");
        assertFalse(linux.eligible());
        assertEquals(List.of(CoreRules.LINUX_CANNOT_SERVE_WINDOWS_GUEST), failedRules(linux));
        RuleVerdict v = linux.failures().get(0);
        assertTrue(v.reason().contains("Linux server 'lx-01' cannot access Windows guests"), v.reason());
        assertTrue(v.seed().contains("000_6fa5d5cd4044af24.txt") && v.seed().contains("001_7a67f23d89d19bc8.txt"));
    }

    @Test
    @DisplayName("seed 001: same-network backup server (tier 2) beats an other-network proxy (tier 3)")
    void sameNetworkBackupServerBeatsOtherNetworkProxy() {
        Lab lab = lab().backupServer("bs", VM_NET).linux("px-01", OTHER_NET)
                .vm("app", "esx-01", Lab.LINUX, VM_NET, 1, "ds1");
        GuestInteractionDecision d = gi(lab);
        assertEquals(Optional.of("bs"), d.proxy());
        assertTrue(d.reason().startsWith("tier 2 (same network as the VM, the backup server)"), d.reason());
        assertEquals(2, candidate(d.candidates(), "bs").tier());
        assertEquals(3, candidate(d.candidates(), "px-01").tier());
    }

    @Test
    @DisplayName("seed 001: a same-network server that is not the backup server (tier 1) beats the backup server (tier 2)")
    void sameNetworkProxyBeatsSameNetworkBackupServer() {
        Lab lab = lab().backupServer("bs", VM_NET).linux("px-01", VM_NET)
                .vm("app", "esx-01", Lab.LINUX, VM_NET, 1, "ds1");
        GuestInteractionDecision d = gi(lab);
        assertEquals(Optional.of("px-01"), d.proxy());
        assertEquals(1, d.candidates().get(0).tier());
    }

    @Test
    @DisplayName("seed 001: in other networks, a non-backup server (tier 3) beats the backup server (tier 4)")
    void otherNetworkProxyBeatsOtherNetworkBackupServer() {
        Lab lab = lab().backupServer("bs", "10.0.0.0/24").linux("px-01", OTHER_NET)
                .vm("app", "esx-01", Lab.LINUX, "10.9.0.0/16", 1, "ds1");
        GuestInteractionDecision d = gi(lab);
        assertEquals(Optional.of("px-01"), d.proxy());
        assertEquals(4, candidate(d.candidates(), "bs").tier());
    }

    @Test
    @DisplayName("seed 001: overlapping networks count as the same network")
    void overlappingNetworksAreTheSameNetwork() {
        Lab lab = lab().backupServer("bs", "10.0.0.0/24").linux("px-01", "10.0.0.0/16")
                .vm("app", "esx-01", Lab.LINUX, "10.0.7.0/24", 1, "ds1");
        assertEquals(1, candidate(gi(lab).candidates(), "px-01").tier());
    }

    @Test
    @DisplayName("seed 001: of equal tiers, the less loaded server wins")
    void leastLoadedWinsATie() {
        Lab lab = lab().backupServer("bs", "10.0.0.0/24").linux("px-a", VM_NET).linux("px-b", VM_NET)
                .vm("app", "esx-01", Lab.LINUX, VM_NET, 1, "ds1");
        GuestInteractionDecision d = gi(lab, VMWARE, new Load(Map.of("PX-A", 2)), ServerChoice.AUTOMATIC);
        assertEquals(Optional.of("px-b"), d.proxy());
        assertEquals(2, candidate(d.candidates(), "px-a").runningTasks());
        assertTrue(d.reason().contains("then fewest running tasks (0), then name"), d.reason());
    }

    @Test
    @DisplayName("seed 001: the load this plan adds counts, so equal servers take turns; the name breaks the last tie")
    void planSpreadsEqualServersByLoadThenName() {
        Lab lab = lab().backupServer("bs", "10.0.0.0/24").linux("px-b", VM_NET).linux("PX-A", VM_NET);
        for (int i = 0; i < 4; i++) {
            lab.vm("app-" + i, "esx-01", Lab.LINUX, VM_NET, 0, null);
        }
        Plan plan = plan(VMWARE, guestJob(lab.vmNames()), lab.snapshot());
        assertEquals(List.of("PX-A", "px-b", "PX-A", "px-b"), plan.vms().stream()
                .map(v -> v.guestInteraction().proxy().orElseThrow()).toList());
    }

    @Test
    @DisplayName("seed 001: a gMSA account with only Linux servers is an explicit CANNOT_PROCESS with the reason")
    void gmsaWithOnlyLinuxServersCannotProcess() {
        Lab lab = lab().backupServer("bs", VM_NET).linux("lx-01", VM_NET)
                .vm("app", "esx-01", Lab.LINUX, VM_NET, 1, "ds1",
                        Optional.of(new GuestCredentials("CORP\\svc-backup$", true)));
        GuestInteractionDecision d = gi(lab);
        assertEquals(DecisionStatus.CANNOT_PROCESS, d.status());
        assertEquals(Optional.empty(), d.proxy());
        assertEquals(Optional.empty(), d.failoverProxy());
        assertTrue(d.reason().startsWith("No guest interaction proxy can serve VM 'app': 2 candidates: bs: "
                + "gmsa-needs-windows-proxy ("), d.reason());
        assertTrue(d.reason().contains("lx-01: gmsa-needs-windows-proxy (the guest account is a group Managed Service"
                + " Account (gMSA), which Linux server 'lx-01' cannot use"), d.reason());
        assertEquals(2, d.candidates().size());
        assertTrue(d.candidates().stream().noneMatch(Candidate::eligible));
    }

    @Test
    @DisplayName("seed 001: a gMSA account forces a Windows proxy, even one in another network")
    void gmsaForcesWindowsProxy() {
        Lab lab = lab().backupServer("bs", VM_NET).linux("lx-01", VM_NET).windows("win-01", OTHER_NET)
                .vm("app", "esx-01", Lab.LINUX, VM_NET, 1, "ds1",
                        Optional.of(new GuestCredentials("svc$@corp.example", true)));
        GuestInteractionDecision d = gi(lab);
        assertEquals(Optional.of("win-01"), d.proxy());
        assertEquals(List.of(CoreRules.GMSA_NEEDS_WINDOWS_PROXY), failedRules(candidate(d.candidates(), "lx-01")));
    }

    @Test
    @DisplayName("seed 000: 'prefer the following servers' limits the candidates")
    void preferredListLimitsCandidates() {
        Lab lab = lab().backupServer("bs", "10.0.0.0/24").linux("px-a", VM_NET).linux("px-b", OTHER_NET)
                .vm("app", "esx-01", Lab.LINUX, VM_NET, 1, "ds1");
        GuestInteractionDecision d = gi(lab, VMWARE, Load.NONE, ServerChoice.preferred(List.of("PX-B")));
        assertEquals(Optional.of("px-b"), d.proxy());
        Candidate a = candidate(d.candidates(), "px-a");
        assertEquals(List.of(CoreRules.PREFERRED_GUEST_PROXIES), failedRules(a));
        assertEquals("not in the job's preferred guest interaction proxies (PX-B)", a.failures().get(0).reason());
        assertEquals(Seeds.CHOOSE_GUEST_PROXY, a.failures().get(0).seed());
    }

    @Test
    @DisplayName("seed 001: the failover proxy is the backup server")
    void failoverIsTheBackupServer() {
        Lab lab = lab().backupServer("bs", "10.0.0.0/24").linux("px-01", VM_NET)
                .vm("app", "esx-01", Lab.LINUX, VM_NET, 1, "ds1");
        GuestInteractionDecision d = gi(lab, VMWARE, Load.NONE, ServerChoice.preferred(List.of("px-01")));
        assertEquals(Optional.of("px-01"), d.proxy());
        assertEquals(Optional.of("bs"), d.failoverProxy(), "the preferred list does not keep the backup server from taking over");
    }

    @Test
    @DisplayName("seed 001: no failover when the backup server itself cannot serve the guest (Linux backup server, Windows guest)")
    void noFailoverWhenTheBackupServerCannotServeTheGuest() {
        Lab lab = lab().backupServer("bs", VM_NET).windows("win-01", VM_NET)
                .vm("app", "esx-01", Lab.WINDOWS, VM_NET, 1, "ds1");
        GuestInteractionDecision d = gi(lab);
        assertEquals(Optional.of("win-01"), d.proxy());
        assertEquals(Optional.empty(), d.failoverProxy());
        assertTrue(d.reason().contains("no failover: backup server 'bs' cannot serve this guest"), d.reason());
    }

    @Test
    @DisplayName("seed 001: without guest processing no guest interaction proxy is needed")
    void notRequiredWithoutGuestProcessing() {
        Lab lab = lab().backupServer("bs", VM_NET).vm("app", "esx-01", Lab.LINUX, VM_NET, 1, "ds1");
        Plan plan = plan(VMWARE, Plans.job(lab.vmNames()), lab.snapshot());
        GuestInteractionDecision d = plan.vms().get(0).guestInteraction();
        assertEquals(DecisionStatus.NOT_REQUIRED, d.status());
        assertEquals(List.of(), d.candidates());
        assertEquals(Optional.empty(), d.failoverProxy());
    }

    @Test
    @DisplayName("seed 001: a RHEL / Rocky 9 server without libmsi1, samba-client, samba-common-tools is not chosen")
    void rhel9ServerWithoutPackagesIsNotChosen() {
        Lab lab = lab().backupServer("bs", "10.0.0.0/24")
                .server("rocky-01", b -> b.os(OsInfo.linux("rocky", "9.3")).networks(Lab.cidrs(VM_NET))
                        .installedPackages(List.of("libmsi1")))
                .server("rocky-02", b -> b.os(OsInfo.linux("rocky", "9.3")).networks(Lab.cidrs(VM_NET))
                        .installedPackages(CoreRules.RHEL9_PACKAGES))
                .vm("app", "esx-01", Lab.LINUX, VM_NET, 1, "ds1");
        GuestInteractionDecision d = gi(lab);
        assertEquals(Optional.of("rocky-02"), d.proxy());
        Candidate bad = candidate(d.candidates(), "rocky-01");
        assertEquals(List.of(CoreRules.RHEL9_GUEST_INTERACTION_PACKAGES), failedRules(bad));
        assertTrue(bad.failures().get(0).reason().endsWith("without samba-client, samba-common-tools"));
    }

    @Test
    @DisplayName("a disabled server is never chosen")
    void disabledServerIsNeverChosen() {
        Lab lab = lab().backupServer("bs", "10.0.0.0/24")
                .server("px-01", b -> b.networks(Lab.cidrs(VM_NET)).enabled(false))
                .vm("app", "esx-01", Lab.LINUX, VM_NET, 1, "ds1");
        GuestInteractionDecision d = gi(lab);
        assertEquals(Optional.of("bs"), d.proxy());
        assertEquals(List.of(CoreRules.SERVER_ENABLED), failedRules(candidate(d.candidates(), "px-01")));
    }

    @Test
    @DisplayName("seed 001: the plugins' guest interaction rules apply to their platform only (VMware: LAN or VIX)")
    void pluginGuestRulesApplyToTheirPlatform() {
        PluginSet plugins = TestPlugins.vmware()
                .guestRule(new GuestRule("vmware-lan-or-vix", Optional.of(Platform.VMWARE), (s, vm) ->
                        s.name().equals("px-a") ? RuleVerdict.fail("vmware-lan-or-vix", "no LAN or VIX connection", "")
                                : RuleVerdict.pass("vmware-lan-or-vix", "LAN", "")))
                .guestRule(new GuestRule("hyperv-lan", Optional.of(Platform.HYPERV), (s, vm) ->
                        RuleVerdict.fail("hyperv-lan", "never", "")))
                .build();
        Lab lab = lab().backupServer("bs", "10.0.0.0/24").linux("px-a", VM_NET).linux("px-b", VM_NET)
                .vm("app", "esx-01", Lab.LINUX, VM_NET, 1, "ds1");
        GuestInteractionDecision d = gi(lab, plugins, Load.NONE, ServerChoice.AUTOMATIC);
        assertEquals(Optional.of("px-b"), d.proxy());
        assertEquals(List.of("vmware-lan-or-vix"), failedRules(candidate(d.candidates(), "px-a")));
        assertTrue(d.candidates().get(0).verdicts().stream().noneMatch(v -> v.rule().equals("hyperv-lan")));
    }

    @Test
    @DisplayName("every server is a candidate with every verdict, eligible ones best first")
    void everyServerIsAnExplainedCandidate() {
        Lab lab = lab().backupServer("bs", VM_NET).linux("px-01", OTHER_NET).windows("win-01", VM_NET)
                .vm("app", "esx-01", Lab.LINUX, VM_NET, 1, "ds1");
        GuestInteractionDecision d = gi(lab);
        assertEquals(List.of("win-01", "bs", "px-01"), d.candidates().stream().map(Candidate::server).toList());
        assertEquals(List.of(CoreRules.SERVER_ENABLED, CoreRules.PREFERRED_GUEST_PROXIES,
                CoreRules.LINUX_CANNOT_SERVE_WINDOWS_GUEST, CoreRules.GMSA_NEEDS_WINDOWS_PROXY,
                CoreRules.RHEL9_GUEST_INTERACTION_PACKAGES),
                d.candidates().get(0).verdicts().stream().map(RuleVerdict::rule).toList());
        assertTrue(d.candidates().stream().allMatch(Candidate::eligible));
    }

    @Test
    @DisplayName("a plugin rule that throws fails only that candidate, naming the defect")
    void throwingGuestRuleFailsOnlyThatCandidate() {
        PluginSet plugins = TestPlugins.vmware()
                .guestRule(new GuestRule("flaky", Optional.empty(), (s, vm) -> {
                    if (s.name().equals("px-a")) {
                        throw new IllegalStateException("boom");
                    }
                    return RuleVerdict.pass("flaky", "fine", "");
                })).build();
        Lab lab = lab().backupServer("bs", "10.0.0.0/24").linux("px-a", VM_NET).linux("px-b", VM_NET)
                .vm("app", "esx-01", Lab.LINUX, VM_NET, 1, "ds1");
        GuestInteractionDecision d = gi(lab, plugins, Load.NONE, ServerChoice.AUTOMATIC);
        assertEquals(Optional.of("px-b"), d.proxy());
        RuleVerdict v = candidate(d.candidates(), "px-a").failures().get(0);
        assertEquals("flaky", v.rule());
        assertTrue(v.reason().contains("IllegalStateException: boom") && v.reason().contains("defect"), v.reason());
    }

    @Test
    @DisplayName("names in the plan are the inventory's, whatever the job's spelling")
    void namesComeFromTheInventory() {
        Lab lab = lab().backupServer("bs", VM_NET).linux("Px-01", VM_NET, RoleType.VMWARE_PROXY)
                .vm("App-01", "esx-01", Lab.LINUX, VM_NET, 1, "ds1");
        Plan plan = plan(VMWARE, guestJob(List.of("app-01")), lab.snapshot());
        assertEquals("App-01", plan.vms().get(0).vm());
        assertEquals(Optional.of("Px-01"), plan.vms().get(0).guestInteraction().proxy());
        assertEquals(Optional.of("Px-01"), plan.vms().get(0).disks().get(0).proxy());
    }
}
