package io.ferry.plugin.vmware.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.inventory.Cidr;
import io.ferry.api.inventory.ManagedServer;
import io.ferry.api.inventory.OsInfo;
import io.ferry.api.inventory.Platform;
import io.ferry.api.inventory.ServerSpec;
import io.ferry.api.selection.RuleVerdict;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class VmwareLanOrVixRuleTest {

    private final VsphereLab lab = new VsphereLab();
    private final VmwareLanOrVixRule rule = new VmwareLanOrVixRule();

    private ManagedServer server(String name, String network, Optional<String> vixEnabled) {
        ServerSpec.Builder b = ServerSpec.builder(name, name + ".lab.example").os(OsInfo.windows("server", "2022"))
                .networks(List.of(Cidr.of(network)));
        vixEnabled.ifPresent(v -> b.fact(VmwareLanOrVixRule.VIX_ENABLED, v));
        return lab.server(b.build());
    }

    @Test
    @DisplayName("seed 001_7a67f23d89d19bc8.txt: the rule is named vmware-lan-or-vix and applies to VMware only")
    void nameAndPlatform() {
        assertEquals("vmware-lan-or-vix", rule.name());
        assertEquals(Optional.of(Platform.VMWARE), rule.platform());
    }

    @Test
    @DisplayName("seed 001_7a67f23d89d19bc8.txt: a server sharing a network with the VM has a LAN connection")
    void lanConnection() {
        ManagedServer gip = server("gip-01", "10.0.0.0/16", Optional.of("false"));
        RuleVerdict v = rule.evaluate(gip, lab.vmContext(VsphereLab.job("app-01"), "app-01"));
        assertTrue(v.passed());
        assertEquals("LAN connection: gip-01's network 10.0.0.0/16 overlaps VM app-01's network 10.0.1.0/24", v.reason());
        assertEquals("001_7a67f23d89d19bc8.txt", v.seed());
    }

    @Test
    @DisplayName("seed 001_7a67f23d89d19bc8.txt: without a LAN connection, VIX through the VM's vCenter is enough")
    void vixThroughVcenter() {
        RuleVerdict v = rule.evaluate(server("gip-02", "192.168.5.0/24", Optional.empty()),
                lab.vmContext(VsphereLab.job("app-01"), "app-01"));
        assertTrue(v.passed());
        assertTrue(v.reason().startsWith("VIX connection through vCenter vc1 (no LAN connection: gip-02 shares no"
                + " network with VM app-01"), v.reason());
    }

    @Test
    @DisplayName("seed 001_7a67f23d89d19bc8.txt: VIX for a VM on a standalone ESXi host goes through that host")
    void vixThroughStandaloneHost() {
        RuleVerdict v = rule.evaluate(server("gip-02", "192.168.5.0/24", Optional.of("true")),
                lab.vmContext(VsphereLab.job("solo-01"), "solo-01"));
        assertTrue(v.passed());
        assertTrue(v.reason().startsWith("VIX connection through ESXi host esx-solo"), v.reason());
    }

    @Test
    @DisplayName("seed 001_7a67f23d89d19bc8.txt: neither LAN nor VIX (vix.enabled=false) fails with the reason")
    void neitherLanNorVix() {
        RuleVerdict v = rule.evaluate(server("gip-03", "192.168.5.0/24", Optional.of("FALSE")),
                lab.vmContext(VsphereLab.job("app-01"), "app-01"));
        assertFalse(v.passed());
        assertEquals("neither LAN nor VIX connection: gip-03 shares no network with VM app-01 (gip-03: 192.168.5.0/24;"
                + " VM: 10.0.1.0/24) and VIX is disabled on gip-03 (fact vix.enabled=false)", v.reason());
    }
}
