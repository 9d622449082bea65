package io.ferry.plugin.hyperv.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.inventory.ManagedServer;
import io.ferry.api.inventory.Platform;
import io.ferry.api.selection.TransportStep;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class OffHostModeTest {

    private final HypervLab lab = new HypervLab();
    private final OffHostMode mode = new OffHostMode();

    @Test
    @DisplayName("seed 004_896724e719374b4d.txt: off-host mode hyperv-off-host (10) reads CSV volumes and SMB3 shares")
    void sharedStorage() {
        assertEquals(Platform.HYPERV, mode.platform());
        assertEquals("hyperv-off-host", mode.mode());
        assertEquals(10, mode.preference());
        ManagedServer px = lab.proxy(HypervLab.goodProxy("px-01"));
        TransportStep csv = mode.evaluate(px, lab.disk("app-01"));
        assertTrue(csv.available());
        assertEquals("off-host proxy px-01 reads CSV Volume1 from a transportable shadow copy over SAN", csv.reason());
        assertTrue(mode.evaluate(px, lab.disk("share-01")).available());
    }

    @Test
    @DisplayName("seed 004_896724e719374b4d.txt: host-local or undeclared storage cannot be read off-host")
    void localStorage() {
        ManagedServer px = lab.proxy(HypervLab.goodProxy("px-01"));
        TransportStep local = mode.evaluate(px, lab.disk("local-01"));
        assertFalse(local.available());
        assertEquals("disk disk0 of VM local-01 is on LOCAL storage D of host hv-solo; off-host backup reads CSV (SAN)"
                + " volumes and SMB3 shares only", local.reason());
        assertFalse(mode.evaluate(px, lab.disk("old-01")).available());
    }
}
