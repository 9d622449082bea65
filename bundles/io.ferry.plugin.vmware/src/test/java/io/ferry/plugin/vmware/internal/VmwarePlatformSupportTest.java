package io.ferry.plugin.vmware.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.inventory.Platform;
import io.ferry.api.inventory.RoleType;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class VmwarePlatformSupportTest {

    @Test
    @DisplayName("seed 003_4fc908c7710b8ec3.txt: VMware vSphere disks are read by VMware proxies; no fallback without one")
    void declaresPlatformAndProxyRole() {
        VsphereLab lab = new VsphereLab();
        VmwarePlatformSupport support = new VmwarePlatformSupport();
        assertEquals(Platform.VMWARE, support.platform());
        assertEquals("VMware vSphere", support.name());
        assertEquals(RoleType.VMWARE_PROXY, support.proxyRole());
        assertTrue(support.noProxyFallback(lab.disk(VsphereLab.job("app-01"), "app-01", "scsi0:0")).isEmpty());
    }
}
