package io.ferry.inventory.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.ConflictException;
import io.ferry.api.NotFoundException;
import io.ferry.api.ReferencedException;
import io.ferry.api.ValidationException;
import io.ferry.api.audit.AuditEntry;
import io.ferry.api.audit.AuditQuery;
import io.ferry.api.audit.AuditResult;
import io.ferry.api.inventory.DiskFormat;
import io.ferry.api.inventory.HostKind;
import io.ferry.api.inventory.HostSpec;
import io.ferry.api.inventory.HostStorage;
import io.ferry.api.inventory.OsInfo;
import io.ferry.api.inventory.PlatformHost;
import io.ferry.api.inventory.StorageKind;
import io.ferry.api.inventory.VirtualDisk;
import io.ferry.api.inventory.VirtualMachine;
import io.ferry.api.inventory.VmQuery;
import io.ferry.api.inventory.VmSpec;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.security.auth.Subject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Changing a host or a VM in place ({@code updateHost}, {@code updateVm}, the REST API's PUT):
 * ids kept, versions checked, the same rules as adding them, and nothing depending on them
 * broken. Run against each real database by the subclasses.
 */
abstract class HostVmUpdateContractTest {
    private static final Subject ADMIN = Subjects.user("ann", "ferry-admin");

    protected InventoryDatabase database;
    protected JdbcInventoryService inventory;
    protected JdbcJobService jobs;

    abstract TestDatabases.Db newDatabase() throws Exception;

    @BeforeEach
    void open() throws Exception {
        TestDatabases.Db db = newDatabase();
        database = new InventoryDatabase(db.dataSource(), db.url(), "backup-01");
        inventory = new JdbcInventoryService(database);
        jobs = new JdbcJobService(database);
        InventoryFixtures.populate(inventory);
    }

    @AfterEach
    void close() {
        if (database != null) {
            database.stop();
        }
    }

    private static HostSpec with(HostSpec s, String name, HostKind kind, Optional<String> parent,
            List<HostStorage> storage) {
        return new HostSpec(name, kind, s.address(), parent, s.version(), s.domain(), s.managedServer(), storage);
    }

    private static VmSpec with(VmSpec s, String name, String host, List<VirtualDisk> disks) {
        return new VmSpec(name, host, s.guestOs(), s.networks(), disks, s.credentials(), s.vhdSet());
    }

    private String state() {
        return inventory.snapshot() + " " + jobs.jobs();
    }

    @Test
    void aRenamedHostKeepsItsIdAndItsVmsAndStorageFollow() {
        PlatformHost esx = inventory.host("esx-01").orElseThrow();
        String webId = inventory.vm("web-01").orElseThrow().id();
        List<HostStorage> storage = List.of(new HostStorage("ds-san-01", StorageKind.VMFS, false),
                new HostStorage("ds-nfs-02", StorageKind.NFS, true));
        PlatformHost updated = inventory.updateHost("ESX-01", esx.version(), new HostSpec("esx-01a", HostKind.ESXI,
                "10.0.5.1", Optional.of("vc-01"), Optional.of("8.0u3"), Optional.empty(), Optional.empty(), storage));

        assertEquals(esx.id(), updated.id());
        assertEquals(esx.version() + 1, updated.version());
        PlatformHost read = inventory.host(esx.id()).orElseThrow();
        assertEquals("esx-01a", read.name());
        assertEquals("10.0.5.1", read.spec().address());
        assertEquals(Optional.of("8.0u3"), read.spec().version());
        assertEquals(storage, read.spec().storage());
        assertTrue(inventory.host("esx-01").isEmpty(), "the old name is gone");
        VirtualMachine web = inventory.vm("web-01").orElseThrow();
        assertEquals(webId, web.id());
        assertEquals("esx-01a", web.spec().host());
        assertEquals(List.of("web-01"), inventory.vms(VmQuery.all().onHost("esx-01a")).stream()
                .map(VirtualMachine::name).toList());
        // the new storage is usable at once
        inventory.addVm(InventoryFixtures.vm("web-02", "esx-01a", OsInfo.linux("debian", "12"), "ds-nfs-02"));
    }

    @Test
    void aChildHostFollowsItsRenamedParent() {
        PlatformHost vc = inventory.host("vc-01").orElseThrow();
        inventory.updateHost("vc-01", vc.version(), with(vc.spec(), "vcsa-01", HostKind.VCENTER, Optional.empty(),
                List.of()));
        assertEquals(Optional.of("vcsa-01"), inventory.host("esx-01").orElseThrow().spec().parent());
    }

    @Test
    void aVmGetsNewDisksAndMovesToAnotherHostKeepingItsId() {
        inventory.addHost(InventoryFixtures.host("esx-02", HostKind.ESXI, Optional.of("vc-01"),
                new HostStorage("ds-02", StorageKind.VMFS, false)));
        VirtualMachine web = inventory.vm("web-01").orElseThrow();
        List<VirtualDisk> disks = List.of(
                new VirtualDisk("root", 20L << 30, DiskFormat.VMDK, "/vmfs/volumes/ds-02/web-01/root.vmdk", Optional.of("ds-02")),
                new VirtualDisk("data", 200L << 30, DiskFormat.VMDK, "/vmfs/volumes/ds-02/web-01/data.vmdk", Optional.of("DS-02")),
                new VirtualDisk("logs", 10L << 30, DiskFormat.RAW, "/dev/vg0/logs", Optional.empty()));
        VirtualMachine updated = inventory.updateVm("web-01", web.version(), with(web.spec(), "web-01", "esx-02", disks));

        assertEquals(web.id(), updated.id());
        assertEquals(web.version() + 1, updated.version());
        VirtualMachine read = inventory.vm(web.id()).orElseThrow();
        assertEquals("esx-02", read.spec().host());
        assertEquals(disks, read.spec().disks());
        assertEquals(6 - 2 + 3, inventory.summary().disks(), "the old disks are gone, the new ones counted");
        assertTrue(inventory.vms(VmQuery.all().onHost("esx-01")).isEmpty());
        inventory.removeHost("esx-01"); // nothing runs there any more
    }

    @Test
    void aRenamedVmStaysInItsJobs() {
        jobs.createJob(JobFixtures.webNightly());
        long jobVersion = jobs.job("web-nightly").orElseThrow().version();
        VirtualMachine web = inventory.vm("web-01").orElseThrow();
        inventory.updateVm("web-01", web.version(), with(web.spec(), "www-01", "esx-01", web.spec().disks()));

        assertEquals(List.of("www-01"), jobs.job("web-nightly").orElseThrow().spec().vms());
        assertEquals(jobVersion, jobs.job("web-nightly").orElseThrow().version(), "the job itself did not change");
        ReferencedException busy = assertThrows(ReferencedException.class, () -> inventory.removeVm("www-01"));
        assertTrue(busy.getMessage().contains("web-nightly"), busy.getMessage());
    }

    @Test
    void aStaleVersionIsRefusedAndChangesNothing() {
        PlatformHost pve = inventory.host("pve-01").orElseThrow();
        inventory.updateHost("pve-01", pve.version(), with(pve.spec(), "pve-01", HostKind.PROXMOX_NODE,
                Optional.empty(), pve.spec().storage()));
        VirtualMachine dc = inventory.vm("dc-01").orElseThrow();
        inventory.updateVm("dc-01", dc.version(), dc.spec());
        String before = state();

        ConflictException host = assertThrows(ConflictException.class, () -> inventory.updateHost("pve-01",
                pve.version(), with(pve.spec(), "pve-99", HostKind.PROXMOX_NODE, Optional.empty(), List.of())));
        assertTrue(host.getMessage().contains("Host 'pve-01' was changed by someone else: you edited version 1, it is"
                + " now at version 2"), host.getMessage());
        ConflictException vm = assertThrows(ConflictException.class, () -> inventory.updateVm("dc-01", dc.version(),
                with(dc.spec(), "dc-99", "pve-01", List.of())));
        assertTrue(vm.getMessage().contains("VM 'dc-01' was changed by someone else"), vm.getMessage());
        assertEquals(before, state());
        assertThrows(NotFoundException.class, () -> inventory.updateVm("dc-99", 1, dc.spec()));
        assertThrows(NotFoundException.class, () -> inventory.updateHost("pve-99", 1, pve.spec()));
    }

    @Test
    void concurrentEditsOfTheSameVmNeverBothWin() throws Exception {
        VirtualMachine read = inventory.vm("web-01").orElseThrow();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<String>> results = List.of("web-a", "web-b").stream().map(name -> pool.submit(() -> {
                start.await();
                try {
                    inventory.updateVm(read.id(), read.version(), with(read.spec(), name, "esx-01",
                            read.spec().disks()));
                    return name;
                } catch (ConflictException e) {
                    return "conflict";
                }
            })).toList();
            start.countDown();
            List<String> outcomes = List.of(results.get(0).get(30, TimeUnit.SECONDS),
                    results.get(1).get(30, TimeUnit.SECONDS));
            assertEquals(1, outcomes.stream().filter(o -> o.equals("conflict")).count(), outcomes.toString());
            String winner = outcomes.stream().filter(o -> !o.equals("conflict")).findFirst().orElseThrow();
            assertEquals(winner, inventory.vm(read.id()).orElseThrow().name());
            assertEquals(2, inventory.vm(read.id()).orElseThrow().spec().disks().size());
        } finally {
            pool.shutdownNow();
        }
    }

    /** Runs {@code change}, expects a refusal naming {@code field}, and checks nothing changed. */
    private ValidationException refused(String field, Runnable change) {
        String before = state();
        ValidationException e = assertThrows(ValidationException.class, change::run);
        assertEquals(field, e.field(), e.getMessage());
        assertEquals(before, state(), "nothing changed");
        return e;
    }

    @Test
    void aVmIsCheckedAsWhenAddedNamingTheField() {
        VirtualMachine web = inventory.vm("web-01").orElseThrow();
        ValidationException storage = refused("disks[0].storage", () -> inventory.updateVm("web-01", web.version(),
                with(web.spec(), "web-01", "esx-01", List.of(new VirtualDisk("d", 1L << 30, DiskFormat.VMDK,
                        "/vmfs/volumes/csv-01/d.vmdk", Optional.of("csv-01"))))));
        assertTrue(storage.getMessage().contains("storage 'csv-01' is not declared on host 'esx-01'"),
                storage.getMessage());
        ValidationException onVcenter = refused("host", () -> inventory.updateVm("web-01", web.version(),
                with(web.spec(), "web-01", "vc-01", List.of())));
        assertTrue(onVcenter.getMessage().contains("runs no VMs"), onVcenter.getMessage());
        refused("host", () -> inventory.updateVm("web-01", web.version(), with(web.spec(), "web-01", "esx-99",
                List.of())));
        ConflictException taken = assertThrows(ConflictException.class, () -> inventory.updateVm("web-01",
                web.version(), with(web.spec(), "SQL-01", "esx-01", web.spec().disks())));
        assertTrue(taken.getMessage().contains("'SQL-01' already exists"), taken.getMessage());
        // a case-only rename is the VM's own name, not a clash
        assertEquals("WEB-01", inventory.updateVm("web-01", web.version(), with(web.spec(), "WEB-01", "esx-01",
                web.spec().disks())).name());
    }

    @Test
    void aVmInAJobCannotMoveToAnotherPlatform() {
        jobs.createJob(JobFixtures.webNightly());
        VirtualMachine web = inventory.vm("web-01").orElseThrow();
        ValidationException e = refused("host", () -> inventory.updateVm("web-01", web.version(),
                with(web.spec(), "web-01", "pve-01", List.of())));
        assertTrue(e.getMessage().contains("job(s) web-nightly back it up"), e.getMessage());
    }

    @Test
    void aHostIsCheckedAsWhenAddedAndMayNotBreakWhatDependsOnIt() {
        PlatformHost esx = inventory.host("esx-01").orElseThrow();
        ValidationException parent = refused("parent", () -> inventory.updateHost("esx-01", esx.version(),
                with(esx.spec(), "esx-01", HostKind.ESXI, Optional.of("vc-99"), esx.spec().storage())));
        assertTrue(parent.getMessage().contains("parent 'vc-99' is not in the inventory"), parent.getMessage());
        refused("parent", () -> inventory.updateHost("esx-01", esx.version(), with(esx.spec(), "esx-01",
                HostKind.ESXI, Optional.of("hv-cluster"), esx.spec().storage())));
        ValidationException storage = refused("storage", () -> inventory.updateHost("esx-01", esx.version(),
                with(esx.spec(), "esx-01", HostKind.ESXI, Optional.of("vc-01"), List.of())));
        assertTrue(storage.getMessage().contains("VM 'web-01' would break") && storage.getMessage()
                .contains("ds-san-01"), storage.getMessage());
        ValidationException kind = refused("kind", () -> inventory.updateHost("esx-01", esx.version(),
                with(esx.spec(), "esx-01", HostKind.VCENTER, Optional.empty(), List.of())));
        assertTrue(kind.getMessage().contains("VM 'web-01' would break"), kind.getMessage());

        PlatformHost vc = inventory.host("vc-01").orElseThrow();
        ValidationException children = refused("kind", () -> inventory.updateHost("vc-01", vc.version(),
                with(vc.spec(), "vc-01", HostKind.PROXMOX_NODE, Optional.empty(), List.of())));
        assertTrue(children.getMessage().contains("esx-01 name it as parent"), children.getMessage());
        // a host named as its own parent by its old name
        refused("parent", () -> inventory.updateHost("vc-01", vc.version(), with(vc.spec(), "esx-09",
                HostKind.ESXI, Optional.of("vc-01"), List.of())));
        ConflictException taken = assertThrows(ConflictException.class, () -> inventory.updateHost("vc-01",
                vc.version(), with(vc.spec(), "PVE-01", HostKind.VCENTER, Optional.empty(), List.of())));
        assertTrue(taken.getMessage().contains("'PVE-01' already exists"), taken.getMessage());
    }

    @Test
    void aHostWhoseVmsAJobBacksUpKeepsItsPlatform() {
        jobs.createJob(JobFixtures.dcDaily());
        PlatformHost pve = inventory.host("pve-01").orElseThrow();
        VirtualMachine dc = inventory.vm("dc-01").orElseThrow();
        inventory.updateVm("dc-01", dc.version(), with(dc.spec(), "dc-01", "pve-01", List.of()));
        ValidationException e = refused("kind", () -> inventory.updateHost("pve-01", pve.version(),
                with(pve.spec(), "pve-01", HostKind.ESXI, Optional.empty(), List.of())));
        assertTrue(e.getMessage().contains("PROXMOX job(s) dc-daily"), e.getMessage());
    }

    @Test
    @DisplayName("seed 004_896724e719374b4d.txt: the last Hyper-V server cannot stop being one while off-host"
            + " proxies need it")
    void theLastHyperVServerKeepsItsPlatformWhileOffhostProxiesNeedIt() {
        inventory.removeVm("sql-01");
        inventory.removeHost("hv-01");
        PlatformHost cluster = inventory.host("hv-cluster").orElseThrow();
        ValidationException e = refused("kind", () -> inventory.updateHost("hv-cluster", cluster.version(),
                with(cluster.spec(), "hv-cluster", HostKind.PROXMOX_NODE, Optional.empty(), List.of())));
        assertTrue(e.getMessage().contains("last Hyper-V server") && e.getMessage().contains("px-win-01"),
                e.getMessage());
        inventory.removeRole("px-win-01", io.ferry.api.inventory.RoleType.HYPERV_OFFHOST_PROXY);
        assertEquals(HostKind.PROXMOX_NODE, inventory.updateHost("hv-cluster", cluster.version(),
                with(cluster.spec(), "hv-cluster", HostKind.PROXMOX_NODE, Optional.empty(), List.of())).kind());
    }

    @Test
    void updatesAreAuditedWithTheUserAndTheOutcome() {
        VirtualMachine web = inventory.vm("web-01").orElseThrow();
        PlatformHost pve = inventory.host("pve-01").orElseThrow();
        Subjects.run(ADMIN, () -> inventory.updateVm("web-01", web.version(), web.spec()));
        Subjects.run(ADMIN, () -> inventory.updateHost("pve-01", pve.version(), pve.spec()));
        assertThrows(ConflictException.class, () -> Subjects.run(ADMIN,
                () -> inventory.updateHost("pve-01", pve.version(), pve.spec())));
        List<AuditEntry> entries = new JdbcAuditLog(database).query(new AuditQuery(Optional.empty(),
                Optional.of("ann"), 10, OptionalLong.empty())).entries();
        assertEquals(List.of("host-update pve-01 ERROR", "host-update pve-01 OK", "vm-update web-01 OK"),
                entries.stream().map(e -> e.action() + " " + e.target() + " " + e.result()).toList());
        assertTrue(entries.stream().allMatch(e -> e.user().equals("ann")));
        assertEquals(AuditResult.ERROR, entries.get(0).result());
        assertTrue(entries.get(0).message().contains("changed by someone else"), entries.get(0).message());
    }

    @Test
    void aHostsManagedServerIsResolvedByNameAndMustExist() {
        PlatformHost hv = inventory.host("hv-01").orElseThrow();
        HostSpec self = new HostSpec("hv-01", HostKind.HYPERV_HOST, "10.0.2.21", Optional.of("hv-cluster"),
                Optional.of("2022"), Optional.of("corp.example"), Optional.of("PX-WIN-01"), List.of());
        ValidationException unknown = refused("managedServer", () -> inventory.updateHost("hv-01", hv.version(),
                new HostSpec("hv-01", HostKind.HYPERV_HOST, "10.0.2.21", Optional.of("hv-cluster"), Optional.empty(),
                        Optional.empty(), Optional.of("px-nowhere"), List.of())));
        assertTrue(unknown.getMessage().contains("'px-nowhere' is not in the inventory"), unknown.getMessage());
        PlatformHost updated = inventory.updateHost("hv-01", hv.version(), self);
        assertEquals(Optional.of("px-win-01"), updated.spec().managedServer(), "read back as the server is named");
        assertEquals(Optional.of("corp.example"), updated.spec().domain());
        ReferencedException named = assertThrows(ReferencedException.class, () -> inventory.removeServer("px-win-01"));
        assertTrue(named.getMessage().contains("host 'hv-01' is this machine"), named.getMessage());
    }

    @Test
    void aHyperVNodeMayBeRenamedWhileOffhostProxiesNeedHyperV() {
        PlatformHost hv = inventory.host("hv-01").orElseThrow();
        inventory.updateHost("hv-01", hv.version(), with(hv.spec(), "hv-01-renamed", HostKind.HYPERV_HOST,
                Optional.of("hv-cluster"), List.of()));
        assertEquals("hv-01-renamed", inventory.vm("sql-01").orElseThrow().spec().host());
    }
}
