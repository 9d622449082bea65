package io.ferry.inventory.internal;

import static io.ferry.inventory.internal.InventoryFixtures.linux;
import static io.ferry.inventory.internal.InventoryFixtures.windows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.ConflictException;
import io.ferry.api.NotFoundException;
import io.ferry.api.ReferencedException;
import io.ferry.api.ValidationException;
import io.ferry.api.inventory.HostKind;
import io.ferry.api.inventory.ImportReport;
import io.ferry.api.inventory.InventorySnapshot;
import io.ferry.api.inventory.ManagedServer;
import io.ferry.api.inventory.OsInfo;
import io.ferry.api.inventory.Platform;
import io.ferry.api.inventory.RoleType;
import io.ferry.api.inventory.ServerRole;
import io.ferry.api.job.GuestProcessing;
import io.ferry.api.job.Job;
import io.ferry.api.job.JobSpec;
import io.ferry.api.job.Schedule;
import io.ferry.api.job.ServerChoice;
import io.ferry.api.job.TransportChoice;
import io.ferry.api.repository.RetentionPolicy;
import io.ferry.api.session.Session;
import io.ferry.api.session.SessionStatus;
import io.ferry.api.spi.JobValidator;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Job definitions in the configuration database, run against each real database by the subclasses. */
abstract class JobContractTest {
    protected TestDatabases.Db db;
    protected InventoryDatabase database;
    protected JdbcInventoryService inventory;
    protected JdbcJobService jobs;
    protected JsonInventoryTransfer transfer;
    @TempDir
    protected Path tmp;

    abstract TestDatabases.Db newDatabase() throws Exception;

    @BeforeEach
    void open() throws Exception {
        db = newDatabase();
        database = new InventoryDatabase(db.dataSource(), db.url(), "backup-01");
        inventory = new JdbcInventoryService(database);
        jobs = new JdbcJobService(database);
        transfer = new JsonInventoryTransfer(database);
    }

    @AfterEach
    void close() {
        if (database != null) {
            database.stop();
        }
    }

    private List<String> jobNames() {
        return jobs.jobs().stream().map(Job::name).toList();
    }

    // --- create, list, show, update, delete ----------------------------------------------

    @Test
    void aCreatedJobIsListedAndShownWithEveryFieldAsSaved() {
        InventoryFixtures.populate(inventory);
        Job created = jobs.createJob(JobFixtures.webNightly());
        assertEquals(1, created.version());
        assertEquals(JobFixtures.webNightly(), created.spec());
        assertEquals(Optional.of(created), jobs.job("WEB-Nightly"));
        assertEquals(Optional.of(created), jobs.job(created.id()));
        jobs.createJob(JobFixtures.sqlHourly());
        jobs.createJob(JobFixtures.dcDaily());
        assertEquals(List.of("dc-daily", "sql-hourly", "web-nightly"), jobNames());
        assertEquals(JobFixtures.sqlHourly(), jobs.job("sql-hourly").orElseThrow().spec());
        assertEquals(JobFixtures.dcDaily(), jobs.job("dc-daily").orElseThrow().spec());
        assertTrue(jobs.job("nope").isEmpty());
    }

    @Test
    void namesOfVmsAndServersAreSavedAsTheInventorySpellsThem() {
        InventoryFixtures.populate(inventory);
        String webId = inventory.vm("web-01").orElseThrow().id();
        Job created = jobs.createJob(JobFixtures.from(JobFixtures.webNightly()).vms(webId).repository("PX-WIN-01")
                .proxies("Px-Lin-01").guestProxies("ROCKY-01").build());
        assertEquals(List.of("web-01"), created.spec().vms());
        assertEquals("px-win-01", created.spec().repository());
        assertEquals(List.of("px-lin-01"), created.spec().proxies().servers());
        assertEquals(List.of("rocky-01"), created.spec().guestProcessing().guestProxies().servers());
    }

    @Test
    void updateReplacesTheDefinitionKeepsTheIdAndBumpsTheVersion() {
        InventoryFixtures.populate(inventory);
        inventory.addVm(InventoryFixtures.vm("web-02", "esx-01", OsInfo.linux("debian", "12"), "ds-san-01"));
        Job created = jobs.createJob(JobFixtures.webNightly());
        JobSpec changed = JobFixtures.from(JobFixtures.webNightly()).name("web-all").vms("web-02", "web-01").proxies()
                .transport(TransportChoice.AUTOMATIC).guestProxies().build();
        Job updated = jobs.updateJob("web-nightly", 1, changed);
        assertEquals(created.id(), updated.id());
        assertEquals(2, updated.version());
        assertEquals(changed, updated.spec());
        assertEquals(List.of("web-02", "web-01"), jobs.job("web-all").orElseThrow().spec().vms(), "scope order kept");
        assertTrue(jobs.job("web-nightly").isEmpty());
    }

    @Test
    void updateBasedOnAStaleVersionIsRefusedAndOverwritesNothing() {
        InventoryFixtures.populate(inventory);
        jobs.createJob(JobFixtures.webNightly());
        JobSpec first = JobFixtures.from(JobFixtures.webNightly()).proxies().build();
        jobs.updateJob("web-nightly", 1, first);
        ConflictException e = assertThrows(ConflictException.class, () -> jobs.updateJob("web-nightly", 1,
                JobFixtures.from(JobFixtures.webNightly()).guestProxies().build()));
        assertTrue(e.getMessage().contains("Job 'web-nightly' was changed by someone else: you edited version 1,"
                + " it is now at version 2"), e.getMessage());
        Job now = jobs.job("web-nightly").orElseThrow();
        assertEquals(2, now.version());
        assertEquals(first, now.spec());
    }

    @Test
    void jobNamesAreUniqueIgnoringCase() {
        InventoryFixtures.populate(inventory);
        jobs.createJob(JobFixtures.webNightly());
        jobs.createJob(JobFixtures.sqlHourly());
        ConflictException create = assertThrows(ConflictException.class, () -> jobs.createJob(
                JobFixtures.from(JobFixtures.sqlHourly()).name("WEB-NIGHTLY").build()));
        assertEquals("A job named 'WEB-NIGHTLY' already exists (names are unique, ignoring case)", create.getMessage());
        assertThrows(ConflictException.class, () -> jobs.updateJob("sql-hourly", 1,
                JobFixtures.from(JobFixtures.sqlHourly()).name("Web-Nightly").build()));
        assertEquals(List.of("sql-hourly", "web-nightly"), jobNames());
    }

    @Test
    void deleteRemovesTheJobAndUnknownJobsAreNotFound() {
        InventoryFixtures.populate(inventory);
        Job created = jobs.createJob(JobFixtures.webNightly());
        jobs.deleteJob(created.id());
        assertEquals(List.of(), jobNames());
        NotFoundException e = assertThrows(NotFoundException.class, () -> jobs.deleteJob("web-nightly"));
        assertEquals("No job named 'web-nightly' (see ferry:job-list)", e.getMessage());
        assertThrows(NotFoundException.class, () -> jobs.updateJob("web-nightly", 1, JobFixtures.webNightly()));
        inventory.removeVm("web-01");
    }

    // --- save-time validation ------------------------------------------------------------

    /** Saves {@code spec} expecting a refusal at {@code field}; nothing may be saved. */
    private ValidationException refused(JobSpec spec, String field) {
        List<Job> before = jobs.jobs();
        ValidationException e = assertThrows(ValidationException.class, () -> jobs.createJob(spec));
        assertEquals(field, e.field(), e.getMessage());
        assertEquals(before, jobs.jobs(), "nothing was saved");
        return e;
    }

    @Test
    void everyVmOfTheScopeMustBeInTheInventory() {
        InventoryFixtures.populate(inventory);
        ValidationException e = refused(JobFixtures.from(JobFixtures.webNightly()).vms("web-01", "nope").build(),
                "vms[1]");
        assertEquals("vms[1]: No VM named 'nope' (see ferry:vm-list)", e.getMessage());
    }

    @Test
    void everyVmMustRunOnAHostOfTheJobsPlatform() {
        InventoryFixtures.populate(inventory);
        ValidationException e = refused(JobFixtures.from(JobFixtures.webNightly()).vms("web-01", "sql-01").build(),
                "vms[1]");
        assertTrue(e.getMessage().startsWith("vms[1]: Job 'web-nightly' backs up VMWARE VMs, but VM 'sql-01' runs on"
                + " HYPERV host 'hv-01'"), e.getMessage());
    }

    @Test
    void theSameVmByNameAndByIdIsListedTwice() {
        InventoryFixtures.populate(inventory);
        String id = inventory.vm("web-01").orElseThrow().id();
        ValidationException e = refused(JobFixtures.from(JobFixtures.webNightly()).vms("web-01", id).build(), "vms[1]");
        assertTrue(e.getMessage().contains("already listed as vms[0]"), e.getMessage());
    }

    @Test
    void theRepositoryMustExistAndHoldTheRepositoryRole() {
        InventoryFixtures.populate(inventory);
        assertEquals("repository: No server named 'nas-9' (see ferry:server-list)",
                refused(JobFixtures.from(JobFixtures.sqlHourly()).repository("nas-9").build(), "repository").getMessage());
        ValidationException role = refused(JobFixtures.from(JobFixtures.sqlHourly()).repository("px-lin-01").build(),
                "repository");
        assertTrue(role.getMessage().contains("server 'px-lin-01' does not hold the REPOSITORY role"), role.getMessage());
    }

    @Test
    void explicitProxiesMustExistAndHoldThePlatformsProxyRole() {
        InventoryFixtures.populate(inventory);
        JobSpec vmware = JobFixtures.webNightly();
        assertEquals("proxies.servers[0]: No server named 'px-9' (see ferry:server-list)",
                refused(JobFixtures.from(vmware).proxies("px-9").build(), "proxies.servers[0]").getMessage());
        ValidationException notVmware = refused(JobFixtures.from(vmware).proxies("px-lin-01", "px-win-01").build(),
                "proxies.servers[1]");
        assertTrue(notVmware.getMessage().contains("server 'px-win-01' does not hold the VMWARE_PROXY role"),
                notVmware.getMessage());
        ValidationException notOffhost = refused(JobFixtures.from(JobFixtures.sqlHourly()).proxies("backup-01").build(),
                "proxies.servers[0]");
        assertTrue(notOffhost.getMessage().contains("HYPERV_OFFHOST_PROXY"), notOffhost.getMessage());
        ValidationException notGeneral = refused(JobFixtures.from(JobFixtures.dcDaily()).proxies("px-lin-01").build(),
                "proxies.servers[0]");
        assertTrue(notGeneral.getMessage().contains("GENERAL_PURPOSE_PROXY"), notGeneral.getMessage());
        jobs.createJob(JobFixtures.from(JobFixtures.sqlHourly()).proxies("px-win-01").build());
        jobs.createJob(JobFixtures.dcDaily());
    }

    @Test
    @DisplayName("seed 000_6fa5d5cd4044af24.txt: the preferred guest interaction proxies must be managed servers")
    void preferredGuestInteractionProxiesMustBeInTheInventory() {
        InventoryFixtures.populate(inventory);
        ValidationException e = refused(JobFixtures.from(JobFixtures.webNightly()).guestProxies("rocky-01", "gone-01")
                .build(), "guestProcessing.guestProxies.servers[1]");
        assertEquals("guestProcessing.guestProxies.servers[1]: No server named 'gone-01' (see ferry:server-list)",
                e.getMessage());
    }

    @Test
    void anUpdateIsValidatedLikeACreate() {
        InventoryFixtures.populate(inventory);
        Job created = jobs.createJob(JobFixtures.webNightly());
        ValidationException e = assertThrows(ValidationException.class, () -> jobs.updateJob("web-nightly", 1,
                JobFixtures.from(JobFixtures.webNightly()).vms("web-01", "dc-01").build()));
        assertEquals("vms[1]", e.field());
        assertEquals(created, jobs.job("web-nightly").orElseThrow());
    }

    // --- references ------------------------------------------------------------------------

    @Test
    void removingAVmInAJobsScopeIsRefusedListingTheJobs() {
        InventoryFixtures.populate(inventory);
        jobs.createJob(JobFixtures.webNightly());
        jobs.createJob(JobFixtures.from(JobFixtures.webNightly()).name("web-weekly").build());
        ReferencedException e = assertThrows(ReferencedException.class, () -> inventory.removeVm("web-01"));
        assertEquals(List.of("job 'web-nightly' backs it up (ferry:job-update --remove-vm web-01 web-nightly)",
                "job 'web-weekly' backs it up (ferry:job-update --remove-vm web-01 web-weekly)"), e.references());
        assertTrue(e.getMessage().startsWith("VM 'web-01' is still in use: job 'web-nightly'"), e.getMessage());
        assertTrue(inventory.vm("web-01").isPresent());
        jobs.deleteJob("web-nightly");
        jobs.deleteJob("web-weekly");
        inventory.removeVm("web-01");
        assertTrue(inventory.vm("web-01").isEmpty());
    }

    @Test
    void removingAServerAJobNamesIsRefusedListingWhatEachJobUsesItFor() {
        InventoryFixtures.populate(inventory);
        jobs.createJob(JobFixtures.webNightly());
        ReferencedException guest = assertThrows(ReferencedException.class, () -> inventory.removeServer("rocky-01"));
        assertEquals(List.of("job 'web-nightly' prefers it as guest interaction proxy (ferry:job-update --guest-proxy"
                + " SERVER web-nightly)"), guest.references());
        ReferencedException repository = assertThrows(ReferencedException.class,
                () -> inventory.removeServer("px-win-01"));
        assertTrue(repository.references().contains("job 'web-nightly' stores its backups on it (ferry:job-update"
                + " --repository SERVER web-nightly)"), repository.references().toString());
        ReferencedException proxy = assertThrows(ReferencedException.class, () -> inventory.removeServer("px-lin-01"));
        assertTrue(proxy.references().contains("job 'web-nightly' names it as backup proxy (ferry:job-update --proxy"
                + " SERVER web-nightly)"), proxy.references().toString());
        jobs.deleteJob("web-nightly");
        inventory.removeServer("rocky-01");
    }

    @Test
    void removingTheRoleAJobNeedsFromAServerItNamesIsRefused() {
        InventoryFixtures.populate(inventory);
        jobs.createJob(JobFixtures.webNightly());
        jobs.createJob(JobFixtures.sqlHourly());
        ReferencedException repository = assertThrows(ReferencedException.class,
                () -> inventory.removeRole("px-win-01", RoleType.REPOSITORY));
        assertTrue(repository.getMessage().startsWith("Role REPOSITORY of server 'px-win-01' is still in use: job"
                + " 'sql-hourly' stores its backups on it"), repository.getMessage());
        assertEquals(2, repository.references().size());
        ReferencedException proxy = assertThrows(ReferencedException.class,
                () -> inventory.removeRole("px-lin-01", RoleType.VMWARE_PROXY));
        assertEquals(List.of("job 'web-nightly' names it as backup proxy (ferry:job-update --proxy SERVER"
                + " web-nightly)"), proxy.references());
        assertTrue(inventory.server("px-lin-01").orElseThrow().hasRole(RoleType.VMWARE_PROXY), "role kept");
        // the Hyper-V job picks its proxies automatically, and backup-01 is a VMware proxy of web-nightly only
        inventory.removeRole("px-win-01", RoleType.HYPERV_OFFHOST_PROXY);
        inventory.removeRole("backup-01", RoleType.GENERAL_PURPOSE_PROXY);
    }

    @Test
    void jobsReferToServersByIdSoARenameCarriesOver() {
        InventoryFixtures.populate(inventory);
        jobs.createJob(JobFixtures.webNightly());
        ManagedServer repo = inventory.server("px-win-01").orElseThrow();
        inventory.updateServer("px-win-01", repo.version(), repo.spec().toBuilder().name("repo-win-01").build());
        JobSpec now = jobs.job("web-nightly").orElseThrow().spec();
        assertEquals("repo-win-01", now.repository());
        assertEquals(List.of("rocky-01", "repo-win-01"), now.guestProcessing().guestProxies().servers());
    }

    @Test
    void aReferenceRemovedConcurrentlyIsAConflictNotADatabaseError() {
        InventoryFixtures.populate(inventory);
        String repositoryId = inventory.server("px-win-01").orElseThrow().id();
        JobRules.Resolved gone = new JobRules.Resolved(JobFixtures.sqlHourly(), repositoryId,
                List.of("0190f5b6-0000-7000-8000-000000000000"), List.of(), List.of());
        ConflictException e = assertThrows(ConflictException.class,
                () -> database.inTransaction(c -> {
                    InventoryStore.insertJob(c, OrderedIds.next(), 1, gone);
                    return null;
                }));
        assertTrue(e.getMessage().startsWith("The inventory changed while this change was being saved"), e.getMessage());
        assertEquals(List.of(), jobNames());
    }

    // --- schema ------------------------------------------------------------------------------

    @Test
    void aVersion1DatabaseGetsTheJobTablesAndKeepsItsInventory() throws Exception {
        InventoryFixtures.populate(inventory);
        database.stop();
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            for (String table : List.of("api_tokens", "task_lease_candidates", "task_leases", "agents", "agent_tokens",
                    "audit_log", "changed_block_ledger", "session_guests", "session_tasks", "sessions",
                    "job_guest_proxies", "job_proxies", "job_vms", "jobs")) {
                s.execute("DROP TABLE " + table);
            }
            s.execute("DELETE FROM ferry_schema_version WHERE version >= 2");
        }
        database = new InventoryDatabase(db.dataSource(), db.url(), "backup-01");
        inventory = new JdbcInventoryService(database);
        jobs = new JdbcJobService(database);
        assertEquals(3, inventory.vms(io.ferry.api.inventory.VmQuery.all()).size());
        jobs.createJob(JobFixtures.webNightly());
        assertEquals(List.of("web-nightly"), jobNames());
    }

    @Test
    void aVersion2DatabaseIsUpgradedInPlaceAndItsJobsGetTheDefaultScheduleAndRetention() throws Exception {
        database.stop();
        db = newDatabase();
        String jobId = OrderedIds.next();
        try (Connection c = db.dataSource().getConnection()) {
            assertEquals(2, new SchemaMigrator(2).migrate(c));
            String serverId = OrderedIds.next();
            String hostId = OrderedIds.next();
            String vmId = OrderedIds.next();
            List<ServerRole> roles = new ArrayList<>(InventoryRules.backupServerDefaultRoles());
            roles.add(ServerRole.of(RoleType.REPOSITORY));
            try (InventoryStore.ServerWriter w = new InventoryStore.ServerWriter(c)) {
                w.add(serverId, 1, linux("backup-01", "10.0.1.10").build(), roles);
            }
            try (InventoryStore.HostWriter w = new InventoryStore.HostWriter(c)) {
                w.add(hostId, 1, InventoryFixtures.host("pve-01", HostKind.PROXMOX_NODE, Optional.empty()),
                        Optional.empty(), Optional.empty());
            }
            try (InventoryStore.VmWriter w = new InventoryStore.VmWriter(c)) {
                w.add(vmId, 1, InventoryFixtures.vm("dc-01", "pve-01", OsInfo.linux("debian", "12"), null), hostId);
            }
            try (Statement s = c.createStatement()) {
                // the columns of schema version 2, as a Ferry of that version wrote them
                s.executeUpdate("INSERT INTO jobs (id, name, name_key, platform, repository_id, proxies_automatic,"
                        + " transport_mode, failover_network, app_aware, indexing, log_processing,"
                        + " guest_proxies_automatic, on_host_fallback, version) VALUES ('" + jobId + "', 'Old-Job',"
                        + " 'old-job', 'PROXMOX', '" + serverId + "', TRUE, NULL, TRUE, TRUE, FALSE, FALSE, TRUE,"
                        + " FALSE, 4)");
                s.executeUpdate("INSERT INTO job_vms (job_id, position, vm_id) VALUES ('" + jobId + "', 0, '"
                        + vmId + "')");
            }
        }
        database = new InventoryDatabase(db.dataSource(), db.url(), "backup-01");
        jobs = new JdbcJobService(database);
        assertEquals(6, database.read(SchemaMigrator::currentVersion));
        Job old = jobs.job("old-job").orElseThrow();
        assertEquals(jobId, old.id());
        assertEquals(4, old.version());
        assertEquals(new JobSpec("Old-Job", Platform.PROXMOX, List.of("dc-01"), "backup-01", ServerChoice.AUTOMATIC,
                TransportChoice.AUTOMATIC, new GuestProcessing(true, false, false, ServerChoice.AUTOMATIC), false),
                old.spec());
        assertEquals(Schedule.MANUAL, old.spec().schedule());
        assertEquals(RetentionPolicy.keepLast(7), old.spec().retention());
        Job scheduled = jobs.updateJob("old-job", 4, old.spec().withSchedule(Schedule.parse("daily 03:15")));
        assertEquals("daily 03:15", scheduled.spec().schedule().text());
        JdbcSessionStore sessions = new JdbcSessionStore(database);
        sessions.create(new Session("s-1", "Old-Job", "manual", null, SessionStatus.RUNNING,
                Instant.parse("2026-11-23T10:00:00Z"), null, List.of(), List.of(), ""));
        assertEquals(List.of("s-1"), sessions.sessions("old-job", 5).stream().map(Session::id).toList(),
                "the session tables exist after the upgrade");
    }

    // --- schedule and retention ------------------------------------------------------------

    @Test
    void scheduleAndRetentionAreSavedAndChangedByAnUpdate() {
        InventoryFixtures.populate(inventory);
        Job created = jobs.createJob(JobFixtures.webNightly());
        assertEquals("weekly mon,thu 21:30", created.spec().schedule().text());
        assertEquals(new RetentionPolicy(3, 14, 8, 12), created.spec().retention());
        JobSpec changed = JobFixtures.from(JobFixtures.webNightly()).schedule("cron 0 0 3 ? * SUN").retention(0, 7, 0, 0)
                .build();
        Job updated = jobs.updateJob("web-nightly", 1, changed);
        assertEquals(changed, updated.spec());
        assertEquals("0 0 3 ? * SUN", jobs.job("web-nightly").orElseThrow().spec().schedule().cron());
        assertEquals(changed, jobs.jobs().get(0).spec(), "the listing reads them too");
    }

    @Test
    void aJobSavedWithoutScheduleOrRetentionRunsManuallyAndKeepsTheLastSeven() {
        InventoryFixtures.populate(inventory);
        jobs.createJob(JobFixtures.sqlHourly());
        JobSpec saved = jobs.job("sql-hourly").orElseThrow().spec();
        assertTrue(saved.schedule().manual());
        assertEquals("", saved.schedule().cron());
        assertEquals(new RetentionPolicy(7, 0, 0, 0), saved.retention());
    }

    // --- plugin validators -----------------------------------------------------------------

    /** backup-01 (Linux), repo-lin (Linux, repository), a Proxmox VE node with a Windows and a Linux VM. */
    private void linuxOnlyProxmoxInventory() {
        ManagedServer backup = inventory.backupServer();
        inventory.updateServer(backup.name(), backup.version(),
                backup.spec().toBuilder().os(OsInfo.linux("ubuntu", "24.04")).build());
        inventory.addServer(linux("repo-lin", "10.0.1.60").build());
        inventory.assignRole("repo-lin", ServerRole.of(RoleType.REPOSITORY));
        inventory.addHost(InventoryFixtures.host("pve-01", HostKind.PROXMOX_NODE, Optional.empty()));
        inventory.addVm(InventoryFixtures.vm("win-01", "pve-01", OsInfo.windows("server", "2022"), null));
        inventory.addVm(InventoryFixtures.vm("lin-01", "pve-01", OsInfo.linux("debian", "12"), null));
    }

    private static JobSpec proxmoxJob(String... vms) {
        return JobSpec.of("pve-daily", Platform.PROXMOX, List.of(vms), "repo-lin");
    }

    @Test
    @DisplayName("seed 000_6fa5d5cd4044af24.txt: a registered validator refuses a Proxmox VE job with a Windows VM"
            + " while no Windows server is in the backup infrastructure")
    void aRegisteredValidatorRefusesAProxmoxJobWithWindowsVmsWithoutAWindowsServer() {
        linuxOnlyProxmoxInventory();
        WindowsGuestsNeedAWindowsServer validator = new WindowsGuestsNeedAWindowsServer();
        jobs.addValidator(validator);
        ValidationException e = assertThrows(ValidationException.class,
                () -> jobs.createJob(proxmoxJob("lin-01", "win-01")));
        assertEquals(WindowsGuestsNeedAWindowsServer.NAME, e.field());
        assertTrue(e.getMessage().contains("Job 'pve-daily' backs up Windows VMs (win-01)"), e.getMessage());
        assertTrue(e.getMessage().contains(WindowsGuestsNeedAWindowsServer.SEED_REASON), e.getMessage());
        assertEquals(List.of(), jobNames());

        jobs.createJob(proxmoxJob("lin-01"));
        inventory.addServer(windows("win-srv", "10.0.2.60").build());
        jobs.updateJob("pve-daily", 1, proxmoxJob("lin-01", "win-01"));
        assertEquals(List.of("lin-01", "win-01"), jobs.job("pve-daily").orElseThrow().spec().vms());
    }

    @Test
    void validatorsOfAnotherPlatformAreNotAsked() {
        InventoryFixtures.populate(inventory);
        WindowsGuestsNeedAWindowsServer proxmoxOnly = new WindowsGuestsNeedAWindowsServer();
        jobs.addValidator(proxmoxOnly);
        jobs.createJob(JobFixtures.webNightly());
        jobs.createJob(JobFixtures.sqlHourly());
        assertEquals(0, proxmoxOnly.calls);
        jobs.createJob(JobFixtures.dcDaily());
        assertEquals(1, proxmoxOnly.calls);
    }

    /** A validator for every platform that refuses every job with {@code problems} and records its snapshot. */
    private static final class Refusing implements JobValidator {
        private final String name;
        private final List<String> problems;
        InventorySnapshot seen;

        Refusing(String name, String... problems) {
            this.name = name;
            this.problems = List.of(problems);
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Optional<Platform> platform() {
            return Optional.empty();
        }

        @Override
        public List<String> problems(JobSpec job, InventorySnapshot inventory) {
            seen = inventory;
            return problems;
        }
    }

    @Test
    void problemsOfSeveralValidatorsAreReportedTogetherInNameOrder() {
        InventoryFixtures.populate(inventory);
        Refusing b = new Refusing("b-check", "B is unhappy.");
        jobs.addValidator(b);
        jobs.addValidator(new Refusing("a-check", "A is unhappy.", "A is very unhappy."));
        jobs.addValidator(new Refusing("c-check"));
        ValidationException e = assertThrows(ValidationException.class, () -> jobs.createJob(JobFixtures.webNightly()));
        assertEquals("", e.field());
        assertEquals("a-check: A is unhappy. A is very unhappy. b-check: B is unhappy.", e.getMessage());
        assertEquals(3, b.seen.vms().size(), "validators see the whole inventory");
        assertEquals(4, b.seen.servers().size());
        assertEquals(List.of(), jobNames());
    }

    @Test
    void aValidatorThatIsGoneIsNoLongerAsked() {
        InventoryFixtures.populate(inventory);
        Refusing refusing = new Refusing("strict", "Never.");
        jobs.addValidator(refusing);
        assertThrows(ValidationException.class, () -> jobs.createJob(JobFixtures.webNightly()));
        jobs.removeValidator(refusing);
        jobs.createJob(JobFixtures.webNightly());
        assertEquals(List.of("web-nightly"), jobNames());
    }

    @Test
    void validatorsRunOnlyAfterTheInventoryChecksPass() {
        InventoryFixtures.populate(inventory);
        Refusing refusing = new Refusing("strict", "Never.");
        jobs.addValidator(refusing);
        assertEquals("vms[0]", assertThrows(ValidationException.class, () -> jobs.createJob(
                JobFixtures.from(JobFixtures.webNightly()).vms("nope").build())).field());
        assertEquals(null, refusing.seen);
    }

    // --- export / import -------------------------------------------------------------------

    private String export() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        transfer.exportTo(out);
        return out.toString(StandardCharsets.UTF_8);
    }

    private void populateWithJobs() {
        InventoryFixtures.populate(inventory);
        jobs.createJob(JobFixtures.webNightly());
        jobs.createJob(JobFixtures.sqlHourly());
        jobs.createJob(JobFixtures.dcDaily());
    }

    @Test
    void exportImportExportGivesIdenticalBytesWithJobs() throws Exception {
        populateWithJobs();
        String first = export();
        ImportReport report = transfer.importFrom(Files.writeString(tmp.resolve("inventory.json"), first), false);
        assertEquals(new ImportReport(4, 5, 3, 6, 3, true), report, "the report counts the jobs too");
        assertEquals(first, export());
        assertEquals(List.of("dc-daily", "sql-hourly", "web-nightly"), jobNames());
        assertEquals(JobFixtures.webNightly(), jobs.job("web-nightly").orElseThrow().spec());
        assertEquals(1, jobs.job("web-nightly").orElseThrow().version());
        // the imported jobs hold their references: the VMs cannot go
        assertThrows(ReferencedException.class, () -> inventory.removeVm("sql-01"));
    }

    @Test
    void aDryRunCountsTheJobsOfTheFileAndChangesNothing() throws Exception {
        populateWithJobs();
        java.nio.file.Path file = Files.writeString(tmp.resolve("inventory.json"), export());
        jobs.deleteJob("dc-daily");
        assertEquals(new ImportReport(4, 5, 3, 6, 3, false), transfer.importFrom(file, true));
        assertEquals(List.of("sql-hourly", "web-nightly"), jobNames());
    }

    @Test
    void exportWritesJobsAfterTheVmsInTheDocumentedShape() {
        InventoryFixtures.populate(inventory);
        assertFalse(export().contains("\"jobs\""), "no jobs, no jobs field: files stay as before jobs existed");
        jobs.createJob(JobFixtures.webNightly());
        String json = export();
        assertTrue(json.indexOf("\"jobs\"") > json.indexOf("\"vms\""), json);
        assertTrue(json.endsWith("  \"jobs\" : [\n" + WEB_NIGHTLY_EXPORTED.indent(4) + "  ]\n}\n"), json);
    }

    /** How {@link JobFixtures#webNightly()} is exported; docs/inventory-format.md and the shell's --json agree. */
    static final String WEB_NIGHTLY_EXPORTED = """
                {
                  "name" : "web-nightly",
                  "platform" : "VMWARE",
                  "vms" : [
                    "web-01"
                  ],
                  "repository" : "px-win-01",
                  "proxies" : {
                    "automatic" : false,
                    "servers" : [
                      "px-lin-01",
                      "backup-01"
                    ]
                  },
                  "transportMode" : "VIRTUAL_APPLIANCE",
                  "failoverToNetwork" : false,
                  "guestProcessing" : {
                    "applicationAware" : true,
                    "indexing" : true,
                    "logProcessing" : true,
                    "guestProxies" : {
                      "automatic" : false,
                      "servers" : [
                        "rocky-01",
                        "px-win-01"
                      ]
                    }
                  },
                  "onHostFallback" : false,
                  "schedule" : "weekly mon,thu 21:30",
                  "retention" : {
                    "keepLast" : 3,
                    "keepDaily" : 14,
                    "keepWeekly" : 8,
                    "keepMonthly" : 12
                  }
                }""";

    /** Imports {@code broken} (a modified export) and checks the error names {@code field} and nothing changed. */
    private ValidationException refusedImport(String broken, String field) throws Exception {
        String before = export();
        Path f = Files.writeString(tmp.resolve("broken.json"), broken);
        ValidationException e = assertThrows(ValidationException.class, () -> transfer.importFrom(f, false));
        assertEquals(field, e.field(), e.getMessage());
        assertEquals(before, export(), "the inventory is unchanged");
        return e;
    }

    @Test
    void importChecksTheJobsAgainstTheFileAndChangesNothingOnAProblem() throws Exception {
        populateWithJobs();
        String json = export();
        int jobsAt = json.indexOf("\"jobs\"");
        // jobs are exported by name: [0] dc-daily, [1] sql-hourly, [2] web-nightly
        java.util.function.BiFunction<String, String, String> inJobs = (from, to) -> {
            String jobsPart = json.substring(jobsAt);
            assertTrue(jobsPart.contains(from), from);
            return json.substring(0, jobsAt) + jobsPart.replaceFirst(java.util.regex.Pattern.quote(from), to);
        };
        assertEquals("jobs[2].vms[0]: no VM named 'web-99' in this file",
                refusedImport(inJobs.apply("\"web-01\"", "\"web-99\""), "jobs[2].vms[0]").getMessage());
        assertTrue(refusedImport(inJobs.apply("\"sql-01\"", "\"web-01\""), "jobs[1].vms[0]").getMessage()
                .contains("runs on VMWARE host 'esx-01'"));
        assertTrue(refusedImport(inJobs.apply("\"repository\" : \"px-win-01\"", "\"repository\" : \"rocky-01\""),
                "jobs[0].repository").getMessage().contains("does not hold the REPOSITORY role"));
        refusedImport(inJobs.apply("\"px-lin-01\"", "\"rocky-01\""), "jobs[2].proxies.servers[0]");
        refusedImport(inJobs.apply("\"rocky-01\"", "\"gone-01\""), "jobs[2].guestProcessing.guestProxies.servers[0]");
        refusedImport(inJobs.apply("\"name\" : \"sql-hourly\"", "\"name\" : \"DC-daily\""), "jobs[1].name");
        refusedImport(inJobs.apply("\"VIRTUAL_APPLIANCE\"", "\"NETWORK_SSL\""), "jobs[2].transportMode");
        refusedImport(inJobs.apply("\"transportMode\" : \"AUTOMATIC\"", "\"transportMode\" : \"NETWORK\""),
                "jobs[0].transportMode");
        refusedImport(inJobs.apply("\"onHostFallback\" : true", "\"onHostFalback\" : true"),
                "jobs[1].onHostFalback");
        // sql-hourly is the first job without application-aware processing
        refusedImport(inJobs.apply("\"applicationAware\" : false,\n        \"indexing\" : false,\n"
                + "        \"logProcessing\" : false", "\"applicationAware\" : false,\n        \"indexing\" : false,\n"
                + "        \"logProcessing\" : true"), "jobs[1].guestProcessing.logProcessing");
        assertEquals(List.of("dc-daily", "sql-hourly", "web-nightly"), jobNames());
    }

    @Test
    void importChecksScheduleAndRetentionNamingTheField() throws Exception {
        populateWithJobs();
        String json = export();
        int jobsAt = json.indexOf("\"jobs\"");
        java.util.function.BiFunction<String, String, String> inJobs = (from, to) -> {
            String jobsPart = json.substring(jobsAt);
            assertTrue(jobsPart.contains(from), from);
            return json.substring(0, jobsAt) + jobsPart.replaceFirst(java.util.regex.Pattern.quote(from), to);
        };
        // [0] dc-daily (daily 22:00, keep last 30), [1] sql-hourly (manual, keep last 7), [2] web-nightly
        assertEquals("jobs[0].schedule: '25:00' is not a time: use HH:MM (24 h), e.g. 22:30 (in '25:00')",
                refusedImport(inJobs.apply("\"daily 22:00\"", "\"daily 25:00\""), "jobs[0].schedule").getMessage());
        assertTrue(refusedImport(inJobs.apply("\"manual\"", "\"hourly\""), "jobs[1].schedule").getMessage()
                .contains("'hourly' is not a schedule"));
        refusedImport(inJobs.apply("\"schedule\" : \"manual\"", "\"schedule\" : 7"), "jobs[1].schedule");
        assertEquals("jobs[0].retention.keepLast: -1 is negative",
                refusedImport(inJobs.apply("\"keepLast\" : 30", "\"keepLast\" : -1"), "jobs[0].retention.keepLast")
                        .getMessage());
        assertTrue(refusedImport(inJobs.apply("\"keepLast\" : 7", "\"keepLast\" : 0"), "jobs[1].retention")
                .getMessage().startsWith("jobs[1].retention: keeps nothing"));
        refusedImport(inJobs.apply("\"keepWeekly\" : 8", "\"keepYearly\" : 8"), "jobs[2].retention.keepYearly");
        refusedImport(inJobs.apply("\"keepDaily\" : 14", "\"keepDaily\" : 1.5"), "jobs[2].retention.keepDaily");
    }

    @Test
    void importOfAFileWithoutScheduleOrRetentionGivesEveryJobTheDefaults() throws Exception {
        populateWithJobs();
        String json = export();
        String withoutThem = json.replaceAll(",\\n\\s*\"schedule\" : \"[^\"]*\",\\n\\s*\"retention\" : \\{[^}]*\\}", "");
        assertFalse(withoutThem.contains("\"retention\""), withoutThem);
        transfer.importFrom(Files.writeString(tmp.resolve("older.json"), withoutThem), false);
        for (Job job : jobs.jobs()) {
            assertEquals(Schedule.MANUAL, job.spec().schedule(), job.name());
            assertEquals(JobSpec.DEFAULT_RETENTION, job.spec().retention(), job.name());
        }
        String partial = json.replace("\"keepLast\" : 3,\n", "");
        transfer.importFrom(Files.writeString(tmp.resolve("partial.json"), partial), false);
        assertEquals(new RetentionPolicy(7, 14, 8, 12), jobs.job("web-nightly").orElseThrow().spec().retention(),
                "a missing keepLast is 7, as in a job without retention");
    }

    @Test
    void importReplacesTheJobsToo() throws Exception {
        populateWithJobs();
        String withJobs = export();
        jobs.deleteJob("sql-hourly");
        jobs.createJob(JobFixtures.from(JobFixtures.sqlHourly()).name("sql-other").build());
        transfer.importFrom(Files.writeString(tmp.resolve("inventory.json"), withJobs), false);
        assertEquals(List.of("dc-daily", "sql-hourly", "web-nightly"), jobNames());
    }

    @Test
    @DisplayName("seed 000_6fa5d5cd4044af24.txt: import runs the plugins' job validators as ferry:job-create does:"
            + " a Proxmox VE job with Windows VMs and no Windows server in the file is refused, --dry-run too")
    void importRunsPluginValidatorsOnTheFilesContent() throws Exception {
        linuxOnlyProxmoxInventory();
        jobs.createJob(proxmoxJob("lin-01", "win-01")); // saved before any validator was installed
        String json = export();
        Path file = Files.writeString(tmp.resolve("inventory.json"), json);
        WindowsGuestsNeedAWindowsServer validator = new WindowsGuestsNeedAWindowsServer();
        transfer.addValidator(validator);
        for (boolean dryRun : new boolean[] {true, false}) {
            ValidationException e = assertThrows(ValidationException.class, () -> transfer.importFrom(file, dryRun));
            assertEquals("jobs[0]." + WindowsGuestsNeedAWindowsServer.NAME, e.field(), e.getMessage());
            assertTrue(e.getMessage().contains("Job 'pve-daily' backs up Windows VMs (win-01)"), e.getMessage());
            assertTrue(e.getMessage().contains(WindowsGuestsNeedAWindowsServer.SEED_REASON), e.getMessage());
        }
        assertEquals(json, export(), "nothing changed");

        // The validator sees the file as the inventory: with a Windows server in the file the job is fine.
        inventory.addServer(windows("win-srv", "10.0.2.60").build());
        String withWindows = export();
        inventory.removeServer("win-srv");
        transfer.importFrom(Files.writeString(tmp.resolve("with-windows.json"), withWindows), false);
        assertTrue(inventory.server("win-srv").isPresent());
        assertEquals(List.of("lin-01", "win-01"), jobs.job("pve-daily").orElseThrow().spec().vms());

        transfer.removeValidator(validator);
        int calls = validator.calls;
        transfer.importFrom(file, false);
        assertEquals(calls, validator.calls, "a validator that is gone is no longer asked");
    }
}
