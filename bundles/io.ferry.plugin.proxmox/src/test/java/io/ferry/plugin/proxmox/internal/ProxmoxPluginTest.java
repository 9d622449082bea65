package io.ferry.plugin.proxmox.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.inventory.InventorySnapshot;
import io.ferry.api.inventory.ManagedServer;
import io.ferry.api.inventory.Platform;
import io.ferry.api.inventory.PlatformHost;
import io.ferry.api.inventory.RoleType;
import io.ferry.api.inventory.ServerRole;
import io.ferry.api.inventory.VirtualMachine;
import io.ferry.api.job.JobSpec;
import io.ferry.api.selection.CheckResult;
import io.ferry.api.selection.Severity;
import io.ferry.api.selection.TransportStep;
import io.ferry.api.spi.DiskContext;
import io.ferry.api.spi.VmContext;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ProxmoxPluginTest {

    private final ProxmoxLab lab = new ProxmoxLab();

    private DiskContext disk(String vmName) {
        InventorySnapshot inventory = lab.snapshot();
        VirtualMachine vm = inventory.vm(vmName).orElseThrow();
        PlatformHost node = inventory.host(vm.spec().host()).orElseThrow();
        VmContext ctx = new VmContext(JobSpec.of("pve-daily", Platform.PROXMOX, List.of(vmName), "bs"), vm, node,
                Optional.empty(), inventory);
        return new DiskContext(ctx, vm.spec().disks().get(0), node.spec().storage("local-zfs"));
    }

    @Test
    @DisplayName("seed 002_d60b83a366957625.txt: Proxmox VE disks are read by general-purpose proxies; no fallback without one")
    void platformSupport() {
        ProxmoxPlatformSupport support = new ProxmoxPlatformSupport();
        assertEquals(Platform.PROXMOX, support.platform());
        assertEquals("Proxmox VE", support.name());
        assertEquals(RoleType.GENERAL_PURPOSE_PROXY, support.proxyRole());
        assertTrue(support.noProxyFallback(disk("win-01")).isEmpty());
    }

    @Test
    @DisplayName("seed 002_d60b83a366957625.txt: every general-purpose proxy reads Proxmox VE disks over NBD (proxmox-nbd, 10)")
    void nbdMode() {
        ProxmoxNbdMode mode = new ProxmoxNbdMode();
        assertEquals(Platform.PROXMOX, mode.platform());
        assertEquals("proxmox-nbd", mode.mode());
        assertEquals(10, mode.preference());
        TransportStep step = mode.evaluate(lab.snapshot().server("lnx-px").orElseThrow(), disk("lnx-01"));
        assertTrue(step.available());
        assertFalse(step.fallback());
        assertEquals("proxy lnx-px reads disk scsi0 of VM lnx-01 over NBD from Proxmox VE node pve1", step.reason());
    }

    @Test
    @DisplayName("seed 002_d60b83a366957625.txt: a Windows general-purpose proxy meets every requirement")
    void windowsProxyReady() {
        GeneralPurposeProxyReadinessCheck check = new GeneralPurposeProxyReadinessCheck();
        assertEquals(RoleType.GENERAL_PURPOSE_PROXY, check.role());
        ManagedServer win = lab.server(ProxmoxLab.windows("win-px").build(),
                ServerRole.of(RoleType.GENERAL_PURPOSE_PROXY));
        List<CheckResult> results = check.check(win, lab.snapshot());
        assertEquals(List.of("general-purpose-proxy-os", "storage-snapshot-integration-needs-windows"),
                results.stream().map(CheckResult::check).toList());
        assertTrue(results.stream().allMatch(CheckResult::ok), results.toString());
        assertTrue(results.stream().allMatch(r -> r.seed().equals("002_d60b83a366957625.txt")));
        assertEquals(List.of(Severity.ERROR, Severity.INFO), results.stream().map(CheckResult::severity).toList());
    }

    @Test
    @DisplayName("seed 002_d60b83a366957625.txt: a Linux general-purpose proxy is fine, but cannot serve storage snapshot integration (information, not a failure)")
    void linuxProxyCannotServeStorageSnapshots() {
        List<CheckResult> results = new GeneralPurposeProxyReadinessCheck()
                .check(lab.snapshot().server("lnx-px").orElseThrow(), lab.snapshot());
        assertTrue(results.get(0).ok());
        CheckResult snapshots = results.get(1);
        assertFalse(snapshots.ok());
        assertEquals("lnx-px runs linux:ubuntu:24.04: fine for Proxmox VE and unstructured data backup, but backup from"
                + " storage system snapshots needs a Microsoft Windows proxy", snapshots.detail());
        assertTrue(snapshots.fix().startsWith("only for storage snapshot integration"), snapshots.fix());
        assertEquals(Severity.INFO, snapshots.severity());
        assertFalse(snapshots.failed(), "a Linux proxy is ready for Proxmox VE");
    }
}
