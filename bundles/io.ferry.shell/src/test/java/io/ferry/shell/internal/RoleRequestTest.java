package io.ferry.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.ValidationException;
import io.ferry.api.inventory.OffhostProxySettings;
import io.ferry.api.inventory.RoleType;
import io.ferry.api.inventory.ServerRole;
import io.ferry.api.inventory.TransportMode;
import io.ferry.api.inventory.VmwareProxySettings;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RoleRequestTest {

    @Test
    void assignableRolesAcceptCaseAndSeparatorVariants() {
        assertEquals(RoleType.VMWARE_PROXY, RoleRequest.assignableRole("VMware_Proxy"));
        assertEquals(RoleType.HYPERV_OFFHOST_PROXY, RoleRequest.assignableRole("hyperv-offhost-proxy"));
        assertEquals(RoleType.GENERAL_PURPOSE_PROXY, RoleRequest.assignableRole("general_purpose_proxy"));
        assertEquals(RoleType.REPOSITORY, RoleRequest.assignableRole("REPOSITORY"));
    }

    @Test
    void unknownRoleListsOnlyAssignableRoles() {
        assertEquals("ROLE: 'proxy' is not one of: vmware-proxy, hyperv-offhost-proxy, general-purpose-proxy, repository",
                message(() -> RoleRequest.assignableRole("proxy")));
    }

    /** seed 001_7a67f23d89d19bc8.txt: every managed server holds guest interaction; it is not assigned. */
    @Test
    void guestInteractionAndBackupServerAreNotAssignedExplainingWhy() {
        assertTrue(message(() -> RoleRequest.assignableRole("guest-interaction")).contains("held by every managed server"));
        assertTrue(message(() -> RoleRequest.assignableRole("backup_server")).contains("the one server running"));
    }

    @Test
    void filterRoleAcceptsEveryRole() {
        assertEquals(RoleType.GUEST_INTERACTION, RoleRequest.roleType("guest-interaction", "--role"));
        assertEquals(RoleType.BACKUP_SERVER, RoleRequest.roleType("backup-server", "--role"));
        assertTrue(message(() -> RoleRequest.roleType("nope", "--role")).startsWith("--role: 'nope' is not one of:"));
    }

    /** seed 003_4fc908c7710b8ec3.txt: transport mode chosen automatically unless fixed. */
    @Test
    void vmwareProxyDefaultsToAutomaticModeWithFailover() {
        assertEquals(ServerRole.vmwareProxy(VmwareProxySettings.AUTOMATIC),
                RoleRequest.role(RoleType.VMWARE_PROXY, null, false, false, false));
        assertEquals(ServerRole.vmwareProxy(VmwareProxySettings.AUTOMATIC),
                RoleRequest.role(RoleType.VMWARE_PROXY, "AUTO", false, false, false));
    }

    @Test
    void vmwareProxyWithFixedModeNoFailoverAndEncryption() {
        ServerRole role = RoleRequest.role(RoleType.VMWARE_PROXY, "virtual_appliance", true, true, false);
        assertEquals(new VmwareProxySettings(Optional.of(TransportMode.VIRTUAL_APPLIANCE), false, true),
                role.vmware().orElseThrow());
    }

    @Test
    void transportModesThatCannotBeFixedSayWhatToDoInstead() {
        assertEquals("--transport-mode: network-ssl is network mode with encryption: use --transport-mode network"
                + " --encrypt-network", message(() -> RoleRequest.role(RoleType.VMWARE_PROXY, "network-ssl", false, false, false)));
        assertTrue(message(() -> RoleRequest.role(RoleType.VMWARE_PROXY, "backup-from-storage-snapshots", false, false,
                false)).contains("storage plugins offer it"));
        assertEquals("--transport-mode: 'hotadd' is not one of: auto, direct-storage-access, virtual-appliance, network",
                message(() -> RoleRequest.role(RoleType.VMWARE_PROXY, "hotadd", false, false, false)));
    }

    @Test
    void noFailoverNeedsAFixedModeOtherThanNetwork() {
        assertTrue(message(() -> RoleRequest.role(RoleType.VMWARE_PROXY, null, true, false, false))
                .startsWith("--no-failover: applies only to a fixed --transport-mode"));
        assertTrue(message(() -> RoleRequest.role(RoleType.VMWARE_PROXY, "network", true, false, false))
                .startsWith("--no-failover: means nothing with --transport-mode network"));
    }

    /** seed 004_896724e719374b4d.txt: a VM may be an off-host proxy for evaluation only. */
    @Test
    void offhostProxyEvaluationFlag() {
        assertEquals(ServerRole.offhostProxy(OffhostProxySettings.PRODUCTION),
                RoleRequest.role(RoleType.HYPERV_OFFHOST_PROXY, null, false, false, false));
        assertEquals(ServerRole.offhostProxy(new OffhostProxySettings(true)),
                RoleRequest.role(RoleType.HYPERV_OFFHOST_PROXY, null, false, false, true));
    }

    @Test
    void optionsOfAnotherRoleAreRefusedNamingTheRoleTheyBelongTo() {
        assertEquals("--transport-mode: applies only to the vmware-proxy role, not to hyperv-offhost-proxy",
                message(() -> RoleRequest.role(RoleType.HYPERV_OFFHOST_PROXY, "network", false, false, false)));
        assertEquals("--no-failover: applies only to the vmware-proxy role, not to repository",
                message(() -> RoleRequest.role(RoleType.REPOSITORY, null, true, false, false)));
        assertEquals("--encrypt-network: applies only to the vmware-proxy role, not to general-purpose-proxy",
                message(() -> RoleRequest.role(RoleType.GENERAL_PURPOSE_PROXY, null, false, true, false)));
        assertEquals("--evaluation: applies only to the hyperv-offhost-proxy role, not to vmware-proxy",
                message(() -> RoleRequest.role(RoleType.VMWARE_PROXY, null, false, false, true)));
    }

    @Test
    void rolesWithoutSettings() {
        assertEquals(ServerRole.of(RoleType.REPOSITORY), RoleRequest.role(RoleType.REPOSITORY, null, false, false, false));
        assertEquals(List.of("auto", "direct-storage-access", "virtual-appliance", "network"),
                RoleRequest.transportModeChoices());
    }

    private static String message(org.junit.jupiter.api.function.Executable action) {
        return assertThrows(ValidationException.class, action).getMessage();
    }
}
