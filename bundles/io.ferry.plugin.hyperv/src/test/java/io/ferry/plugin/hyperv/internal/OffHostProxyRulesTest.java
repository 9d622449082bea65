package io.ferry.plugin.hyperv.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.inventory.HostKind;
import io.ferry.api.inventory.HostSpec;
import io.ferry.api.inventory.MachineKind;
import io.ferry.api.inventory.ManagedServer;
import io.ferry.api.inventory.Platform;
import io.ferry.api.inventory.ServerFacts;
import io.ferry.api.selection.RuleVerdict;
import io.ferry.api.spi.DiskContext;
import io.ferry.api.spi.ProxyRule;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class OffHostProxyRulesTest {

    private static final String SEED = "004_896724e719374b4d.txt";
    private final HypervLab lab = new HypervLab();

    private static void passes(RuleVerdict v) {
        assertTrue(v.passed(), v.reason());
        assertEquals(SEED, v.seed());
    }

    private static void fails(RuleVerdict v, String reason) {
        assertFalse(v.passed(), v.reason());
        assertEquals(reason, v.reason());
        assertEquals(SEED, v.seed());
    }

    @Test
    @DisplayName("seed 004_896724e719374b4d.txt: every off-host rule has its stable name and applies to Hyper-V only")
    void namesAndPlatform() {
        List<ProxyRule> rules = List.of(new PhysicalOrEvaluationRule(), new HypervVersionEqualsHostRule(),
                new NotANodeOfTheClusterRule(), new SanReadAccessRule(), new VssHardwareProviderRule(),
                new DedupVolumeRule(), new SmbLocalSystemReadRule(), new SameOrTrustedDomainRule(),
                new VhdSetNeverOffHostRule());
        assertEquals(List.of("physical-or-evaluation-with-nested-hyperv", "hyperv-version-equals-host",
                "not-a-node-of-the-cluster", "san-read-access-to-luns", "vss-hardware-provider-on-proxy-and-hosts",
                "dedup-volume-needs-equal-version-and-dedup", "smb-read-access-localsystem", "same-or-trusted-domain",
                "vhd-set-never-off-host"), rules.stream().map(ProxyRule::name).toList());
        assertTrue(rules.stream().allMatch(r -> r.platform().equals(Optional.of(Platform.HYPERV))));
        ManagedServer px = lab.proxy(HypervLab.goodProxy("px-01"));
        for (String vm : List.of("app-01", "dedup-01", "share-01")) {
            DiskContext disk = lab.disk(vm);
            rules.forEach(r -> passes(r.evaluate(px, disk)));
        }
    }

    @Nested
    class PhysicalOrEvaluation {
        private final PhysicalOrEvaluationRule rule = new PhysicalOrEvaluationRule();

        @Test
        @DisplayName("seed 004_896724e719374b4d.txt: a physical machine may be an off-host proxy")
        void physical() {
            passes(rule.evaluate(lab.proxy(HypervLab.goodProxy("px-01")), lab.disk("app-01")));
        }

        @Test
        @DisplayName("seed 004_896724e719374b4d.txt: a VM is refused unless it is an evaluation proxy with nested Hyper-V")
        void virtualMachine() {
            fails(rule.evaluate(lab.proxy(HypervLab.goodProxy("px-vm").machineKind(MachineKind.VIRTUAL)),
                    lab.disk("app-01")), "px-vm is a virtual machine; off-host proxies must be physical (a VM only for"
                            + " evaluation, with nested Hyper-V)");
            fails(rule.evaluate(lab.evaluationProxy(HypervLab.goodProxy("px-eval").machineKind(MachineKind.VIRTUAL)),
                    lab.disk("app-01")), "px-eval is an evaluation VM without nested Hyper-V (fact hyperv.nested is"
                            + " not true)");
            passes(rule.evaluate(lab.evaluationProxy(HypervLab.goodProxy("px-nested").machineKind(MachineKind.VIRTUAL)
                    .fact(ServerFacts.NESTED_HYPERV, "true")), lab.disk("app-01")));
        }
    }

    @Nested
    class VersionEqualsHost {
        private final HypervVersionEqualsHostRule rule = new HypervVersionEqualsHostRule();

        @Test
        @DisplayName("seed 004_896724e719374b4d.txt: the proxy's Hyper-V version must equal the host's")
        void versionsMustCoincide() {
            passes(rule.evaluate(lab.proxy(HypervLab.goodProxy("px-01")), lab.disk("app-01")));
            fails(rule.evaluate(lab.proxy(HypervLab.goodProxy("px-19").fact(ServerFacts.HYPERV_VERSION, "2019")),
                    lab.disk("app-01")), "px-19 runs Hyper-V 2019, host hv01 runs 2022: the versions must coincide");
            ManagedServer undeclared = lab.proxy(HypervLab.windows("px-x").machineKind(MachineKind.PHYSICAL));
            fails(rule.evaluate(undeclared, lab.disk("app-01")), "px-x declares no hyperv.version; host hv01 runs"
                    + " Hyper-V 2022 and the versions must coincide");
        }

        @Test
        @DisplayName("seed 004_896724e719374b4d.txt: a node without a version has its cluster's; none at all cannot be verified")
        void hostVersionFromClusterOrUnverifiable() {
            lab.host(new HostSpec("hv01", HostKind.HYPERV_HOST, "hv01.corp.example", Optional.of("hv-clu"),
                    Optional.empty(), Optional.empty(), Optional.of("hv01-srv"), List.of()));
            passes(rule.evaluate(lab.proxy(HypervLab.goodProxy("px-01")), lab.disk("app-01")));
            lab.host(new HostSpec("hv-old", HostKind.HYPERV_HOST, "hv-old.lab.example", Optional.empty(),
                    Optional.empty(), Optional.empty(), Optional.empty(), List.of()));
            fails(rule.evaluate(lab.proxy(HypervLab.goodProxy("px-01")), lab.disk("old-01")),
                    "cannot verify: host hv-old declares no Hyper-V version (px-01 runs 2022)");
        }
    }

    @Nested
    class NotANodeOfTheCluster {
        private final NotANodeOfTheClusterRule rule = new NotANodeOfTheClusterRule();

        @Test
        @DisplayName("seed 004_896724e719374b4d.txt: a CSV cluster node as off-host proxy is rejected with the reason")
        void clusterNodeIsRejected() {
            DiskContext disk = lab.disk("app-01");
            fails(rule.evaluate(lab.proxy(HypervLab.goodProxy("px-node").fact(ServerFacts.CLUSTER, "HV-CLU")), disk),
                    "px-node is a node of cluster hv-clu (fact cluster=hv-clu); a node used as off-host proxy makes"
                            + " the cluster fail during VM data processing");
            ManagedServer hv02 = lab.snapshot().server("hv02-srv").orElseThrow();
            fails(rule.evaluate(lab.proxy(HypervLab.goodProxy("hv02-srv").fact(ServerFacts.CLUSTER, "elsewhere")),
                    disk), "hv02-srv is node hv02 of cluster hv-clu; a node used as off-host proxy makes the cluster"
                            + " fail during VM data processing");
            fails(rule.evaluate(hv02, lab.disk("dedup-01")), "hv02-srv is host hv02 itself (node of cluster hv-clu);"
                    + " a node used as off-host proxy makes the cluster fail during VM data processing");
        }

        @Test
        @DisplayName("seed 004_896724e719374b4d.txt: a server outside the cluster passes; the rule does not apply to SMB3")
        void outsiderPasses() {
            RuleVerdict v = rule.evaluate(lab.proxy(HypervLab.goodProxy("px-01")), lab.disk("app-01"));
            passes(v);
            assertEquals("px-01 is not a node of cluster hv-clu", v.reason());
            ManagedServer node = lab.proxy(HypervLab.goodProxy("px-node").fact(ServerFacts.CLUSTER, "hv-clu"));
            RuleVerdict smb = rule.evaluate(node, lab.disk("share-01"));
            passes(smb);
            assertEquals("not applicable: disk disk0 of VM share-01 is on SMB3 storage vmshare, not on CSV", smb.reason());
        }
    }

    @Nested
    class CsvSanAndVss {
        @Test
        @DisplayName("seed 004_896724e719374b4d.txt: the proxy needs SAN read access to the CSV's LUNs")
        void sanReadAccess() {
            SanReadAccessRule rule = new SanReadAccessRule();
            passes(rule.evaluate(lab.proxy(HypervLab.goodProxy("px-01")), lab.disk("app-01")));
            fails(rule.evaluate(lab.proxy(HypervLab.goodProxy("px-02").fact(ServerFacts.SAN_ACCESS, "Volume2")),
                    lab.disk("app-01")), "px-02 has no SAN read access to the LUNs of CSV Volume1 (san.access: Volume2)");
        }

        @Test
        @DisplayName("seed 004_896724e719374b4d.txt: a transportable VSS hardware provider on the proxy and every host of the cluster")
        void vssOnProxyAndEveryHost() {
            VssHardwareProviderRule rule = new VssHardwareProviderRule();
            RuleVerdict ok = rule.evaluate(lab.proxy(HypervLab.goodProxy("px-01")), lab.disk("app-01"));
            passes(ok);
            assertEquals("VSS hardware provider with transportable shadow copies on px-01 and on host(s) hv01, hv02"
                    + " sharing CSV Volume1", ok.reason());
            fails(rule.evaluate(lab.proxy(HypervLab.goodProxy("px-02").fact(ServerFacts.VSS_TRANSPORTABLE, "false")),
                    lab.disk("app-01")), "CSV Volume1 needs a VSS hardware provider with transportable shadow copies on"
                            + " the proxy and on host(s) hv01, hv02: missing on proxy px-02 (fact vss.transportable is"
                            + " not true)");
        }

        @Test
        @DisplayName("seed 004_896724e719374b4d.txt: a host without a managed server cannot be verified and fails")
        void hostWithoutManagedServer() {
            lab.host(HypervLab.node("hv02", null));
            lab.server(HypervLab.windows("hv01-srv").machineKind(MachineKind.PHYSICAL).build());
            RuleVerdict v = new VssHardwareProviderRule().evaluate(lab.proxy(HypervLab.goodProxy("px-01")),
                    lab.disk("app-01"));
            fails(v, "CSV Volume1 needs a VSS hardware provider with transportable shadow copies on the proxy and on"
                    + " host(s) hv01, hv02: missing on host hv01 (server hv01-srv: fact vss.transportable is not true);"
                    + " cannot verify: declare host hv02's managed server with vss.transportable=true");
        }
    }

    @Nested
    class Dedup {
        private final DedupVolumeRule rule = new DedupVolumeRule();

        @Test
        @DisplayName("seed 004_896724e719374b4d.txt: a deduplicated CSV needs equal Hyper-V versions and dedup on the proxy")
        void dedupVolume() {
            passes(rule.evaluate(lab.proxy(HypervLab.goodProxy("px-01")), lab.disk("dedup-01")));
            fails(rule.evaluate(lab.proxy(HypervLab.goodProxy("px-02").fact(ServerFacts.DEDUP_ENABLED, "false")),
                    lab.disk("dedup-01")), "CSV Volume2 is deduplicated: Data Deduplication is not enabled on px-02"
                            + " (fact dedup.enabled is not true) (off-host backup would fail)");
        }

        @Test
        @DisplayName("seed 004_896724e719374b4d.txt: dedup volume with a Hyper-V version mismatch fails")
        void dedupVersionMismatch() {
            fails(rule.evaluate(lab.proxy(HypervLab.goodProxy("px-19").fact(ServerFacts.HYPERV_VERSION, "2019")),
                    lab.disk("dedup-01")), "CSV Volume2 is deduplicated: px-19 runs Hyper-V 2019, host hv02 runs 2022:"
                            + " the versions must coincide (off-host backup would fail)");
        }

        @Test
        @DisplayName("seed 004_896724e719374b4d.txt: the dedup rule does not apply to a CSV without deduplication")
        void notDeduplicated() {
            RuleVerdict v = rule.evaluate(lab.proxy(HypervLab.goodProxy("px-19").fact(ServerFacts.HYPERV_VERSION,
                    "2019").fact(ServerFacts.DEDUP_ENABLED, "false")), lab.disk("app-01"));
            passes(v);
            assertEquals("not applicable: CSV Volume1 is not deduplicated", v.reason());
        }
    }

    @Nested
    class Smb3 {
        @Test
        @DisplayName("seed 004_896724e719374b4d.txt: the proxy's LocalSystem account must read the SMB3 share")
        void localSystemRead() {
            SmbLocalSystemReadRule rule = new SmbLocalSystemReadRule();
            passes(rule.evaluate(lab.proxy(HypervLab.goodProxy("px-01")), lab.disk("share-01")));
            fails(rule.evaluate(lab.proxy(HypervLab.windows("px-02").machineKind(MachineKind.PHYSICAL)),
                    lab.disk("share-01")), "the LocalSystem account of px-02 has no read access to SMB3 share vmshare"
                            + " (smb.localsystem-read not declared)");
            passes(rule.evaluate(lab.proxy(HypervLab.windows("px-03")), lab.disk("app-01")));
        }

        @Test
        @DisplayName("seed 004_896724e719374b4d.txt: the proxy must be in the SMB3 server's domain or trust it")
        void sameOrTrustedDomain() {
            SameOrTrustedDomainRule rule = new SameOrTrustedDomainRule();
            RuleVerdict same = rule.evaluate(lab.proxy(HypervLab.goodProxy("px-01")), lab.disk("share-01"));
            passes(same);
            assertEquals("px-01 and the SMB3 server of share vmshare are both in domain corp.example", same.reason());
            fails(rule.evaluate(lab.proxy(HypervLab.goodProxy("px-01")), lab.disk("solo-share-01")),
                    "px-01 is in domain corp.example, the SMB3 server of share solo-share in domain lab.example, which"
                            + " corp.example does not trust");
            passes(rule.evaluate(lab.proxy(HypervLab.goodProxy("px-02").trustedDomains(List.of("Lab.Example"))),
                    lab.disk("solo-share-01")));
            fails(rule.evaluate(lab.proxy(HypervLab.goodProxy("px-03").domain(null)), lab.disk("share-01")),
                    "px-03 is in no Windows domain; the SMB3 server of share vmshare is in domain corp.example");
        }
    }

    @Nested
    class VhdSet {
        @Test
        @DisplayName("seed 004_896724e719374b4d.txt: a VHD Set VM fails every off-host candidate, so the core falls back on-host")
        void everyCandidateFails() {
            VhdSetNeverOffHostRule rule = new VhdSetNeverOffHostRule();
            DiskContext disk = lab.disk("vhds-01");
            List<ManagedServer> candidates = List.of(lab.proxy(HypervLab.goodProxy("px-01")),
                    lab.proxy(HypervLab.goodProxy("px-02")), lab.evaluationProxy(HypervLab.goodProxy("px-eval")
                            .machineKind(MachineKind.VIRTUAL).fact(ServerFacts.NESTED_HYPERV, "true")));
            for (ManagedServer px : candidates) {
                fails(rule.evaluate(px, disk), "VM vhds-01 uses VHD Sets: off-host proxy " + px.name()
                        + " must not back it up (the job would fail)");
            }
            passes(rule.evaluate(candidates.get(0), lab.disk("app-01")));
            var fallback = new HypervPlatformSupport().noProxyFallback(disk).orElseThrow();
            assertEquals("hv01-srv", fallback.server());
            assertEquals("hyperv-on-host", fallback.step().mode());
            assertTrue(fallback.step().available() && fallback.step().fallback());
            assertEquals("VM vhds-01 uses VHD Sets, which are never backed up off-host; backing up on-host on Hyper-V"
                    + " host hv01 (server hv01-srv), as the job allows on-host backup", fallback.step().reason());
        }
    }
}
