package io.ferry.inventory.internal;

import static io.ferry.inventory.internal.InventoryFixtures.linux;
import static io.ferry.inventory.internal.InventoryFixtures.windows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.ConflictException;
import io.ferry.api.FerryException;
import io.ferry.api.NotFoundException;
import io.ferry.api.ReferencedException;
import io.ferry.api.ValidationException;
import io.ferry.api.inventory.Cidr;
import io.ferry.api.inventory.HostKind;
import io.ferry.api.inventory.HostSpec;
import io.ferry.api.inventory.HostStorage;
import io.ferry.api.inventory.InventorySnapshot;
import io.ferry.api.inventory.MachineKind;
import io.ferry.api.inventory.ManagedServer;
import io.ferry.api.inventory.OffhostProxySettings;
import io.ferry.api.inventory.OsInfo;
import io.ferry.api.inventory.RoleType;
import io.ferry.api.inventory.ServerFacts;
import io.ferry.api.inventory.ServerRole;
import io.ferry.api.inventory.ServerSpec;
import io.ferry.api.inventory.StorageKind;
import io.ferry.api.inventory.VmQuery;
import io.ferry.api.inventory.VmSpec;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The inventory's behaviour, run against each real database by the subclasses. */
abstract class InventoryContractTest {
    protected TestDatabases.Db db;
    protected InventoryDatabase database;
    protected JdbcInventoryService inventory;
    protected JsonInventoryTransfer transfer;
    @org.junit.jupiter.api.io.TempDir
    protected java.nio.file.Path tmp;

    abstract TestDatabases.Db newDatabase() throws Exception;

    @BeforeEach
    void open() throws Exception {
        db = newDatabase();
        database = new InventoryDatabase(db.dataSource(), db.url(), "backup-01");
        inventory = new JdbcInventoryService(database);
        transfer = new JsonInventoryTransfer(database);
    }

    @AfterEach
    void close() {
        if (database != null) {
            database.stop();
        }
    }

    // --- backup server and default roles ----------------------------------------------

    @Test
    @DisplayName("seed 002_d60b83a366957625.txt, 003_4fc908c7710b8ec3.txt: a fresh inventory lists this machine as"
            + " the backup server, which is the default VMware and general-purpose proxy")
    void freshInventoryHasThisMachineAsBackupServerWithDefaultProxyRoles() {
        List<ManagedServer> servers = inventory.servers();
        assertEquals(1, servers.size());
        ManagedServer backup = inventory.backupServer();
        assertEquals("backup-01", backup.name());
        for (RoleType r : List.of(RoleType.BACKUP_SERVER, RoleType.VMWARE_PROXY, RoleType.GENERAL_PURPOSE_PROXY,
                RoleType.GUEST_INTERACTION)) {
            assertTrue(backup.hasRole(r), "backup server holds " + r);
        }
    }

    @Test
    @DisplayName("seed 002/003: there is exactly one backup server; the role can be neither assigned nor removed")
    void backupServerRoleCannotBeAssignedOrRemoved() {
        inventory.addServer(linux("px-01", "10.0.1.21").build());
        ValidationException assign = assertThrows(ValidationException.class,
                () -> inventory.assignRole("px-01", ServerRole.of(RoleType.BACKUP_SERVER)));
        assertTrue(assign.getMessage().contains("exactly one backup server"), assign.getMessage());
        assertThrows(ValidationException.class, () -> inventory.removeRole("backup-01", RoleType.BACKUP_SERVER));
        assertEquals(List.of("backup-01"), inventory.servers().stream().filter(s -> s.hasRole(RoleType.BACKUP_SERVER))
                .map(ManagedServer::name).toList());
    }

    @Test
    void backupServerCannotBeDisabledOrRemoved() {
        ManagedServer backup = inventory.backupServer();
        ValidationException disable = assertThrows(ValidationException.class, () -> inventory.updateServer(
                "backup-01", backup.version(), backup.spec().toBuilder().enabled(false).build()));
        assertTrue(disable.getMessage().contains("cannot be disabled"), disable.getMessage());
        ReferencedException remove = assertThrows(ReferencedException.class, () -> inventory.removeServer("backup-01"));
        assertTrue(remove.getMessage().contains("backup server"), remove.getMessage());
    }

    @Test
    void restartKeepsDataAndDoesNotRegisterASecondBackupServer() throws Exception {
        inventory.addServer(linux("px-01", "10.0.1.21").build());
        database.stop();
        database = new InventoryDatabase(db.dataSource(), db.url(), "another-name");
        inventory = new JdbcInventoryService(database);
        assertEquals(List.of("backup-01", "px-01"), inventory.servers().stream().map(ManagedServer::name).toList());
    }

    // --- seed 001: guest interaction -------------------------------------------------

    @Test
    @DisplayName("seed 001_7a67f23d89d19bc8.txt: every server added gets the guest interaction role")
    void everyAddedServerGetsTheGuestInteractionRole() {
        ManagedServer added = inventory.addServer(windows("px-win", "10.0.2.5").build());
        assertEquals(List.of(RoleType.GUEST_INTERACTION), added.roles().stream().map(ServerRole::type).toList());
        assertThrows(ValidationException.class, () -> inventory.removeRole("px-win", RoleType.GUEST_INTERACTION));
    }

    @Test
    @DisplayName("seed 001_7a67f23d89d19bc8.txt: RHEL/Rocky 9+ without libmsi1, samba-client, samba-common-tools"
            + " is refused, naming the missing packages")
    void rhel9ServerWithoutGuestInteractionPackagesIsRefusedNamingThem() {
        ServerSpec rocky = linux("rocky-01", "10.0.1.30").os(OsInfo.linux("rocky", "9.3"))
                .installedPackages(List.of("libmsi1")).build();
        ValidationException e = assertThrows(ValidationException.class, () -> inventory.addServer(rocky));
        assertEquals("installedPackages", e.field());
        assertTrue(e.getMessage().contains("samba-client, samba-common-tools"), e.getMessage());
        assertFalse(e.getMessage().contains("libmsi1,"), e.getMessage());
        assertTrue(inventory.server("rocky-01").isEmpty(), "nothing was written");

        ServerSpec rhel10 = linux("rhel-10", "10.0.1.31").os(OsInfo.linux("rhel", "10.0")).build();
        assertThrows(ValidationException.class, () -> inventory.addServer(rhel10));

        inventory.addServer(linux("rocky-8", "10.0.1.32").os(OsInfo.linux("rocky", "8.10")).build());
        inventory.addServer(rocky.toBuilder().installedPackages(
                List.of("libmsi1", "samba-client", "samba-common-tools")).build());
        assertTrue(inventory.server("rocky-01").isPresent());
    }

    @Test
    @DisplayName("seed 001: an update that moves a server to RHEL 9 without the packages is refused")
    void updateToRhel9WithoutPackagesIsRefused() {
        ManagedServer s = inventory.addServer(linux("lin-01", "10.0.1.40").os(OsInfo.linux("rhel", "8.9")).build());
        assertThrows(ValidationException.class, () -> inventory.updateServer("lin-01", s.version(),
                s.spec().toBuilder().os(OsInfo.linux("rhel", "9.4")).build()));
        assertEquals("8.9", inventory.server("lin-01").orElseThrow().spec().os().version());
    }

    // --- seed 004: off-host proxies --------------------------------------------------

    @Test
    @DisplayName("seed 004_896724e719374b4d.txt: the off-host proxy role needs a Hyper-V server in the inventory first")
    void offhostProxyNeedsAHyperVServerFirst() {
        inventory.addServer(windows("px-hv", "10.0.2.21").machineKind(MachineKind.PHYSICAL).build());
        ValidationException e = assertThrows(ValidationException.class,
                () -> inventory.assignRole("px-hv", ServerRole.offhostProxy(OffhostProxySettings.PRODUCTION)));
        assertTrue(e.getMessage().contains("no Microsoft Hyper-V server"), e.getMessage());
        inventory.addHost(InventoryFixtures.host("hv-01", HostKind.HYPERV_HOST, Optional.empty()));
        assertTrue(inventory.assignRole("px-hv", ServerRole.offhostProxy(OffhostProxySettings.PRODUCTION))
                .hasRole(RoleType.HYPERV_OFFHOST_PROXY));
    }

    @Test
    @DisplayName("seed 004_896724e719374b4d.txt: a VM is an off-host proxy only with the evaluation flag and nested Hyper-V")
    void virtualOffhostProxyNeedsEvaluationFlagAndNestedHyperV() {
        inventory.addHost(InventoryFixtures.host("hv-01", HostKind.HYPERV_HOST, Optional.empty()));
        ManagedServer vm = inventory.addServer(windows("px-vm", "10.0.2.22").machineKind(MachineKind.VIRTUAL).build());
        ValidationException plain = assertThrows(ValidationException.class,
                () -> inventory.assignRole("px-vm", ServerRole.offhostProxy(OffhostProxySettings.PRODUCTION)));
        assertTrue(plain.getMessage().contains("it is a virtual machine"), plain.getMessage());
        ServerRole evaluation = ServerRole.offhostProxy(new OffhostProxySettings(true));
        ValidationException noNested = assertThrows(ValidationException.class,
                () -> inventory.assignRole("px-vm", evaluation));
        assertTrue(noNested.getMessage().contains("nested Hyper-V"), noNested.getMessage());
        inventory.updateServer("px-vm", vm.version(),
                vm.spec().toBuilder().fact(ServerFacts.NESTED_HYPERV, "true").build());
        assertTrue(inventory.assignRole("px-vm", evaluation).hasRole(RoleType.HYPERV_OFFHOST_PROXY));
    }

    @Test
    @DisplayName("seed 004: a Linux server cannot be an off-host proxy; turning an off-host proxy virtual is refused")
    void offhostProxyRulesHoldOnUpdateToo() {
        inventory.addHost(InventoryFixtures.host("hv-01", HostKind.HYPERV_HOST, Optional.empty()));
        inventory.addServer(linux("px-lin", "10.0.1.50").machineKind(MachineKind.PHYSICAL).build());
        assertThrows(ValidationException.class,
                () -> inventory.assignRole("px-lin", ServerRole.offhostProxy(OffhostProxySettings.PRODUCTION)));
        inventory.addServer(windows("px-hv", "10.0.2.21").machineKind(MachineKind.PHYSICAL).build());
        ManagedServer proxy = inventory.assignRole("px-hv", ServerRole.offhostProxy(OffhostProxySettings.PRODUCTION));
        assertThrows(ValidationException.class, () -> inventory.updateServer("px-hv", proxy.version(),
                proxy.spec().toBuilder().machineKind(MachineKind.VIRTUAL).build()));
        ReferencedException lastHost = assertThrows(ReferencedException.class, () -> inventory.removeHost("hv-01"));
        assertTrue(lastHost.getMessage().contains("px-hv"), lastHost.getMessage());
    }

    // --- names, locking, references --------------------------------------------------

    @Test
    void namesAreUniqueIgnoringCase() {
        inventory.addServer(linux("px-01", "10.0.1.21").build());
        ConflictException e = assertThrows(ConflictException.class,
                () -> inventory.addServer(linux("PX-01", "10.0.1.22").build()));
        assertTrue(e.getMessage().contains("'PX-01' already exists"), e.getMessage());
        assertEquals("10.0.1.21", inventory.server("Px-01").orElseThrow().spec().address());
    }

    @Test
    void updateBasedOnAStaleVersionIsRefusedAndOverwritesNothing() {
        ManagedServer read1 = inventory.addServer(linux("px-01", "10.0.1.21").build());
        ManagedServer read2 = inventory.server("px-01").orElseThrow();
        inventory.updateServer("px-01", read1.version(), read1.spec().toBuilder().site("hq").build());
        ConflictException e = assertThrows(ConflictException.class, () -> inventory.updateServer("px-01",
                read2.version(), read2.spec().toBuilder().site("branch").build()));
        assertTrue(e.getMessage().contains("changed by someone else"), e.getMessage());
        ManagedServer now = inventory.server("px-01").orElseThrow();
        assertEquals(Optional.of("hq"), now.spec().site());
        assertEquals(2, now.version());
    }

    @Test
    void concurrentEditsOfTheSameServerNeverBothWin() throws Exception {
        ManagedServer read = inventory.addServer(linux("px-01", "10.0.1.21").build());
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<String>> results = List.of("hq", "branch").stream().map(site -> pool.submit(() -> {
                start.await();
                try {
                    inventory.updateServer("px-01", read.version(), read.spec().toBuilder().site(site).build());
                    return "won:" + site;
                } catch (ConflictException e) {
                    return "conflict";
                }
            })).toList();
            start.countDown();
            List<String> outcomes = List.of(results.get(0).get(30, TimeUnit.SECONDS),
                    results.get(1).get(30, TimeUnit.SECONDS));
            assertEquals(1, outcomes.stream().filter(o -> o.equals("conflict")).count(), outcomes.toString());
            String winner = outcomes.stream().filter(o -> o.startsWith("won:")).findFirst().orElseThrow().substring(4);
            assertEquals(Optional.of(winner), inventory.server("px-01").orElseThrow().spec().site());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void removingAServerThatHoldsRolesOrIsAHostIsRefusedListingTheReferences() {
        inventory.addServer(windows("hv-01", "10.0.2.30").machineKind(MachineKind.PHYSICAL).build());
        inventory.assignRole("hv-01", ServerRole.of(RoleType.REPOSITORY));
        inventory.addHost(new HostSpec("hv-01", HostKind.HYPERV_HOST, "10.0.2.30", Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.of("hv-01"), List.of()));
        ReferencedException e = assertThrows(ReferencedException.class, () -> inventory.removeServer("hv-01"));
        assertEquals(2, e.references().size(), e.references().toString());
        assertTrue(e.getMessage().contains("REPOSITORY") && e.getMessage().contains("host 'hv-01'"), e.getMessage());
        inventory.removeRole("hv-01", RoleType.REPOSITORY);
        inventory.removeHost("hv-01");
        inventory.removeServer("hv-01");
        assertTrue(inventory.server("hv-01").isEmpty());
        assertThrows(NotFoundException.class, () -> inventory.removeServer("hv-01"));
    }

    @Test
    void hostsAndVmsAreCheckedAgainstTheInventory() {
        InventoryFixtures.populate(inventory);
        assertThrows(ValidationException.class, () -> inventory.addHost(
                InventoryFixtures.host("esx-02", HostKind.ESXI, Optional.of("hv-cluster"))));
        ValidationException onVcenter = assertThrows(ValidationException.class, () -> inventory.addVm(
                InventoryFixtures.vm("x-01", "vc-01", OsInfo.linux("debian", "12"), null)));
        assertTrue(onVcenter.getMessage().contains("runs no VMs"), onVcenter.getMessage());
        ValidationException storage = assertThrows(ValidationException.class, () -> inventory.addVm(
                InventoryFixtures.vm("x-02", "esx-01", OsInfo.linux("debian", "12"), "csv-01")));
        assertEquals("disks[0].storage", storage.field());
        // CSV declared on the cluster is visible to its node (parent storage)
        inventory.addVm(InventoryFixtures.vm("x-03", "hv-01", OsInfo.windows("server", "2022"), "csv-01"));
        ReferencedException busy = assertThrows(ReferencedException.class, () -> inventory.removeHost("esx-01"));
        assertTrue(busy.getMessage().contains("web-01"), busy.getMessage());
    }

    @Test
    void vmQueriesFilterPageAndOrderByName() {
        InventoryFixtures.populate(inventory);
        assertEquals(List.of("dc-01", "sql-01", "web-01"),
                inventory.vms(VmQuery.all()).stream().map(v -> v.name()).toList());
        assertEquals(List.of("sql-01"), inventory.vms(VmQuery.all().onHost("HV-01")).stream().map(v -> v.name()).toList());
        assertEquals(List.of("web-01"), inventory.vms(VmQuery.all().nameContains("EB")).stream().map(v -> v.name()).toList());
        assertEquals(List.of("sql-01"), inventory.vms(VmQuery.all().page(1, 1)).stream().map(v -> v.name()).toList());
        VmSpec dc = inventory.vm("dc-01").orElseThrow().spec();
        assertTrue(dc.credentials().orElseThrow().gmsa());
        assertEquals(2, dc.disks().size());
        assertEquals("disk-0", dc.disks().get(0).label());
        InventorySnapshot snapshot = inventory.snapshot();
        assertEquals(4, snapshot.servers().size());
        assertEquals(5, snapshot.hosts().size());
        assertEquals(3, snapshot.vms().size());
        assertEquals(6, inventory.summary().disks());
    }

    @Test
    void serversRoundTripEveryField() {
        InventoryFixtures.populate(inventory);
        ManagedServer win = inventory.server("px-win-01").orElseThrow();
        assertEquals(List.of(Cidr.of("10.0.2.0/24"), Cidr.of("192.168.10.0/24")), win.spec().networks());
        assertEquals(Optional.of("corp.example"), win.spec().domain());
        assertEquals("5.1", win.spec().facts().get(ServerFacts.POWERSHELL_VERSION));
        assertEquals(List.of(RoleType.HYPERV_OFFHOST_PROXY, RoleType.GUEST_INTERACTION, RoleType.REPOSITORY),
                win.roles().stream().map(ServerRole::type).toList());
        ServerRole vmware = inventory.server("px-lin-01").orElseThrow().role(RoleType.VMWARE_PROXY).orElseThrow();
        assertTrue(vmware.vmware().orElseThrow().encryptNetworkTraffic());
        assertEquals(8, inventory.server("px-lin-01").orElseThrow().spec().maxConcurrentTasks());
    }

    // --- schema ----------------------------------------------------------------------

    @Test
    void aDatabaseWithANewerSchemaIsRefused() throws Exception {
        database.stop();
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO ferry_schema_version (version, description) VALUES (99, 'from the future')");
        }
        FerryException e = assertThrows(FerryException.class,
                () -> new InventoryDatabase(db.dataSource(), db.url(), "backup-01"));
        assertTrue(e.getMessage().contains("schema is at version 99") && e.getMessage().contains("newer Ferry"),
                e.getMessage());
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("DELETE FROM ferry_schema_version WHERE version = 99");
        }
        database = new InventoryDatabase(db.dataSource(), db.url(), "backup-01");
        inventory = new JdbcInventoryService(database);
    }

    @Test
    void hostStorageKindsMustExistOnThePlatform() {
        ValidationException e = assertThrows(ValidationException.class, () -> new HostSpec("esx-9", HostKind.ESXI,
                "10.0.0.9", Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                List.of(new HostStorage("csv", StorageKind.CSV, false))));
        assertEquals("storage[0].kind", e.field());
    }

    // --- export / import -------------------------------------------------------------

    private byte[] export() {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        transfer.exportTo(out);
        return out.toByteArray();
    }

    private java.nio.file.Path file(String name, String content) throws java.io.IOException {
        return java.nio.file.Files.writeString(tmp.resolve(name), content);
    }

    @Test
    void exportImportExportGivesIdenticalBytes() throws Exception {
        InventoryFixtures.populate(inventory);
        byte[] first = export();
        java.nio.file.Path f = java.nio.file.Files.write(tmp.resolve("inventory.json"), first);
        io.ferry.api.inventory.ImportReport report = transfer.importFrom(f, false);
        assertEquals(new io.ferry.api.inventory.ImportReport(4, 5, 3, 6, 0, true), report);
        byte[] second = export();
        assertEquals(new String(first, java.nio.charset.StandardCharsets.UTF_8),
                new String(second, java.nio.charset.StandardCharsets.UTF_8));
        assertTrue(inventory.vm("dc-01").orElseThrow().spec().credentials().orElseThrow().gmsa());
        assertEquals("hv-cluster", inventory.host("hv-01").orElseThrow().spec().parent().orElseThrow());
    }

    @Test
    void exportIsReadableJsonWithTheDocumentedShape() {
        InventoryFixtures.populate(inventory);
        String json = new String(export(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(json.startsWith("{\n  \"format\" : \"ferry-inventory\",\n  \"formatVersion\" : 1,"), json);
        assertTrue(json.contains("\"transportMode\" : \"VIRTUAL_APPLIANCE\""), json);
        assertFalse(json.contains("\"id\""), "export carries no database ids");
    }

    /** Imports {@code broken} (a modified export) and checks the error names {@code field} and nothing changed. */
    private ValidationException assertRefusedAndUnchanged(String broken, String field) throws Exception {
        byte[] before = export();
        java.nio.file.Path f = file("broken.json", broken);
        ValidationException e = assertThrows(ValidationException.class, () -> transfer.importFrom(f, false));
        assertEquals(field, e.field(), e.getMessage());
        assertEquals(new String(before, java.nio.charset.StandardCharsets.UTF_8),
                new String(export(), java.nio.charset.StandardCharsets.UTF_8), "the inventory is unchanged");
        return e;
    }

    private String populatedExport() {
        InventoryFixtures.populate(inventory);
        return new String(export(), java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void importWithAnInvalidNetworkChangesNothingAndNamesTheField() throws Exception {
        String json = populatedExport().replace("\"192.168.10.0/24\"", "\"192.168.10.5/24\"");
        ValidationException e = assertRefusedAndUnchanged(json, "servers[2].networks[1]");
        assertTrue(e.getMessage().contains("did you mean '192.168.10.0/24'"), e.getMessage());
    }

    @Test
    void importWithABadLastVmChangesNothing() throws Exception {
        // the error is in the very last VM: every server, host and earlier VM is valid
        String json = populatedExport().replace("\"host\" : \"esx-01\"", "\"host\" : \"esx-99\"");
        ValidationException e = assertRefusedAndUnchanged(json, "vms[2].host");
        assertTrue(e.getMessage().contains("'esx-99' is not in the inventory"), e.getMessage());
    }

    @Test
    @DisplayName("seed 002/003: an import with two backup servers is refused")
    void importWithTwoBackupServersIsRefused() throws Exception {
        String json = populatedExport().replaceFirst("\"type\" : \"REPOSITORY\"", "\"type\" : \"BACKUP_SERVER\"");
        ValidationException e = assertRefusedAndUnchanged(json, "servers");
        assertTrue(e.getMessage().contains("found 2"), e.getMessage());
    }

    @Test
    @DisplayName("seed 001: an import with a Rocky 9 server lacking the packages is refused")
    void importWithRocky9LackingPackagesIsRefused() throws Exception {
        String json = populatedExport().replace("\"samba-client\",", "");
        ValidationException e = assertRefusedAndUnchanged(json, "servers[3].installedPackages");
        assertTrue(e.getMessage().contains("samba-client"), e.getMessage());
    }

    @Test
    void importRefusesMisspeltFieldsDuplicatesAndMalformedJson() throws Exception {
        String json = populatedExport();
        assertRefusedAndUnchanged(json.replace("\"maxConcurrentTasks\" : 8", "\"maxConcurentTasks\" : 8"),
                "servers[1].maxConcurentTasks");
        assertRefusedAndUnchanged(json.replace("\"name\" : \"sql-01\"", "\"name\" : \"WEB-01\""), "vms[2].name");
        assertRefusedAndUnchanged(json.replace("\"capacityBytes\" : 42949672960", "\"capacityBytes\" : -1"),
                "vms[0].disks[0].capacityBytes");
        assertRefusedAndUnchanged(json.replace("\"maxConcurrentTasks\" : 8", "\"maxConcurrentTasks\" : \"eight\""),
                "servers[1].maxConcurrentTasks");
        assertRefusedAndUnchanged(json.replace("\"kind\" : \"ESXI\"", "\"kind\" : \"XEN\""), "hosts[0].kind");
        ValidationException malformed = assertRefusedAndUnchanged(json.substring(0, json.length() / 2), "");
        assertTrue(malformed.getMessage().contains("malformed JSON at line"), malformed.getMessage());
        assertRefusedAndUnchanged(json.replace("\"formatVersion\" : 1", "\"formatVersion\" : 2"), "formatVersion");
    }

    @Test
    void validateOnlyReportsButChangesNothing() throws Exception {
        String json = populatedExport();
        java.nio.file.Path f = file("ok.json", json.replace("\"name\" : \"web-01\"", "\"name\" : \"web-02\""));
        io.ferry.api.inventory.ImportReport report = transfer.importFrom(f, true);
        assertFalse(report.applied());
        assertEquals(3, report.vms());
        assertTrue(inventory.vm("web-01").isPresent());
        assertTrue(inventory.vm("web-02").isEmpty());
    }

    @Test
    void importAddsTheGuestInteractionRoleEveryServerMustHave() throws Exception {
        String json = populatedExport().replace("{\n      \"type\" : \"GUEST_INTERACTION\"\n    }, ", "");
        transfer.importFrom(file("gi.json", json), false);
        assertTrue(inventory.servers().stream().allMatch(s -> s.hasRole(RoleType.GUEST_INTERACTION)));
    }
}
