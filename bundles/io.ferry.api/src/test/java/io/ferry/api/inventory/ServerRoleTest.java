package io.ferry.api.inventory;

import static io.ferry.api.inventory.Refusals.refused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ServerRoleTest {

    @Test
    void newVmwareProxyRoleSelectsTransportModeAutomatically() {
        ServerRole role = ServerRole.of(RoleType.VMWARE_PROXY);

        assertEquals(Optional.of(VmwareProxySettings.AUTOMATIC), role.vmware());
        assertEquals(Optional.empty(), role.offhost());
    }

    @Test
    void newOffhostProxyRoleIsForProductionNotEvaluation() {
        ServerRole role = ServerRole.of(RoleType.HYPERV_OFFHOST_PROXY);

        assertEquals(Optional.of(OffhostProxySettings.PRODUCTION), role.offhost());
        assertFalse(role.offhost().orElseThrow().evaluation());
        assertEquals(Optional.empty(), role.vmware());
    }

    @ParameterizedTest
    @EnumSource(value = RoleType.class, names = {"BACKUP_SERVER", "GENERAL_PURPOSE_PROXY", "GUEST_INTERACTION",
            "REPOSITORY"})
    void otherRolesHaveNoSettings(RoleType type) {
        ServerRole role = ServerRole.of(type);

        assertEquals(type, role.type());
        assertEquals(Optional.empty(), role.vmware());
        assertEquals(Optional.empty(), role.offhost());
    }

    @Test
    void vmwareProxyRoleWithoutTransportSettingsIsRefused() {
        assertEquals("role: a VMware proxy role needs transport settings", refused("role",
                () -> new ServerRole(RoleType.VMWARE_PROXY, Optional.empty(), Optional.empty())).getMessage());
    }

    @Test
    void transportSettingsOnAnotherRoleAreRefused() {
        assertEquals("role: only a VMware proxy role has transport settings", refused("role",
                () -> new ServerRole(RoleType.REPOSITORY, Optional.of(VmwareProxySettings.AUTOMATIC), Optional.empty()))
                .getMessage());
    }

    @Test
    void offhostProxyRoleWithoutItsSettingsIsRefused() {
        assertEquals("role: an off-host proxy role needs its settings", refused("role",
                () -> new ServerRole(RoleType.HYPERV_OFFHOST_PROXY, Optional.empty(), Optional.empty())).getMessage());
    }

    @Test
    void offhostSettingsOnAnotherRoleAreRefused() {
        assertEquals("role: only an off-host proxy role has off-host settings", refused("role",
                () -> new ServerRole(RoleType.GENERAL_PURPOSE_PROXY, Optional.empty(),
                        Optional.of(OffhostProxySettings.PRODUCTION))).getMessage());
    }

    @Test
    void vmwareProxyRoleCannotCarryOffhostSettingsToo() {
        refused("role", () -> new ServerRole(RoleType.VMWARE_PROXY, Optional.of(VmwareProxySettings.AUTOMATIC),
                Optional.of(OffhostProxySettings.PRODUCTION)));
    }

    @Test
    void roleTypeIsRequired() {
        assertEquals("role: is required",
                refused("role", () -> new ServerRole(null, Optional.empty(), Optional.empty())).getMessage());
    }

    @Test
    void evaluationOffhostProxyKeepsItsSetting() {
        ServerRole role = ServerRole.offhostProxy(new OffhostProxySettings(true));

        assertTrue(role.offhost().orElseThrow().evaluation());
    }

    @Test
    void guestInteractionAndBackupServerRolesAreNotAssignedByTheAdministrator() {
        Set<RoleType> assignable = EnumSet.noneOf(RoleType.class);
        for (RoleType type : RoleType.values()) {
            if (type.isAssignable()) {
                assignable.add(type);
            }
        }

        assertEquals(EnumSet.of(RoleType.VMWARE_PROXY, RoleType.HYPERV_OFFHOST_PROXY, RoleType.GENERAL_PURPOSE_PROXY,
                RoleType.REPOSITORY), assignable);
    }
}
