package io.ferry.inventory.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.audit.AuditEntry;
import io.ferry.api.audit.AuditQuery;
import io.ferry.api.audit.AuditResult;
import io.ferry.api.inventory.HostKind;
import io.ferry.api.inventory.ImportReport;
import io.ferry.api.inventory.InventorySnapshot;
import io.ferry.api.inventory.RoleType;
import io.ferry.api.inventory.ServerRole;
import io.ferry.api.inventory.VmQuery;
import io.ferry.api.security.AccessDeniedException;
import io.ferry.api.security.FerryRole;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.security.auth.Subject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The role table of issue 11 enforced by the inventory services themselves (not only by the
 * shell's command ACLs): real services on H2, called under the Subject of a viewer, an
 * operator and an administrator, as Karaf's shell and any later front end call them.
 */
class ServiceRolesTest {
    private static final Subject VIEWER = Subjects.user("vera", "ssh", "ferry-viewer");
    private static final Subject OPERATOR = Subjects.user("otto", "ferry-operator");
    private static final Subject ADMIN = Subjects.user("ann", "ferry-admin");
    private static final Subject KARAF_ADMIN = Subjects.user("karaf", "admin");
    private static final Subject NO_FERRY_ROLE = Subjects.user("sam", "ssh", "viewer");

    @TempDir
    Path tmp;
    private InventoryDatabase database;
    private JdbcInventoryService inventory;
    private JdbcJobService jobs;
    private JsonInventoryTransfer transfer;
    private Path importFile;

    @BeforeEach
    void open() throws Exception {
        TestDatabases.Db db = TestDatabases.h2();
        database = new InventoryDatabase(db.dataSource(), db.url(), "backup-01");
        inventory = new JdbcInventoryService(database);
        jobs = new JdbcJobService(database);
        transfer = new JsonInventoryTransfer(database);
        // set up as Ferry's own work (no Subject)
        InventoryFixtures.populate(inventory);
        jobs.createJob(JobFixtures.webNightly());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        transfer.exportTo(out);
        importFile = Files.write(tmp.resolve("inventory.json"), out.toByteArray());
    }

    @AfterEach
    void close() {
        database.stop();
    }

    /** Every method of the inventory services that changes something (or writes the catalog out). */
    private Map<String, Runnable> mutatingCalls() {
        Map<String, Runnable> calls = new LinkedHashMap<>();
        calls.put("server-add", () -> inventory.addServer(InventoryFixtures.linux("px-new", "10.0.9.9").build()));
        calls.put("server-update", () -> inventory.updateServer("rocky-01", 1,
                InventoryFixtures.linux("rocky-01", "10.0.9.10").build()));
        calls.put("role-assign", () -> inventory.assignRole("rocky-01", ServerRole.of(RoleType.REPOSITORY)));
        calls.put("role-remove", () -> inventory.removeRole("rocky-01", RoleType.REPOSITORY));
        calls.put("host-add", () -> inventory.addHost(InventoryFixtures.host("pve-09", HostKind.PROXMOX_NODE,
                Optional.empty())));
        calls.put("host-remove", () -> inventory.removeHost("pve-09"));
        calls.put("vm-add", () -> inventory.addVm(InventoryFixtures.vm("web-09", "esx-01",
                io.ferry.api.inventory.OsInfo.linux("debian", "12"), "ds-san-01")));
        calls.put("vm-remove", () -> inventory.removeVm("web-09"));
        calls.put("job-create", () -> jobs.createJob(JobFixtures.sqlHourly()));
        calls.put("job-update", () -> jobs.updateJob("web-nightly", jobs.job("web-nightly").orElseThrow().version(),
                JobFixtures.dcDaily()));
        calls.put("job-delete", () -> jobs.deleteJob("sql-hourly"));
        calls.put("server-remove", () -> inventory.removeServer("rocky-01"));
        calls.put("inventory-import", () -> transfer.importFrom(importFile, false));
        calls.put("inventory-export", () -> transfer.exportTo(new ByteArrayOutputStream()));
        calls.put("host-update", () -> inventory.updateHost("pve-01", 1, InventoryFixtures.host("pve-01",
                HostKind.PROXMOX_NODE, Optional.empty(), new io.ferry.api.inventory.HostStorage("local-lvm",
                        io.ferry.api.inventory.StorageKind.PVE_POOL, false), new io.ferry.api.inventory.HostStorage(
                        "nfs-01", io.ferry.api.inventory.StorageKind.NFS, false))));
        calls.put("vm-update", () -> inventory.updateVm("sql-01", 1, InventoryFixtures.vm("sql-02", "hv-01",
                io.ferry.api.inventory.OsInfo.windows("server", "2019"), null)));
        return calls;
    }

    /** Every read of the inventory services. */
    private Map<String, Runnable> reads() {
        Map<String, Runnable> calls = new LinkedHashMap<>();
        calls.put("server-list", inventory::servers);
        calls.put("server-show", () -> inventory.server("px-lin-01"));
        calls.put("backup-server", inventory::backupServer);
        calls.put("host-list", inventory::hosts);
        calls.put("host-show", () -> inventory.host("esx-01"));
        calls.put("vm-list", () -> inventory.vms(VmQuery.all()));
        calls.put("vm-show", () -> inventory.vm("web-01"));
        calls.put("summary", inventory::summary);
        calls.put("snapshot", inventory::snapshot);
        calls.put("job-list", jobs::jobs);
        calls.put("job-show", () -> jobs.job("web-nightly"));
        calls.put("write-servers", () -> transfer.writeServers(List.of(), new ByteArrayOutputStream()));
        calls.put("write-hosts", () -> transfer.writeHosts(List.of(), new ByteArrayOutputStream()));
        calls.put("write-vms", () -> transfer.writeVms(List.of(), new ByteArrayOutputStream()));
        return calls;
    }

    private String state() {
        InventorySnapshot s = inventory.snapshot();
        return s + " " + jobs.jobs();
    }

    @Test
    void aViewerIsRefusedEveryChangeAndNothingChanges() {
        String before = state();
        for (Map.Entry<String, Runnable> call : mutatingCalls().entrySet()) {
            AccessDeniedException e = assertThrows(AccessDeniedException.class,
                    () -> Subjects.run(VIEWER, call.getValue()), call.getKey());
            assertEquals(call.getKey(), e.action());
            assertEquals(FerryRole.ADMIN, e.required());
            assertTrue(e.getMessage().startsWith("User 'vera' (ferry-viewer) may not " + call.getKey()
                    + ": it needs role ferry-admin"), e.getMessage());
        }
        assertEquals(before, state());
    }

    @Test
    void anOperatorCannotChangeTheInventoryOrImport() {
        String before = state();
        for (Map.Entry<String, Runnable> call : mutatingCalls().entrySet()) {
            assertThrows(AccessDeniedException.class, () -> Subjects.run(OPERATOR, call.getValue()), call.getKey());
        }
        assertEquals(before, state());
    }

    @Test
    void viewersAndOperatorsReadEverything() {
        for (Subject who : List.of(VIEWER, OPERATOR)) {
            reads().forEach((name, call) -> Subjects.run(who, call));
        }
        assertEquals(4, Subjects.as(VIEWER, inventory::servers).size());
        assertEquals(List.of("web-nightly"), Subjects.as(VIEWER, () -> jobs.jobs().stream().map(j -> j.name())
                .toList()));
    }

    @Test
    void aUserWithoutAFerryRoleCannotEvenRead() {
        for (Map.Entry<String, Runnable> call : reads().entrySet()) {
            AccessDeniedException e = assertThrows(AccessDeniedException.class,
                    () -> Subjects.run(NO_FERRY_ROLE, call.getValue()), call.getKey());
            assertEquals(FerryRole.VIEWER, e.required());
        }
    }

    @Test
    void anAdministratorMayDoEverything() {
        Map<String, Runnable> calls = mutatingCalls();
        calls.remove("inventory-import"); // imported last: it replaces the inventory
        for (Map.Entry<String, Runnable> call : calls.entrySet()) {
            Subjects.run(ADMIN, call.getValue());
        }
        assertTrue(inventory.server("px-new").isPresent());
        assertTrue(inventory.server("rocky-01").isEmpty());
        assertTrue(inventory.host("pve-09").isEmpty());
        assertTrue(inventory.vm("web-09").isEmpty());
        assertEquals(2, inventory.host("pve-01").orElseThrow().spec().storage().size());
        assertTrue(inventory.vm("sql-02").isPresent());
        List<AuditEntry> audited = new JdbcAuditLog(database).query(new AuditQuery(Optional.empty(),
                Optional.of("ANN"), 100, java.util.OptionalLong.empty())).entries();
        assertEquals(calls.size(), audited.size());
        assertTrue(audited.stream().allMatch(e -> e.user().equals("ann") && e.result() == AuditResult.OK), audited::toString);
        assertTrue(jobs.job("web-nightly").isEmpty());
        assertTrue(jobs.job("dc-daily").isPresent());
        assertTrue(jobs.job("sql-hourly").isEmpty());
        ImportReport report = Subjects.as(KARAF_ADMIN, () -> transfer.importFrom(importFile, false));
        assertTrue(report.applied());
        assertTrue(inventory.server("rocky-01").isPresent());
    }

    @Test
    void karafsAdminRoleIsAFerryAdministrator() {
        Subjects.run(KARAF_ADMIN, () -> inventory.removeVm("sql-01"));
        assertTrue(inventory.vm("sql-01").isEmpty());
    }

    @Test
    void callsWithNoSubjectAreFerrysOwnWorkRecordedAsSystem() {
        inventory.removeVm("sql-01");
        assertFalse(inventory.vm("sql-01").isPresent());
        AuditEntry last = new JdbcAuditLog(database).query(AuditQuery.latest(1)).entries().get(0);
        assertEquals("system", last.user());
        assertEquals("vm-remove", last.action());
        assertEquals("sql-01", last.target());
        assertEquals(AuditResult.OK, last.result());
    }

    @Test
    void everyRefusalIsAudited() {
        for (Runnable call : mutatingCalls().values()) {
            assertThrows(AccessDeniedException.class, () -> Subjects.run(VIEWER, call));
        }
        List<AuditEntry> entries = new JdbcAuditLog(database).query(AuditQuery.latest(100)).entries();
        List<String> refused = entries.stream().filter(e -> e.user().equals("vera")).map(AuditEntry::action)
                .collect(java.util.stream.Collectors.toCollection(java.util.ArrayList::new));
        java.util.Collections.reverse(refused);
        assertEquals(List.copyOf(mutatingCalls().keySet()), refused);
        assertTrue(entries.stream().filter(e -> e.user().equals("vera"))
                .allMatch(e -> e.result() == AuditResult.DENIED && e.message().contains("needs role ferry-admin")));
    }
}
