package io.ferry.plugin.hyperv.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.inventory.MachineKind;
import io.ferry.api.inventory.Platform;
import io.ferry.api.inventory.RoleType;
import io.ferry.api.spi.PlatformSupport.Fallback;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class HypervPlatformSupportTest {

    private final HypervLab lab = new HypervLab();
    private final HypervPlatformSupport support = new HypervPlatformSupport();

    @Test
    @DisplayName("seed 004_896724e719374b4d.txt: Microsoft Hyper-V disks are read by off-host proxies")
    void declaresPlatformAndProxyRole() {
        assertEquals(Platform.HYPERV, support.platform());
        assertEquals("Microsoft Hyper-V", support.name());
        assertEquals(RoleType.HYPERV_OFFHOST_PROXY, support.proxyRole());
    }

    @Test
    @DisplayName("seed 004_896724e719374b4d.txt: without an off-host proxy the host's managed server backs up on-host when the job allows")
    void onHostFallbackOnTheHostsServer() {
        Fallback fallback = support.noProxyFallback(lab.disk("app-01")).orElseThrow();
        assertEquals("hv01-srv", fallback.server());
        assertEquals("hyperv-on-host", fallback.step().mode());
        assertTrue(fallback.step().available());
        assertTrue(fallback.step().fallback());
        assertEquals("no off-host backup proxy can read disk disk0 of VM app-01; backing up on-host on Hyper-V host"
                + " hv01 (server hv01-srv), as the job allows on-host backup", fallback.step().reason());
    }

    @Test
    @DisplayName("seed 004_896724e719374b4d.txt: a Hyper-V host that is not a managed server cannot back up on-host; the step says what to declare")
    void hostThatIsNotAManagedServerSaysWhatToDeclare() {
        Fallback fallback = support.noProxyFallback(lab.disk("local-01")).orElseThrow();
        assertFalse(fallback.step().available());
        assertTrue(fallback.step().fallback());
        assertEquals("no off-host backup proxy can read disk disk0 of VM local-01; Hyper-V host hv-solo is not a managed"
                + " server: declare it as one, under the host's name: ferry:server-add --address hv-solo.lab.example"
                + " --os windows:server:2019 --kind physical --domain lab.example hv-solo (or name its managed server"
                + " when adding the host: ferry:host-add --kind hyperv-host --address hv-solo.lab.example"
                + " --managed-server SERVER hv-solo)", fallback.step().reason());
    }

    @Test
    @DisplayName("seed 004_896724e719374b4d.txt: once a server of the host's name is declared, it backs up on-host")
    void onHostFallbackOnAServerOfTheHostsName() {
        lab.server(HypervLab.windows("hv-solo").machineKind(MachineKind.PHYSICAL).build());
        Fallback fallback = support.noProxyFallback(lab.disk("local-01")).orElseThrow();
        assertEquals("hv-solo", fallback.server());
        assertTrue(fallback.step().available());
        assertEquals("no off-host backup proxy can read disk disk0 of VM local-01; backing up on-host on Hyper-V host"
                + " hv-solo, as the job allows on-host backup", fallback.step().reason());
    }

    @Test
    @DisplayName("seed 004_896724e719374b4d.txt: no on-host fallback when the job does not allow it")
    void noFallbackWhenJobForbidsIt() {
        assertTrue(support.noProxyFallback(lab.disk(HypervLab.jobWithoutOnHostFallback("vhds-01"), "vhds-01"))
                .isEmpty());
    }
}
