package io.ferry.plugin.hyperv.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.inventory.Cidr;
import io.ferry.api.inventory.DiskFormat;
import io.ferry.api.inventory.ManagedServer;
import io.ferry.api.inventory.OsInfo;
import io.ferry.api.inventory.Platform;
import io.ferry.api.inventory.ServerFacts;
import io.ferry.api.inventory.VirtualDisk;
import io.ferry.api.inventory.VmSpec;
import io.ferry.api.selection.RuleVerdict;
import io.ferry.api.spi.VmContext;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class HypervLanConnectionRuleTest {

    private static final String SEED = "001_7a67f23d89d19bc8.txt";
    private final HypervLab lab = new HypervLab();
    private final HypervLanConnectionRule rule = new HypervLanConnectionRule();

    private VmContext guest(String name, String host, OsInfo os) {
        lab.vm(new VmSpec(name, host, os, List.of(Cidr.of("10.0.1.0/24")), List.of(new VirtualDisk("disk0", 1L << 30,
                DiskFormat.VHDX, "C:\\ClusterStorage\\Volume1\\" + name + ".vhdx", Optional.empty())),
                Optional.empty(), false));
        return lab.vmContext(HypervLab.job(name), name);
    }

    private ManagedServer remote(String name, String powershell) {
        var b = HypervLab.windows(name).networks(List.of(Cidr.of("192.168.7.0/24")));
        if (powershell != null) {
            b.fact(ServerFacts.POWERSHELL_VERSION, powershell);
        }
        return lab.server(b.build());
    }

    @Test
    @DisplayName("seed 001_7a67f23d89d19bc8.txt: the rule is named hyperv-lan-connection and applies to Hyper-V only")
    void nameAndPlatform() {
        assertEquals("hyperv-lan-connection", rule.name());
        assertEquals(Optional.of(Platform.HYPERV), rule.platform());
    }

    @Test
    @DisplayName("seed 001_7a67f23d89d19bc8.txt: a LAN connection to the VM is enough, whatever PowerShell the server has")
    void lan() {
        ManagedServer gip = lab.server(HypervLab.windows("gip-01").networks(List.of(Cidr.of("10.0.1.0/24"))).build());
        RuleVerdict v = rule.evaluate(gip, guest("web-01", "hv-old", OsInfo.linux("ubuntu", "22.04")));
        assertTrue(v.passed());
        assertEquals(SEED, v.seed());
        assertEquals("LAN connection: gip-01's network 10.0.1.0/24 overlaps VM web-01's network 10.0.1.0/24", v.reason());
    }

    @Test
    @DisplayName("seed 001_7a67f23d89d19bc8.txt: without LAN, PowerShell Direct on Hyper-V 2016+ for Windows Server 2016+ with PowerShell >= 2.0")
    void powerShellDirect() {
        RuleVerdict v = rule.evaluate(remote("gip-02", "5.1"), guest("sql-01", "hv01", OsInfo.windows("server", "2019")));
        assertTrue(v.passed(), v.reason());
        assertEquals("PowerShell Direct: gip-02 shares no network with VM sql-01 (gip-02: 192.168.7.0/24; VM:"
                + " 10.0.1.0/24), but host hv01 runs Hyper-V 2022, the guest runs windows:server:2019 and gip-02 has"
                + " PowerShell 5.1", v.reason());
        assertTrue(rule.evaluate(remote("gip-03", "2.0"), guest("pc-01", "hv01", OsInfo.windows("client", "10")))
                .passed());
    }

    @Test
    @DisplayName("seed 001_7a67f23d89d19bc8.txt: PowerShell Direct needs PowerShell 2.0 or later on the proxy")
    void powerShellTooOld() {
        RuleVerdict v = rule.evaluate(remote("gip-04", "1.0"), guest("sql-01", "hv01", OsInfo.windows("server", "2022")));
        assertFalse(v.passed());
        assertTrue(v.reason().endsWith("PowerShell Direct is not possible: gip-04 has PowerShell 1.0 (PowerShell Direct"
                + " needs 2.0 or later)"), v.reason());
        RuleVerdict none = rule.evaluate(remote("gip-05", null), guest("sql-02", "hv01", OsInfo.windows("server", "2022")));
        assertTrue(none.reason().endsWith("gip-05 declares no powershell.version (PowerShell Direct needs PowerShell 2.0"
                + " or later)"), none.reason());
    }

    @Test
    @DisplayName("seed 001_7a67f23d89d19bc8.txt: no PowerShell Direct before Hyper-V 2016 or for older and non-Windows guests")
    void powerShellDirectConditions() {
        RuleVerdict v = rule.evaluate(remote("gip-06", "5.1"), guest("old-vm", "hv-old", OsInfo.windows("server", "2012")));
        assertFalse(v.passed());
        assertTrue(v.reason().endsWith("PowerShell Direct is not possible: host hv-old runs Hyper-V 2012r2 (PowerShell"
                + " Direct needs 2016 or later); the guest runs windows:server:2012, not Windows 10 / Windows Server 2016"
                + " or later"), v.reason());
        RuleVerdict linux = rule.evaluate(remote("gip-07", "5.1"), guest("lnx-01", "hv01", OsInfo.linux("rhel", "9.4")));
        assertFalse(linux.passed());
        assertTrue(linux.reason().contains("the guest runs linux:rhel:9.4"), linux.reason());
    }
}
