package io.ferry.inventory.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.ValidationException;
import io.ferry.api.inventory.HostKind;
import io.ferry.api.inventory.HostSpec;
import io.ferry.api.inventory.InventoryTransfer;
import io.ferry.api.inventory.ManagedServer;
import io.ferry.api.inventory.RoleType;
import io.ferry.api.inventory.ServerRole;
import io.ferry.api.inventory.TransportMode;
import io.ferry.api.inventory.VmSpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 13: one server, role, host or VM read in the export file's form (the REST API's
 * request bodies), with the file's validation: an error names the field, an unknown member is
 * refused, and what the listing writes reads back as the same object.
 */
class SingleObjectReadTest {
    private InventoryDatabase database;
    private InventoryTransfer transfer;
    private JdbcInventoryService inventory;

    @BeforeEach
    void start() throws Exception {
        TestDatabases.Db db = TestDatabases.h2();
        database = new InventoryDatabase(db.dataSource(), db.url(), "backup-01");
        transfer = new JsonInventoryTransfer(database);
        inventory = new JdbcInventoryService(database);
    }

    @AfterEach
    void stop() {
        database.stop();
    }

    private static ByteArrayInputStream json(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String field(Runnable read) {
        return assertThrows(ValidationException.class, read::run).field();
    }

    @Test
    void aServerAsTheListingWritesItReadsBackWithItsRolesAsListed() {
        ManagedServer backup = inventory.backupServer();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        transfer.writeServers(List.of(backup), out);
        String listed = out.toString(StandardCharsets.UTF_8).strip();
        String one = listed.substring(1, listed.length() - 1); // the array's only element
        InventoryTransfer.ServerEntry read = transfer.readServer(json(one));
        assertEquals(backup.spec(), read.spec());
        assertEquals(backup.roles(), read.roles());

        // roles exactly as listed: guest interaction is not added (the service adds it to a new server)
        InventoryTransfer.ServerEntry bare = transfer.readServer(json("{\"name\": \"px-01\", \"address\": \"10.0.1.5\","
                + " \"os\": \"linux:debian:12\", \"machineKind\": \"VIRTUAL\"}"));
        assertEquals(List.of(), bare.roles());
        assertEquals("px-01", bare.spec().name());
    }

    @Test
    void badServersAreRefusedNamingTheField() {
        String server = "{\"name\": \"px-01\", \"address\": \"10.0.1.5\", \"os\": \"linux:debian:12\","
                + " \"machineKind\": \"VIRTUAL\"%s}";
        assertEquals("adress", field(() -> transfer.readServer(json(String.format(server, ", \"adress\": \"x\"")))));
        assertEquals("networks[0]", field(() -> transfer.readServer(json(String.format(server,
                ", \"networks\": [\"10.0.1.0/99\"]")))));
        assertEquals("roles[0].type", field(() -> transfer.readServer(json(String.format(server,
                ", \"roles\": [{\"type\": \"KING\"}]")))));
        assertEquals("roles", field(() -> transfer.readServer(json(String.format(server,
                ", \"roles\": [{\"type\": \"REPOSITORY\"}, {\"type\": \"REPOSITORY\"}]")))));
        assertEquals("maxConcurrentTasks", field(() -> transfer.readServer(json(String.format(server,
                ", \"maxConcurrentTasks\": \"many\"")))));
        assertEquals("address", field(() -> transfer.readServer(json("{\"name\": \"px-01\"}"))));
        ValidationException malformed = assertThrows(ValidationException.class,
                () -> transfer.readServer(json("{\"name\": ")));
        assertTrue(malformed.getMessage().contains("malformed JSON at line 1"), malformed.getMessage());
        assertThrows(ValidationException.class, () -> transfer.readServer(json("[]")));
        assertThrows(ValidationException.class, () -> transfer.readServer(json(String.format(server, "") + " {}")));
    }

    @Test
    void aRoleReadsWithItsSettingsAndSettingsOfOtherRolesAreRefused() {
        ServerRole proxy = transfer.readRole(json("{\"type\": \"vmware-proxy\", \"transportMode\": \"NETWORK\","
                + " \"failoverToNetwork\": false}"));
        assertEquals(RoleType.VMWARE_PROXY, proxy.type());
        assertEquals(TransportMode.NETWORK, proxy.vmware().orElseThrow().fixedMode().orElseThrow());
        assertEquals(ServerRole.of(RoleType.REPOSITORY), transfer.readRole(json("{\"type\": \"REPOSITORY\"}")));
        assertEquals("transportMode", field(() -> transfer.readRole(json("{\"type\": \"REPOSITORY\","
                + " \"transportMode\": \"NBD\"}"))));
        assertEquals("type", field(() -> transfer.readRole(json("{}"))));
        assertEquals("colour", field(() -> transfer.readRole(json("{\"type\": \"REPOSITORY\", \"colour\": 1}"))));
    }

    @Test
    void hostsAndVmsReadAsTheFileStatesThemAndNameTheirBadFields() {
        HostSpec host = transfer.readHost(json("{\"name\": \"pve-09\", \"kind\": \"PROXMOX_NODE\", \"address\":"
                + " \"10.0.9.1\", \"storage\": [{\"name\": \"local-lvm\", \"kind\": \"PVE_POOL\"}]}"));
        assertEquals(HostKind.PROXMOX_NODE, host.kind());
        assertEquals("local-lvm", host.storage().get(0).name());
        assertEquals("storage[0].kind", field(() -> transfer.readHost(json("{\"name\": \"pve-09\", \"kind\":"
                + " \"PROXMOX_NODE\", \"address\": \"10.0.9.1\", \"storage\": [{\"name\": \"x\", \"kind\": \"TAPE\"}]}"))));
        assertEquals("kind", field(() -> transfer.readHost(json("{\"name\": \"pve-09\", \"address\": \"10.0.9.1\"}"))));

        String vm = "{\"name\": \"web-09\", \"host\": \"pve-09\", \"guestOs\": \"linux:debian:12\", \"disks\":"
                + " [{\"label\": \"scsi0\", \"capacityBytes\": %s, \"format\": \"RAW\", \"location\": \"/dev/x\"}]}";
        VmSpec read = transfer.readVm(json(String.format(vm, "1073741824")));
        assertEquals(1073741824L, read.disks().get(0).capacityBytes());
        assertEquals("disks[0].capacityBytes", field(() -> transfer.readVm(json(String.format(vm, "\"1G\"")))));
        assertEquals("disks[0].capacityBytes", field(() -> transfer.readVm(json(String.format(vm, "-1")))));
        assertEquals("vhd", field(() -> transfer.readVm(json(String.format(vm, "1").replace("}]}",
                "}], \"vhd\": true}")))));
    }
}
