package io.ferry.plugin.hyperv.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.inventory.HostKind;
import io.ferry.api.inventory.HostSpec;
import io.ferry.api.inventory.InventorySnapshot;
import io.ferry.api.inventory.MachineKind;
import io.ferry.api.inventory.ManagedServer;
import io.ferry.api.inventory.OsInfo;
import io.ferry.api.inventory.RoleType;
import io.ferry.api.inventory.ServerFacts;
import io.ferry.api.selection.CheckResult;
import io.ferry.api.selection.Severity;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class OffhostProxyReadinessCheckTest {

    private static final String SEED = "004_896724e719374b4d.txt";
    private final HypervLab lab = new HypervLab();
    private final OffhostProxyReadinessCheck check = new OffhostProxyReadinessCheck();

    private List<CheckResult> results(ManagedServer server) {
        return check.check(server, lab.snapshot());
    }

    private static List<CheckResult> named(List<CheckResult> results, String name) {
        return results.stream().filter(r -> r.check().equals(name)).toList();
    }

    private static CheckResult one(List<CheckResult> results, String name) {
        List<CheckResult> found = named(results, name);
        assertEquals(1, found.size(), name + " in " + results);
        return found.get(0);
    }

    /** Not met, with what to do. */
    private static void failsWithFix(CheckResult r) {
        assertFalse(r.ok(), r.detail());
        assertFalse(r.fix().isBlank(), "a failed requirement says what to do");
        assertEquals(SEED, r.seed());
    }

    /** Not met, with what to do, and an error: the proxy is not ready. */
    private static void errorWithFix(CheckResult r) {
        failsWithFix(r);
        assertEquals(Severity.ERROR, r.severity(), r.check());
    }

    @Test
    @DisplayName("seed 004_896724e719374b4d.txt: each general off-host proxy requirement is its own result")
    void readyProxy() {
        assertEquals(RoleType.HYPERV_OFFHOST_PROXY, check.role());
        for (String host : List.of("hv-solo", "hv-old")) {
            lab.host(new HostSpec(host, HostKind.HYPERV_HOST, host + ".lab.example", Optional.empty(),
                    Optional.of("2022"), Optional.empty(), Optional.empty(), List.of()));
        }
        List<CheckResult> results = results(lab.proxy(HypervLab.goodProxy("px-01")));
        assertTrue(results.stream().allMatch(CheckResult::ok), results.toString());
        assertTrue(results.stream().allMatch(r -> r.seed().equals(SEED)));
        assertEquals(List.of("offhost-proxy-windows", "physical-or-evaluation-with-nested-hyperv",
                "hyperv-server-in-inventory", "hyperv-version-equals-host", "hyperv-version-equals-host",
                "hyperv-version-equals-host", "hyperv-version-equals-host", "vss-hardware-provider-transportable",
                "dedup-enabled-for-dedup-volumes", "san-access-fact", "smb-localsystem-read-fact"),
                results.stream().map(CheckResult::check).toList());
    }

    @Test
    @DisplayName("seed 004_896724e719374b4d.txt: off-host proxies are Windows machines")
    void windowsOnly() {
        CheckResult r = one(results(lab.proxy(HypervLab.goodProxy("px-lnx").os(OsInfo.linux("ubuntu", "24.04")))),
                "offhost-proxy-windows");
        errorWithFix(r);
    }

    @Test
    @DisplayName("seed 004_896724e719374b4d.txt: physical, or an evaluation VM with nested Hyper-V, with the fix for each case")
    void physicalOrEvaluation() {
        CheckResult vm = one(results(lab.proxy(HypervLab.goodProxy("px-vm").machineKind(MachineKind.VIRTUAL))),
                "physical-or-evaluation-with-nested-hyperv");
        errorWithFix(vm);
        assertTrue(vm.fix().contains("--evaluation"), vm.fix());
        CheckResult eval = one(results(lab.evaluationProxy(HypervLab.goodProxy("px-ev").machineKind(MachineKind.VIRTUAL))),
                "physical-or-evaluation-with-nested-hyperv");
        errorWithFix(eval);
        assertTrue(eval.fix().contains("--fact hyperv.nested=true px-ev"), eval.fix());
    }

    @Test
    @DisplayName("seed 004_896724e719374b4d.txt: a Hyper-V server must be in the inventory first")
    void hypervServerFirst() {
        ManagedServer px = lab.proxy(HypervLab.goodProxy("px-01"));
        CheckResult r = one(check.check(px, new InventorySnapshot(List.of(px), List.of(), List.of())),
                "hyperv-server-in-inventory");
        errorWithFix(r);
        assertEquals("no Microsoft Hyper-V server is in the inventory", r.detail());
    }

    @Test
    @DisplayName("seed 004_896724e719374b4d.txt: the Hyper-V version equals each host's, one result per host")
    void versionPerHost() {
        List<CheckResult> versions = named(results(lab.proxy(HypervLab.goodProxy("px-01"))), "hyperv-version-equals-host");
        assertEquals(4, versions.size());
        List<CheckResult> failed = versions.stream().filter(r -> !r.ok()).toList();
        assertEquals(List.of("px-01 runs Hyper-V 2022, host hv-old runs 2012r2: the versions must coincide",
                "px-01 runs Hyper-V 2022, host hv-solo runs 2019: the versions must coincide"),
                failed.stream().map(CheckResult::detail).toList());
        failed.forEach(OffhostProxyReadinessCheckTest::failsWithFix);
        assertTrue(failed.stream().allMatch(r -> r.severity() == Severity.WARNING && !r.failed()),
                "px-01 is fine for the 2022 hosts; that no proxy serves hv-old and hv-solo is a warning: " + failed);
        CheckResult undeclared = one(results(lab.proxy(HypervLab.windows("px-x").machineKind(MachineKind.PHYSICAL))),
                "hyperv-version-equals-host");
        failsWithFix(undeclared);
        assertEquals(Severity.ERROR, undeclared.severity(), "a proxy without a version serves no host");
    }

    @Test
    @DisplayName("seed 004_896724e719374b4d.txt: a host of another version served by another off-host proxy is information")
    void otherVersionServedByAnotherProxyIsInformation() {
        lab.proxy(HypervLab.goodProxy("px-2019").fact(ServerFacts.HYPERV_VERSION, "2019"));
        List<CheckResult> versions = named(results(lab.proxy(HypervLab.goodProxy("px-01"))), "hyperv-version-equals-host");
        CheckResult solo = versions.stream().filter(r -> r.detail().contains("hv-solo")).findFirst().orElseThrow();
        assertEquals(Severity.INFO, solo.severity());
        assertEquals("nothing to do: px-2019 serves host hv-solo (Hyper-V 2019)", solo.fix());
        CheckResult old = versions.stream().filter(r -> r.detail().contains("hv-old")).findFirst().orElseThrow();
        assertEquals(Severity.WARNING, old.severity());
    }

    @Test
    @DisplayName("seed 004_896724e719374b4d.txt: VSS transportable provider and dedup are required when CSV / dedup CSV volumes exist")
    void vssAndDedup() {
        List<CheckResult> results = results(lab.proxy(HypervLab.goodProxy("px-01")
                .fact(ServerFacts.VSS_TRANSPORTABLE, "false").fact(ServerFacts.DEDUP_ENABLED, "false")));
        CheckResult vss = one(results, "vss-hardware-provider-transportable");
        failsWithFix(vss);
        assertEquals("px-01 has no VSS hardware provider with transportable shadow copies, needed for CSV volumes"
                + " Volume1, Volume2", vss.detail());
        CheckResult dedup = one(results, "dedup-enabled-for-dedup-volumes");
        failsWithFix(dedup);
        assertTrue(vss.failed() && dedup.failed(), "the seed's \"must\" and \"off-host backup will fail\" are errors");
        assertEquals("CSV volumes Volume2 are deduplicated, but px-01 does not have Data Deduplication enabled",
                dedup.detail());
    }

    @Test
    @DisplayName("seed 004_896724e719374b4d.txt: declared san.access, smb.localsystem-read and cluster facts must name inventory objects")
    void factSanity() {
        List<CheckResult> results = results(lab.proxy(HypervLab.goodProxy("px-01")
                .fact(ServerFacts.SAN_ACCESS, "Volume1, Volume9").fact(ServerFacts.CLUSTER, "nowhere")));
        errorWithFix(one(results, "san-access-fact"));
        assertTrue(one(results, "san-access-fact").detail().contains("Volume9"));
        errorWithFix(one(results, "cluster-fact"));
    }
}
