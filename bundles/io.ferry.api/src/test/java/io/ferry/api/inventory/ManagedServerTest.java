package io.ferry.api.inventory;

import static io.ferry.api.inventory.Refusals.refused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ManagedServerTest {

    private static final String ID = "6f1c1b3e-2c57-4d0e-9a53-6c9f1f0a7b21";

    private static ManagedServer server(String name, ServerRole... roles) {
        return new ManagedServer(ID, 1, ServerSpec.builder(name, "10.0.1.21").build(), List.of(roles));
    }

    @Test
    void rolesAreListedInRoleTypeOrderWhateverOrderTheyWereGiven() {
        ManagedServer server = server("px-01", ServerRole.of(RoleType.REPOSITORY), ServerRole.of(RoleType.GUEST_INTERACTION),
                ServerRole.of(RoleType.VMWARE_PROXY));

        assertEquals(List.of(RoleType.VMWARE_PROXY, RoleType.GUEST_INTERACTION, RoleType.REPOSITORY),
                server.roles().stream().map(ServerRole::type).toList());
    }

    @Test
    void sameRoleTwiceIsRefusedNamingTheRole() {
        assertEquals("roles: role VMWARE_PROXY is listed twice", refused("roles", () -> server("px-01",
                ServerRole.of(RoleType.VMWARE_PROXY),
                ServerRole.vmwareProxy(new VmwareProxySettings(Optional.of(TransportMode.NETWORK), false, true))))
                .getMessage());
    }

    @Test
    void rolesCanBeAskedFor() {
        ManagedServer server = server("px-01", ServerRole.of(RoleType.GUEST_INTERACTION),
                ServerRole.of(RoleType.VMWARE_PROXY));

        assertTrue(server.hasRole(RoleType.VMWARE_PROXY));
        assertFalse(server.hasRole(RoleType.REPOSITORY));
        assertEquals(Optional.of(VmwareProxySettings.AUTOMATIC),
                server.role(RoleType.VMWARE_PROXY).flatMap(ServerRole::vmware));
        assertEquals(Optional.empty(), server.role(RoleType.HYPERV_OFFHOST_PROXY));
    }

    @Test
    void serverWithoutRolesIsAllowed() {
        assertEquals(List.of(), server("px-01").roles());
    }

    @Test
    void rolesCannotBeChangedAfterwards() {
        List<ServerRole> given = new ArrayList<>(List.of(ServerRole.of(RoleType.GUEST_INTERACTION)));
        ManagedServer server = new ManagedServer(ID, 1, ServerSpec.builder("px-01", "10.0.1.21").build(), given);
        given.add(ServerRole.of(RoleType.REPOSITORY));

        assertEquals(1, server.roles().size());
        assertThrows(UnsupportedOperationException.class, () -> server.roles().add(ServerRole.of(RoleType.REPOSITORY)));
    }

    @Test
    void nameIsTheDeclaredName() {
        assertEquals("px-01", server("px-01").name());
    }

    @Test
    void idSpecAndRolesAreRequired() {
        ServerSpec spec = ServerSpec.builder("px-01", "10.0.1.21").build();

        assertEquals("id: is required", refused("id", () -> new ManagedServer(" ", 1, spec, List.of())).getMessage());
        assertEquals("spec: is required", refused("spec", () -> new ManagedServer(ID, 1, null, List.of())).getMessage());
        assertEquals("roles: is required", refused("roles", () -> new ManagedServer(ID, 1, spec, null)).getMessage());
    }

    @Test
    void listingsOrderServersByNameIgnoringCase() {
        List<ManagedServer> servers = new ArrayList<>(List.of(server("px-10"), server("Backup"), server("px-02"),
                server("archive")));
        servers.sort(ManagedServer.BY_NAME);

        assertEquals(List.of("archive", "Backup", "px-02", "px-10"), servers.stream().map(ManagedServer::name).toList());
    }
}
