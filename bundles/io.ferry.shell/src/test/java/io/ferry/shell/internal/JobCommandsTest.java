package io.ferry.shell.internal;

import static io.ferry.shell.internal.CommandHarness.run;
import static io.ferry.shell.internal.CommandHarness.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.ConflictException;
import io.ferry.api.NotFoundException;
import io.ferry.api.ValidationException;
import io.ferry.api.inventory.HostKind;
import io.ferry.api.inventory.HostSpec;
import io.ferry.api.inventory.OsInfo;
import io.ferry.api.inventory.Platform;
import io.ferry.api.inventory.TransportMode;
import io.ferry.api.inventory.VmSpec;
import io.ferry.api.job.GuestProcessing;
import io.ferry.api.job.Job;
import io.ferry.api.job.JobSpec;
import io.ferry.api.job.Schedule;
import io.ferry.api.job.ServerChoice;
import io.ferry.api.job.TransportChoice;
import io.ferry.api.repository.RetentionPolicy;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class JobCommandsTest {

    private final FakeInventory inventory = new FakeInventory();
    private final FakeJobs jobs = new FakeJobs();

    @BeforeEach
    void hostsAndVms() {
        host("esx-01", HostKind.ESXI);
        host("hv-01", HostKind.HYPERV_HOST);
        host("pve-01", HostKind.PROXMOX_NODE);
        vm("web-01", "esx-01");
        vm("web-02", "esx-01");
        vm("sql-01", "hv-01");
        vm("dc-01", "pve-01");
    }

    private void host(String name, HostKind kind) {
        inventory.addHost(new HostSpec(name, kind, name + ".lab", Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), List.of()));
    }

    private void vm(String name, String host) {
        inventory.addVm(new VmSpec(name, host, OsInfo.linux("debian", "12"), List.of(), List.of(), Optional.empty(),
                false));
    }

    private JobCreateCommand create(Object... more) {
        JobCreateCommand command = with(new JobCreateCommand(), "jobs", jobs, "inventory", inventory);
        return with(command, more);
    }

    private static JobSpec webNightly() {
        return new JobSpec("web-nightly", Platform.VMWARE, List.of("web-01", "web-02"), "repo-01",
                ServerChoice.preferred(List.of("px-01")), TransportChoice.fixed(TransportMode.DIRECT_STORAGE_ACCESS, false),
                new GuestProcessing(true, false, true, ServerChoice.preferred(List.of("gip-01", "gip-02"))), false);
    }

    /** {@link #webNightly()} twice a week, with a retention using every rule. */
    private static JobSpec scheduledWebNightly() {
        return webNightly().withSchedule(Schedule.parse("weekly mon,thu 21:30"))
                .withRetention(new RetentionPolicy(3, 14, 8, 12));
    }

    @Nested
    class Create {

        @Test
        void takesThePlatformFromTheFirstVmAndPassesEveryOption() throws Exception {
            String out = run(create("name", "web-nightly", "vms", List.of("web-01", "web-02"), "repository", "repo-01",
                    "proxies", List.of("px-01"), "transportMode", "Direct_Storage_Access", "noFailover", true,
                    "applicationAware", true, "logProcessing", true, "guestProxies", List.of("gip-01", "gip-02")));
            Job created = jobs.job("web-nightly").orElseThrow();
            assertEquals(webNightly(), created.spec());
            assertEquals("Created job 'web-nightly' (id " + created.id() + ", vmware, 2 VMs, repository repo-01)\n", out);
        }

        @Test
        void withoutOptionsEverythingIsAutomaticAndHyperVJobsFallBackOnHost() throws Exception {
            run(create("name", "sql-hourly", "vms", List.of("sql-01"), "repository", "repo-01"));
            assertEquals(JobSpec.of("sql-hourly", Platform.HYPERV, List.of("sql-01"), "repo-01"),
                    jobs.job("sql-hourly").orElseThrow().spec());
            run(create("name", "sql-strict", "vms", List.of("sql-01"), "repository", "repo-01",
                    "noOnHostFallback", true));
            assertFalse(jobs.job("sql-strict").orElseThrow().spec().onHostFallback());
        }

        @Test
        void scheduleAndRetentionOptionsAreSavedAndUnsetRulesTakeTheDefaults() throws Exception {
            run(create("name", "web-nightly", "vms", List.of("web-01"), "repository", "repo-01",
                    "schedule", "  Weekly MON,thu   21:30 ", "keepDaily", 14, "keepMonthly", 12));
            JobSpec spec = jobs.job("web-nightly").orElseThrow().spec();
            assertEquals("weekly mon,thu 21:30", spec.schedule().text());
            assertEquals(new RetentionPolicy(7, 14, 0, 12), spec.retention(), "keep-last stays at its default 7");
            run(create("name", "web-daily", "vms", List.of("web-01"), "repository", "repo-01",
                    "schedule", "cron 0 30 22 ? * MON-FRI", "keepLast", 0, "keepWeekly", 4));
            JobSpec daily = jobs.job("web-daily").orElseThrow().spec();
            assertEquals("0 30 22 ? * MON-FRI", daily.schedule().cron());
            assertEquals(new RetentionPolicy(0, 0, 4, 0), daily.retention());
        }

        @Test
        void badScheduleOrRetentionIsRefusedNamingTheOption() {
            assertEquals("--schedule: '25:00' is not a time: use HH:MM (24 h), e.g. 22:30 (in '25:00')",
                    assertThrows(ValidationException.class, () -> run(create("name", "web", "vms", List.of("web-01"),
                            "repository", "repo-01", "schedule", "daily 25:00"))).getMessage());
            assertTrue(assertThrows(ValidationException.class, () -> run(create("name", "web", "vms",
                    List.of("web-01"), "repository", "repo-01", "schedule", "hourly"))).getMessage()
                    .startsWith("--schedule: 'hourly' is not a schedule: use manual, 'daily HH:MM'"));
            assertEquals("--keep-weekly: -1 is negative", assertThrows(ValidationException.class, () -> run(create(
                    "name", "web", "vms", List.of("web-01"), "repository", "repo-01", "keepWeekly", -1))).getMessage());
            assertEquals("--keep-last: the job would keep no backups: set at least one of --keep-last, --keep-daily,"
                    + " --keep-weekly, --keep-monthly above 0", assertThrows(ValidationException.class,
                            () -> run(create("name", "web", "vms", List.of("web-01"), "repository", "repo-01",
                                    "keepLast", 0))).getMessage());
            assertEquals(List.of(), jobs.calls);
        }

        @Test
        void anExplicitPlatformWins() throws Exception {
            run(create("name", "dc-daily", "platform", "PROXMOX", "vms", List.of("dc-01"), "repository", "repo-01"));
            assertEquals(Platform.PROXMOX, jobs.job("dc-daily").orElseThrow().spec().platform());
        }

        @Test
        void optionsOfAnotherPlatformAreRefusedBeforeCallingTheService() {
            assertEquals("--transport-mode: applies only to vmware jobs, not to proxmox jobs",
                    assertThrows(ValidationException.class, () -> run(create("name", "dc-daily", "vms",
                            List.of("dc-01"), "repository", "repo-01", "transportMode", "network"))).getMessage());
            assertEquals("--no-on-host-fallback: applies only to hyperv jobs, not to vmware jobs",
                    assertThrows(ValidationException.class, () -> run(create("name", "web", "vms", List.of("web-01"),
                            "repository", "repo-01", "noOnHostFallback", true))).getMessage());
            assertEquals(List.of(), jobs.calls);
        }

        @Test
        void transportOptionsAreChecked() {
            assertTrue(assertThrows(ValidationException.class, () -> run(create("name", "web", "vms", List.of("web-01"),
                    "repository", "repo-01", "noFailover", true))).getMessage()
                    .startsWith("--no-failover: applies only to a fixed --transport-mode"));
            assertTrue(assertThrows(ValidationException.class, () -> run(create("name", "web", "vms", List.of("web-01"),
                    "repository", "repo-01", "transportMode", "network-ssl"))).getMessage()
                    .startsWith("--transport-mode: network-ssl is network mode with encryption"));
            assertEquals("--transport-mode: 'hotadd' is not one of: auto, direct-storage-access, virtual-appliance,"
                    + " network", assertThrows(ValidationException.class, () -> run(create("name", "web", "vms",
                            List.of("web-01"), "repository", "repo-01", "transportMode", "hotadd"))).getMessage());
            assertEquals(List.of(), jobs.calls);
        }

        @Test
        void recordErrorsNameTheOption() {
            assertEquals("--log-processing: transaction log processing needs application-aware processing; enable"
                    + " both", assertThrows(ValidationException.class, () -> run(create("name", "web", "vms",
                            List.of("web-01"), "repository", "repo-01", "logProcessing", true))).getMessage());
            assertEquals("--proxy: 'PX-01' is listed twice", assertThrows(ValidationException.class,
                    () -> run(create("name", "web", "vms", List.of("web-01"), "repository", "repo-01",
                            "proxies", List.of("px-01", "PX-01")))).getMessage());
            assertTrue(assertThrows(ValidationException.class, () -> run(create("name", "-web", "vms",
                    List.of("web-01"), "repository", "repo-01"))).getMessage().startsWith("NAME: '-web' is not a valid"));
        }

        @Test
        void anUnknownFirstVmIsNamedWhenThePlatformIsDerived() {
            assertEquals("--vm: No VM named 'web-99' (see ferry:vm-list)", assertThrows(ValidationException.class,
                    () -> run(create("name", "web", "vms", List.of("web-99"), "repository", "repo-01"))).getMessage());
        }

        @Test
        void serviceErrorsComeBackUnderTheOptionName() {
            jobs.refuseNextSave = new ValidationException("guestProcessing.guestProxies.servers[1]",
                    "No server named 'gip-9' (see ferry:server-list)");
            assertEquals("--guest-proxy: No server named 'gip-9' (see ferry:server-list)",
                    assertThrows(ValidationException.class, () -> run(create("name", "web", "vms", List.of("web-01"),
                            "repository", "repo-01", "guestProxies", List.of("gip-01", "gip-9")))).getMessage());
            jobs.refuseNextSave = new ValidationException("vms[1]", "No VM named 'web-99' (see ferry:vm-list)");
            assertEquals("--vm: No VM named 'web-99' (see ferry:vm-list)", assertThrows(ValidationException.class,
                    () -> run(create("name", "web", "vms", List.of("web-01", "web-99"), "repository", "repo-01")))
                    .getMessage());
        }

        @Test
        @org.junit.jupiter.api.DisplayName("seed 000_6fa5d5cd4044af24.txt: a plugin validator's refusal is shown as the"
                + " validator reported it")
        void aValidatorsRefusalKeepsTheValidatorsName() {
            jobs.refuseNextSave = new ValidationException("windows-vms-need-windows-server", "Job 'dc-daily' backs up"
                    + " Windows VMs (dc-01), but the backup infrastructure has no Microsoft Windows server.");
            assertTrue(assertThrows(ValidationException.class, () -> run(create("name", "dc-daily", "vms",
                    List.of("dc-01"), "repository", "repo-01"))).getMessage()
                    .startsWith("windows-vms-need-windows-server: Job 'dc-daily' backs up Windows VMs"));
        }
    }

    @Nested
    class ListAndShow {

        @Test
        void listShowsATable() throws Exception {
            jobs.put(webNightly());
            jobs.put(JobSpec.of("sql-hourly", Platform.HYPERV, List.of("sql-01"), "repo-01"));
            String out = run(with(new JobListCommand(), "jobs", jobs));
            assertTrue(out.contains("Guest processing"), out);
            assertTrue(out.contains("web-nightly") && out.contains("direct-storage-access, no failover")
                    && out.contains("application-aware, log processing") && out.contains("gip-01, gip-02"), out);
            assertTrue(out.indexOf("sql-hourly") < out.indexOf("web-nightly"), out);
            assertTrue(out.contains("automatic") && out.contains("off"), out);
        }

        @Test
        void listAndShowTellWhenTheJobRunsAndWhatItKeeps() throws Exception {
            jobs.put(scheduledWebNightly());
            jobs.put(JobSpec.of("sql-hourly", Platform.HYPERV, List.of("sql-01"), "repo-01"));
            String list = run(with(new JobListCommand(), "jobs", jobs));
            assertTrue(list.contains("Schedule") && list.contains("Retention"), list);
            assertTrue(list.contains("weekly mon,thu 21:30") && list.contains("last 3, daily 14, weekly 8, monthly 12"),
                    list);
            assertTrue(list.contains("manual") && list.contains("last 7"), list);
            String show = run(with(new JobShowCommand(), "jobs", jobs, "name", "web-nightly"));
            for (String expected : List.of("Schedule", "weekly mon,thu 21:30", "Cron", "0 30 21 ? * MON,THU",
                    "Retention", "last 3, daily 14, weekly 8, monthly 12 (backups per disk)")) {
                assertTrue(show.contains(expected), expected + " in\n" + show);
            }
            String manual = run(with(new JobShowCommand(), "jobs", jobs, "name", "sql-hourly"));
            assertTrue(manual.contains("manual") && !manual.contains("Cron"), manual);
        }

        @Test
        void emptyListSaysHowToDefineAJob() throws Exception {
            assertTrue(run(with(new JobListCommand(), "jobs", jobs)).contains("No jobs; define one with ferry:job-create"));
        }

        @Test
        void listAndShowJsonUseTheExportShape() throws Exception {
            Job job = jobs.put(webNightly());
            assertEquals(io.ferry.json.FerryJson.text(JsonOutput.jobs(List.of(job))), run(with(new JobListCommand(), "jobs", jobs, "json", true)));
            assertEquals(io.ferry.json.FerryJson.text(JsonOutput.jobs(List.of(job))), run(with(new JobShowCommand(), "jobs", jobs, "name", "WEB-NIGHTLY",
                    "json", true)));
            assertEquals("[ ]\n", run(with(new JobListCommand(), "jobs", new FakeJobs(), "json", true)));
        }

        @Test
        void showPrintsEverySetting() throws Exception {
            Job job = jobs.put(webNightly());
            String out = run(with(new JobShowCommand(), "jobs", jobs, "name", "web-nightly"));
            for (String expected : List.of(job.id(), "vmware", "web-01", "web-02", "repo-01", "px-01",
                    "direct-storage-access", "Failover to network", "gip-02")) {
                assertTrue(out.contains(expected), expected + " in\n" + out);
            }
            assertFalse(out.contains("On-host fallback"), out);
        }

        @Test
        void showOfAnUnknownJobSaysWhereToLook() {
            assertEquals("No job named 'nope' (see ferry:job-list)", assertThrows(NotFoundException.class,
                    () -> run(with(new JobShowCommand(), "jobs", jobs, "name", "nope"))).getMessage());
        }
    }

    @Nested
    class UpdateAndDelete {

        private JobUpdateCommand update(Object... options) {
            return with(with(new JobUpdateCommand(), "jobs", jobs, "name", "web-nightly"), options);
        }

        @Test
        void updateAppliesTheOptionsToTheCurrentDefinition() throws Exception {
            Job job = jobs.put(webNightly());
            String out = run(update("addVms", List.of("web-03"), "removeVms", List.of("WEB-01"), "autoProxy", true,
                    "noLogProcessing", true, "indexing", true));
            JobSpec spec = jobs.job("web-nightly").orElseThrow().spec();
            assertEquals(List.of("web-02", "web-03"), spec.vms());
            assertEquals(ServerChoice.AUTOMATIC, spec.proxies());
            assertEquals(new GuestProcessing(true, true, false, ServerChoice.preferred(List.of("gip-01", "gip-02"))),
                    spec.guestProcessing());
            assertEquals(webNightly().transport(), spec.transport());
            assertEquals(List.of("updateJob " + job.id() + " v1"), jobs.calls);
            assertEquals("Updated job 'web-nightly' (version 2, vmware, 2 VMs, repository repo-01)\n", out);
        }

        @Test
        void anUpdateOfOtherSettingsKeepsTheScheduleAndTheRetention() throws Exception {
            jobs.put(scheduledWebNightly());
            run(update("indexing", true, "addVms", List.of("web-03")));
            JobSpec spec = jobs.job("web-nightly").orElseThrow().spec();
            assertEquals(scheduledWebNightly().schedule(), spec.schedule());
            assertEquals(scheduledWebNightly().retention(), spec.retention());
        }

        @Test
        void scheduleAndEachRetentionRuleChangeOnTheirOwn() throws Exception {
            jobs.put(scheduledWebNightly());
            String out = run(update("keepDaily", 30, "schedule", "daily 3:05"));
            JobSpec spec = jobs.job("web-nightly").orElseThrow().spec();
            assertEquals("daily 03:05", spec.schedule().text());
            assertEquals(new RetentionPolicy(3, 30, 8, 12), spec.retention());
            assertTrue(out.startsWith("Updated job 'web-nightly' (version 2"), out);
            run(update("schedule", "manual", "keepLast", 0, "keepWeekly", 0, "keepMonthly", 0));
            spec = jobs.job("web-nightly").orElseThrow().spec();
            assertTrue(spec.schedule().manual());
            assertEquals(new RetentionPolicy(0, 30, 0, 0), spec.retention());
            assertEquals("--keep-daily: the job would keep no backups: set at least one of --keep-last,"
                    + " --keep-daily, --keep-weekly, --keep-monthly above 0", assertThrows(ValidationException.class,
                            () -> run(update("keepDaily", 0))).getMessage());
            assertEquals("Job 'web-nightly' already has these settings (version 3); nothing changed\n",
                    run(update("schedule", "MANUAL", "keepDaily", 30)));
        }

        @Test
        void updateWithAStaleExpectedVersionTellsTheUserToReRead() {
            jobs.put(webNightly());
            ConflictException e = assertThrows(ConflictException.class, () -> run(update("indexing", true,
                    "expectedVersion", 0L)));
            assertEquals("Job 'web-nightly' is at version 1, not 0: it was changed since it was read. Nothing was"
                    + " written; re-read it with ferry:job-show web-nightly and repeat the update.", e.getMessage());
        }

        @Test
        void updateWithoutOptionsOrWithoutChangeWritesNothing() throws Exception {
            jobs.put(webNightly());
            assertTrue(assertThrows(ValidationException.class, () -> run(update())).getMessage()
                    .startsWith("Nothing to change for job 'web-nightly'"));
            assertEquals("Job 'web-nightly' already has these settings (version 1); nothing changed\n",
                    run(update("applicationAware", true, "repository", "repo-01")));
            assertEquals(List.of(), jobs.calls);
        }

        @Test
        void oppositeSwitchesAreRefused() {
            jobs.put(webNightly());
            assertEquals("use either --indexing or --no-indexing, not both", assertThrows(ValidationException.class,
                    () -> run(update("indexing", true, "noIndexing", true))).getMessage());
            assertEquals("use either --proxy or --auto-proxy, not both", assertThrows(ValidationException.class,
                    () -> run(update("proxies", List.of("px-02"), "autoProxy", true))).getMessage());
        }

        @Test
        void serviceErrorsOfAnUpdateNameTheOption() {
            jobs.put(webNightly());
            jobs.refuseNextSave = new ValidationException("repository", "server 'px-01' does not hold the REPOSITORY"
                    + " role");
            assertEquals("--repository: server 'px-01' does not hold the REPOSITORY role",
                    assertThrows(ValidationException.class, () -> run(update("repository", "px-01"))).getMessage());
            assertEquals("--rename: '-x' is not a valid job name: use 1-63 letters, digits, '.', '_' or '-', starting"
                    + " with a letter or digit", assertThrows(ValidationException.class,
                            () -> run(update("rename", "-x"))).getMessage());
        }

        @Test
        void deleteUsesTheIdOfTheNamedJob() throws Exception {
            Job job = jobs.put(webNightly());
            assertEquals("Deleted job 'web-nightly'\n", run(with(new JobDeleteCommand(), "jobs", jobs, "name",
                    "Web-Nightly")));
            assertEquals(List.of("deleteJob " + job.id()), jobs.calls);
            assertEquals("No job named 'web-nightly' (see ferry:job-list)", assertThrows(NotFoundException.class,
                    () -> run(with(new JobDeleteCommand(), "jobs", jobs, "name", "web-nightly"))).getMessage());
        }
    }
}
