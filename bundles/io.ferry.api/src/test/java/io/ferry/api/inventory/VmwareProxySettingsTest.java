package io.ferry.api.inventory;

import static io.ferry.api.inventory.Refusals.refused;
import static io.ferry.api.inventory.TransportMode.BACKUP_FROM_STORAGE_SNAPSHOTS;
import static io.ferry.api.inventory.TransportMode.DIRECT_STORAGE_ACCESS;
import static io.ferry.api.inventory.TransportMode.NETWORK;
import static io.ferry.api.inventory.TransportMode.NETWORK_SSL;
import static io.ferry.api.inventory.TransportMode.VIRTUAL_APPLIANCE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.ValidationException;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Transport modes of a VMware backup proxy, seed 003_4fc908c7710b8ec3.txt ("VMware Backup
 * Proxies"): a proxy uses direct storage access, virtual appliance or network mode; the
 * administrator either selects the mode explicitly or lets it be chosen automatically.
 * Backup from storage snapshots is possible only where the storage system is known.
 */
@DisplayName("VMware proxy transport modes (seed 003_4fc908c7710b8ec3.txt)")
class VmwareProxySettingsTest {

    private static VmwareProxySettings fixed(TransportMode mode, boolean failover, boolean encrypt) {
        return new VmwareProxySettings(Optional.of(mode), failover, encrypt);
    }

    @Test
    @DisplayName("seed 003: automatic selection may use direct storage access, virtual appliance and network")
    void automaticSelectionAllowsAllThreeTransportModes() {
        assertEquals(Set.of(DIRECT_STORAGE_ACCESS, VIRTUAL_APPLIANCE, NETWORK),
                VmwareProxySettings.AUTOMATIC.allowedModes());
    }

    @Test
    @DisplayName("seed 003: the default proxy settings select the mode automatically, failover on, no encryption")
    void defaultSettingsAreAutomaticWithFailoverAndWithoutEncryption() {
        assertEquals(Optional.empty(), VmwareProxySettings.AUTOMATIC.fixedMode());
        assertTrue(VmwareProxySettings.AUTOMATIC.failoverToNetwork());
        assertFalse(VmwareProxySettings.AUTOMATIC.encryptNetworkTraffic());
    }

    @Test
    @DisplayName("seed 003: automatic selection always ends with network mode, even with failover switched off")
    void automaticSelectionKeepsNetworkModeWithoutFailover() {
        assertEquals(Set.of(DIRECT_STORAGE_ACCESS, VIRTUAL_APPLIANCE, NETWORK),
                new VmwareProxySettings(Optional.empty(), false, false).allowedModes());
    }

    @Test
    @DisplayName("seed 003: automatic selection with encryption reads over NBDSSL instead of NBD")
    void automaticSelectionWithEncryptionUsesEncryptedNetworkMode() {
        assertEquals(Set.of(DIRECT_STORAGE_ACCESS, VIRTUAL_APPLIANCE, NETWORK_SSL),
                new VmwareProxySettings(Optional.empty(), true, true).allowedModes());
    }

    @ParameterizedTest(name = "seed 003: fixed {0} without failover allows only {0}")
    @EnumSource(value = TransportMode.class, names = {"DIRECT_STORAGE_ACCESS", "VIRTUAL_APPLIANCE", "NETWORK"})
    void explicitlySelectedModeWithoutFailoverIsTheOnlyMode(TransportMode mode) {
        assertEquals(Set.of(mode), fixed(mode, false, false).allowedModes());
    }

    @ParameterizedTest(name = "seed 003: fixed {0} with failover may fall back to network mode")
    @EnumSource(value = TransportMode.class, names = {"DIRECT_STORAGE_ACCESS", "VIRTUAL_APPLIANCE"})
    void explicitlySelectedModeWithFailoverAddsNetworkMode(TransportMode mode) {
        assertEquals(Set.of(mode, NETWORK), fixed(mode, true, false).allowedModes());
    }

    @ParameterizedTest(name = "seed 003: fixed {0} with failover and encryption falls back to NBDSSL")
    @EnumSource(value = TransportMode.class, names = {"DIRECT_STORAGE_ACCESS", "VIRTUAL_APPLIANCE"})
    void failoverWithEncryptionFallsBackToEncryptedNetworkMode(TransportMode mode) {
        assertEquals(Set.of(mode, NETWORK_SSL), fixed(mode, true, true).allowedModes());
    }

    @ParameterizedTest(name = "seed 003: encryption changes nothing for fixed {0} without failover")
    @EnumSource(value = TransportMode.class, names = {"DIRECT_STORAGE_ACCESS", "VIRTUAL_APPLIANCE"})
    void encryptionWithoutNetworkModeChangesNothing(TransportMode mode) {
        assertEquals(Set.of(mode), fixed(mode, false, true).allowedModes());
    }

    @Test
    @DisplayName("seed 003: fixed network mode with encryption reads only over NBDSSL")
    void fixedNetworkModeWithEncryptionIsOnlyEncryptedNetworkMode() {
        assertEquals(Set.of(NETWORK_SSL), fixed(NETWORK, false, true).allowedModes());
        assertEquals(Set.of(NETWORK_SSL), fixed(NETWORK, true, true).allowedModes());
    }

    @Test
    @DisplayName("seed 003: fixed network mode with failover is still only network mode")
    void fixedNetworkModeWithFailoverIsOnlyNetworkMode() {
        assertEquals(Set.of(NETWORK), fixed(NETWORK, true, false).allowedModes());
    }

    @Test
    @DisplayName("seed 003: NBDSSL is network mode with encryption, it cannot be fixed by itself")
    void encryptedNetworkModeCannotBeFixed() {
        ValidationException e = refused("transportMode", () -> fixed(NETWORK_SSL, false, false));

        assertEquals("transportMode: 'NETWORK_SSL' cannot be fixed on a proxy; fix NETWORK and enable encryption"
                + " for NBDSSL, storage snapshots are offered by storage plugins", e.getMessage());
    }

    @Test
    @DisplayName("seed 003: backup from storage snapshots needs the storage system, it cannot be fixed on a proxy")
    void backupFromStorageSnapshotsCannotBeFixed() {
        ValidationException e = refused("transportMode", () -> fixed(BACKUP_FROM_STORAGE_SNAPSHOTS, true, false));

        assertTrue(e.getMessage().contains("'BACKUP_FROM_STORAGE_SNAPSHOTS' cannot be fixed on a proxy"));
    }

    @Test
    @DisplayName("seed 003: storage snapshots are never allowed by the proxy settings alone")
    void storageSnapshotsAreNeverAllowedByProxySettingsAlone() {
        for (boolean failover : new boolean[] {false, true}) {
            for (boolean encrypt : new boolean[] {false, true}) {
                VmwareProxySettings settings = new VmwareProxySettings(Optional.empty(), failover, encrypt);
                assertFalse(settings.allowedModes().contains(BACKUP_FROM_STORAGE_SNAPSHOTS), settings::toString);
            }
        }
    }

    @Test
    void fixedModeMustNotBeNull() {
        assertThrows(NullPointerException.class, () -> new VmwareProxySettings(null, true, false));
    }
}
