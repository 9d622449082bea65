package io.ferry.plugin.vmware.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.inventory.MachineKind;
import io.ferry.api.inventory.ManagedServer;
import io.ferry.api.inventory.OsInfo;
import io.ferry.api.inventory.RoleType;
import io.ferry.api.inventory.ServerFacts;
import io.ferry.api.inventory.TransportMode;
import io.ferry.api.inventory.VmwareProxySettings;
import io.ferry.api.selection.CheckResult;
import io.ferry.api.selection.Severity;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class VmwareProxyReadinessCheckTest {

    private final VsphereLab lab = new VsphereLab();
    private final VmwareProxyReadinessCheck check = new VmwareProxyReadinessCheck();

    private List<CheckResult> results(ManagedServer server) {
        return check.check(server, lab.snapshot());
    }

    private static CheckResult result(List<CheckResult> results, String name) {
        return results.stream().filter(r -> r.check().equals(name)).findFirst().orElseThrow(() ->
                new AssertionError("no " + name + " in " + results));
    }

    @Test
    @DisplayName("seed 003_4fc908c7710b8ec3.txt: a Windows or Linux proxy VM on a known ESXi host with known datastores is ready")
    void wellConfiguredProxyIsReady() {
        assertEquals(RoleType.VMWARE_PROXY, check.role());
        ManagedServer px = lab.proxy(VsphereLab.linuxVm("px-01").fact(ServerFacts.VMWARE_HOST, "esx2")
                .fact(ServerFacts.SAN_ACCESS, "shared-ds,other-ds").fact(VmwareLanOrVixRule.VIX_ENABLED, "true"),
                VmwareProxySettings.AUTOMATIC);
        List<CheckResult> results = results(px);
        assertTrue(results.stream().allMatch(CheckResult::ok), results.toString());
        assertEquals(List.of("vmware-proxy-os", "vmware-proxy-task-slots", "vmware-proxy-enabled", "vmware-host-fact",
                "san-access-fact", "vix-enabled-fact", "vmware-proxy-fixed-mode"),
                results.stream().map(CheckResult::check).toList());
        assertTrue(results.stream().filter(r -> !r.check().equals("vix-enabled-fact"))
                .allMatch(r -> r.seed().equals("003_4fc908c7710b8ec3.txt")));
        ManagedServer windows = lab.proxy(VsphereLab.linuxVm("px-02").os(OsInfo.windows("server", "2019")),
                VmwareProxySettings.AUTOMATIC);
        assertTrue(result(results(windows), "vmware-proxy-os").ok());
    }

    @Test
    @DisplayName("seed 003_4fc908c7710b8ec3.txt: vmware.host must name an ESXi host of the inventory")
    void vmwareHostMustBeAKnownEsxiHost() {
        CheckResult unknown = result(results(lab.proxy(VsphereLab.linuxVm("px-01").fact(ServerFacts.VMWARE_HOST,
                "esx77"), VmwareProxySettings.AUTOMATIC)), "vmware-host-fact");
        assertFalse(unknown.ok());
        assertEquals("px-01 declares vmware.host=esx77, which is not in the inventory", unknown.detail());
        assertTrue(unknown.fix().contains("ferry:host-add --kind esxi --address ADDRESS --parent VCENTER esx77"), unknown.fix());
        CheckResult vcenter = result(results(lab.proxy(VsphereLab.linuxVm("px-02").fact(ServerFacts.VMWARE_HOST,
                "vc1"), VmwareProxySettings.AUTOMATIC)), "vmware-host-fact");
        assertFalse(vcenter.ok());
        assertTrue(vcenter.detail().contains("VCENTER, not an ESXi host"), vcenter.detail());
        CheckResult physical = result(results(lab.proxy(VsphereLab.linuxVm("px-03").machineKind(MachineKind.PHYSICAL)
                .fact(ServerFacts.VMWARE_HOST, "esx2"), VmwareProxySettings.AUTOMATIC)), "vmware-host-fact");
        assertFalse(physical.ok());
        assertTrue(unknown.failed() && vcenter.failed() && physical.failed(), "a wrong declaration is an error");
    }

    @Test
    @DisplayName("seed 003_4fc908c7710b8ec3.txt: san.access must name datastores of the inventory")
    void sanAccessMustNameKnownDatastores() {
        CheckResult r = result(results(lab.proxy(VsphereLab.linuxVm("px-01").fact(ServerFacts.SAN_ACCESS,
                "shared-ds, ghost-ds"), VmwareProxySettings.AUTOMATIC)), "san-access-fact");
        assertFalse(r.ok());
        assertEquals("px-01 declares SAN/NFS access to ghost-ds, which no vCenter or ESXi host of the inventory"
                + " declares", r.detail());
    }

    @Test
    @DisplayName("seed 003_4fc908c7710b8ec3.txt: a disabled proxy is a warning with how to enable it")
    void disabledProxy() {
        CheckResult r = result(results(lab.proxy(VsphereLab.linuxVm("px-01").enabled(false),
                VmwareProxySettings.AUTOMATIC)), "vmware-proxy-enabled");
        assertFalse(r.ok());
        assertEquals(Severity.WARNING, r.severity());
        assertEquals("enable it: ferry:server-update --enable px-01", r.fix());
    }

    @Test
    @DisplayName("seed 003_4fc908c7710b8ec3.txt: a fixed mode the proxy can never use is reported")
    void unusableFixedMode() {
        CheckResult hotAdd = result(results(lab.proxy(VsphereLab.linuxVm("px-01").machineKind(MachineKind.PHYSICAL),
                new VmwareProxySettings(Optional.of(TransportMode.VIRTUAL_APPLIANCE), false, false))),
                "vmware-proxy-fixed-mode");
        assertFalse(hotAdd.ok());
        assertEquals("px-01 is fixed to virtual-appliance, without failover to network, but it is a physical machine"
                + " and cannot hot-add disks", hotAdd.detail());
        assertEquals(Severity.ERROR, hotAdd.severity(), "without failover the proxy reads no disk at all");
        CheckResult withFailover = result(results(lab.proxy(VsphereLab.linuxVm("px-03")
                .machineKind(MachineKind.PHYSICAL), new VmwareProxySettings(Optional.of(TransportMode.VIRTUAL_APPLIANCE),
                        true, false))), "vmware-proxy-fixed-mode");
        assertFalse(withFailover.ok());
        assertEquals(Severity.WARNING, withFailover.severity(), "with failover it still reads every disk over network");
        CheckResult directOk = result(results(lab.proxy(VsphereLab.linuxVm("px-02").fact(ServerFacts.SAN_ACCESS,
                "shared-ds"), new VmwareProxySettings(Optional.of(TransportMode.DIRECT_STORAGE_ACCESS), true, false))),
                "vmware-proxy-fixed-mode");
        assertTrue(directOk.ok(), directOk.detail());
    }

    @Test
    @DisplayName("seed 001_7a67f23d89d19bc8.txt: vix.enabled must be true or false")
    void vixEnabledMustBeBoolean() {
        CheckResult r = result(results(lab.proxy(VsphereLab.linuxVm("px-01").fact(VmwareLanOrVixRule.VIX_ENABLED,
                "maybe"), VmwareProxySettings.AUTOMATIC)), "vix-enabled-fact");
        assertFalse(r.ok());
        assertEquals(Severity.ERROR, r.severity());
        assertEquals("001_7a67f23d89d19bc8.txt", r.seed());
    }
}
