package io.ferry.jobs.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.ConflictException;
import io.ferry.api.NotFoundException;
import io.ferry.api.inventory.DiskFormat;
import io.ferry.api.inventory.OsInfo;
import io.ferry.api.inventory.Platform;
import io.ferry.api.inventory.RoleType;
import io.ferry.api.inventory.VirtualDisk;
import io.ferry.api.job.GuestProcessing;
import io.ferry.api.job.JobSpec;
import io.ferry.api.job.ServerChoice;
import io.ferry.api.job.TransportChoice;
import io.ferry.api.mover.DiskSource;
import io.ferry.api.mover.SourceOptions;
import io.ferry.api.repository.BackupInfo;
import io.ferry.api.repository.BackupRequest;
import io.ferry.api.repository.ProgressListener;
import io.ferry.api.repository.RetentionPolicy;
import io.ferry.api.session.GuestRecord;
import io.ferry.api.session.Session;
import io.ferry.api.session.SessionEvents;
import io.ferry.api.session.SessionStatus;
import io.ferry.api.session.TaskRecord;
import io.ferry.api.session.TaskStatus;
import io.ferry.api.session.VmRestoreResult;
import io.ferry.mover.internal.DataMoverImpl;
import io.ferry.mover.internal.source.DiskSourcesImpl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Jobs run end to end on real data: the real data mover and disk sources back up small raw
 * images (local files) and qcow2 images (served by a real qemu-nbd) into a real encrypted
 * repository; only the inventory, the job definitions, the planner and the session store
 * are in-memory fakes. Backups are checked by restoring them and comparing sha256.
 */
@Timeout(180)
class JobSessionsTest {

    private static final long SIZE = 3L * Images.MIB + 12_800;

    @TempDir
    Path dir;

    private Lab lab;

    @BeforeEach
    void lab() {
        lab = new Lab(dir);
    }

    @AfterEach
    void close() {
        lab.close();
    }

    private JobSpec job(String name, List<String> vms, String... proxies) {
        return new JobSpec(name, Platform.PROXMOX, vms, "repo-01", ServerChoice.preferred(List.of(proxies)),
                TransportChoice.AUTOMATIC, GuestProcessing.DISABLED, false);
    }

    private static TaskRecord task(Session s, String id) {
        return s.task(id).orElseThrow(() -> new AssertionError("no task " + id + " in " + s.tasks()));
    }

    /** Seeds 002/003: several proxies share the load by task slots; a proxy never runs more than its slots. */
    @Test
    void jobOfThreeVmsOverTwoOneSlotProxiesNeverRunsTwoTasksOnAProxyAndEveryDiskRestoresIdentical()
            throws Exception {
        lab.inventory.addServer("px-01", 1, RoleType.GENERAL_PURPOSE_PROXY);
        lab.inventory.addServer("px-02", 1, RoleType.GENERAL_PURPOSE_PROXY);
        for (int i = 1; i <= 3; i++) {
            lab.addVm("vm-" + i, lab.rawDisk("disk0", "vm-" + i + "-0.raw", SIZE, 10 + i),
                    lab.qcow2Disk("disk1", "vm-" + i + "-1", SIZE + 512 * i, 20 + i));
        }
        lab.jobs.createJob(job("nightly", List.of("vm-1", "vm-2", "vm-3"), "px-01", "px-02"));

        Session s = lab.run("nightly");

        assertEquals(SessionStatus.SUCCESS, s.status(), s.message());
        assertEquals(6, s.tasks().size());
        assertEquals(List.of("vm-1/disk0", "vm-1/disk1", "vm-2/disk0", "vm-2/disk1", "vm-3/disk0", "vm-3/disk1"),
                s.tasks().stream().map(TaskRecord::id).toList(), "tasks in plan order");
        assertEquals(1, lab.peak("px-01"), "backups at once through px-01");
        assertEquals(1, lab.peak("px-02"), "backups at once through px-02");
        assertEquals(1, lab.sessions.slots().peak("px-01"));
        assertEquals(0, lab.sessions.slots().running("px-01") + lab.sessions.slots().running("px-02"),
                "every slot is released at the end");
        for (TaskRecord t : s.tasks()) {
            assertEquals(TaskStatus.SUCCESS, t.status(), t.id() + ": " + t.error());
            assertEquals("full", t.changeTracking());
            assertTrue(t.reason().contains(t.proxy()), t.reason());
            assertTrue(t.readBytes() > 0 && t.readBytes() < t.sizeBytes(), "holes are not read: " + t.readBytes());
            assertTrue(t.storedBytes() > 0 && t.newBytes() > 0);
            Path original = dir.resolve(t.vm() + (t.disk().equals("disk0") ? "-0.raw" : "-1.raw"));
            assertEquals(Images.sha256(original), lab.restoredSha256(t.backupId(), t.id().replace('/', '_')),
                    "restore of " + t.id());
        }
        assertEquals(List.of("px-01", "px-02"), s.tasks().stream().map(TaskRecord::proxy).distinct().sorted()
                .toList());
        assertEquals(3, s.guests().size());
        assertTrue(s.guests().stream().allMatch(g -> g.status() == TaskStatus.SKIPPED && !g.executed()));
        assertTrue(s.message().contains("All 6 disks were backed up"), s.message());
    }

    @Test
    void aMissingDiskFailsOnlyItsTaskAndTheRetryRunsOnlyThatTask() throws Exception {
        lab.inventory.addServer("px-01", 2, RoleType.GENERAL_PURPOSE_PROXY);
        Path missing = dir.resolve("vm-a-1.raw");
        lab.addVm("vm-a", lab.rawDisk("disk0", "vm-a-0.raw", SIZE, 1),
                new VirtualDisk("disk1", SIZE, DiskFormat.RAW, missing.toString(), Optional.empty()));
        lab.addVm("vm-b", lab.rawDisk("disk0", "vm-b-0.raw", SIZE, 2));
        lab.jobs.createJob(job("daily", List.of("vm-a", "vm-b"), "px-01"));

        Session failed = lab.run("daily");

        assertEquals(SessionStatus.FAILED, failed.status());
        TaskRecord bad = task(failed, "vm-a/disk1");
        assertEquals(TaskStatus.FAILED, bad.status());
        assertTrue(bad.error().contains(missing.toString()) && bad.error().contains("does not exist"), bad.error());
        assertNull(bad.backupId());
        assertEquals(TaskStatus.SUCCESS, task(failed, "vm-a/disk0").status());
        assertEquals(TaskStatus.SUCCESS, task(failed, "vm-b/disk0").status());
        assertTrue(failed.message().contains("1 of 3 disks failed: vm-a/disk1")
                && failed.message().contains("ferry:job-retry " + failed.id()), failed.message());

        Images.raw(missing, SIZE, 3);
        Session retry = lab.await(lab.sessions.retry(failed.id().substring(0, 13)));

        assertEquals(SessionStatus.SUCCESS, retry.status(), retry.message());
        assertEquals("retry", retry.trigger());
        assertEquals(failed.id(), retry.retryOf());
        assertEquals(List.of("vm-a/disk1"), retry.tasks().stream().map(TaskRecord::id).toList());
        assertEquals(Images.sha256(missing), lab.restoredSha256(task(retry, "vm-a/disk1").backupId(), "retried"));
        ConflictException nothing = assertThrows(ConflictException.class, () -> lab.sessions.retry(retry.id()));
        assertTrue(nothing.getMessage().contains("nothing to retry"), nothing.getMessage());
    }

    @Test
    void stopCancelsTheRunningTaskDropsTheQueuedOnesAndLeavesNoBackupBehind() throws Exception {
        lab.inventory.addServer("px-01", 1, RoleType.GENERAL_PURPOSE_PROXY);
        VirtualDisk first = lab.rawDisk("disk0", "vm-a-0.raw", SIZE, 1);
        lab.addVm("vm-a", first, lab.rawDisk("disk1", "vm-a-1.raw", SIZE, 2), lab.rawDisk("disk2", "vm-a-2.raw",
                SIZE, 3));
        lab.jobs.createJob(job("weekly", List.of("vm-a"), "px-01"));
        Lab.Gate gate = lab.gate(first.location());

        Session started = lab.sessions.start("weekly", "manual");
        gate.awaitEntered();
        assertEquals(List.of(TaskStatus.RUNNING, TaskStatus.QUEUED, TaskStatus.QUEUED),
                lab.sessions.progress(started.id()).stream().map(p -> p.status()).toList());
        lab.sessions.stop("WEEKLY");
        gate.open();
        Session stopped = lab.await(started);

        assertEquals(SessionStatus.STOPPED, stopped.status(), stopped.message());
        assertTrue(stopped.tasks().stream().allMatch(t -> t.status() == TaskStatus.STOPPED), stopped.tasks()
                .toString());
        assertTrue(task(stopped, "vm-a/disk2").error().contains("before it started"));
        assertTrue(lab.repository().backups().isEmpty(), "a stopped backup is never visible");
        assertEquals(0, lab.sessions.slots().running("px-01"));
        assertTrue(lab.sessions.progress(started.id()).isEmpty(), "no live progress after the end");
        assertThrows(ConflictException.class, () -> lab.sessions.stop(stopped.id()));

        Session again = lab.run("weekly");
        assertEquals(SessionStatus.SUCCESS, again.status(), again.message());
    }

    /** Issue 6 fault test: the NBD server dies mid-run. */
    @Test
    void anNbdServerKilledMidRunFailsItsTaskClearlyLeavesNothingHalfVisibleAndTheNextRunIsComplete()
            throws Exception {
        lab.inventory.addServer("px-01", 2, RoleType.GENERAL_PURPOSE_PROXY);
        VirtualDisk served = lab.qcow2Disk("disk1", "vm-a-1", SIZE, 2);
        lab.addVm("vm-a", lab.rawDisk("disk0", "vm-a-0.raw", SIZE, 1), served);
        lab.jobs.createJob(job("daily", List.of("vm-a"), "px-01"));
        Lab.Gate gate = lab.gate(served.location());

        Session started = lab.sessions.start("daily", "manual");
        gate.awaitEntered();
        lab.killNbd("vm-a-1");
        gate.open();
        Session failed = lab.await(started);

        assertEquals(SessionStatus.FAILED, failed.status());
        TaskRecord broken = task(failed, "vm-a/disk1");
        assertEquals(TaskStatus.FAILED, broken.status());
        assertTrue(broken.error().startsWith("Backup of " + served.location()) && broken.error().contains("failed"),
                broken.error());
        assertEquals(TaskStatus.SUCCESS, task(failed, "vm-a/disk0").status());
        assertTrue(lab.repository().latest("vm-a/disk1").isEmpty(), "nothing of the failed backup is visible");

        lab.restartNbd("vm-a-1");
        Session next = lab.run("daily");

        assertEquals(SessionStatus.SUCCESS, next.status(), next.message());
        assertEquals(Images.sha256(dir.resolve("vm-a-1.raw")), lab.restoredSha256(task(next, "vm-a/disk1").backupId(),
                "after-fault.raw"));
    }

    @Test
    void startingAJobThatRunsIsAConflictAndOtherJobsStillRun() throws Exception {
        lab.inventory.addServer("px-01", 2, RoleType.GENERAL_PURPOSE_PROXY);
        VirtualDisk slow = lab.rawDisk("disk0", "vm-a-0.raw", SIZE, 1);
        lab.addVm("vm-a", slow);
        lab.addVm("vm-b", lab.rawDisk("disk0", "vm-b-0.raw", SIZE, 2));
        lab.jobs.createJob(job("job-a", List.of("vm-a"), "px-01"));
        lab.jobs.createJob(job("job-b", List.of("vm-b"), "px-01"));
        Lab.Gate gate = lab.gate(slow.location());

        Session running = lab.sessions.start("job-a", "manual");
        gate.awaitEntered();
        ConflictException twice = assertThrows(ConflictException.class, () -> lab.sessions.start("job-a", "manual"));
        assertTrue(twice.getMessage().contains(running.id()) && twice.getMessage().contains("already running"),
                twice.getMessage());
        Session other = lab.run("job-b");
        assertEquals(SessionStatus.SUCCESS, other.status());
        assertEquals(Map.of("px-01", 1), lab.selection.loads().get(lab.selection.loads().size() - 1).runningTasks(),
                "job-b was planned with job-a's task on px-01 as load");
        gate.open();
        assertEquals(SessionStatus.SUCCESS, lab.await(running).status());
        assertThrows(NotFoundException.class, () -> lab.sessions.start("no-such-job", "manual"));
    }

    @Test
    void aVmTwoJobsCoverIsProcessedByOneSessionAtATime() throws Exception {
        lab.inventory.addServer("px-01", 4, RoleType.GENERAL_PURPOSE_PROXY);
        VirtualDisk shared = lab.rawDisk("disk0", "vm-a-0.raw", SIZE, 1);
        lab.addVm("vm-a", shared);
        lab.addVm("vm-b", lab.rawDisk("disk0", "vm-b-0.raw", SIZE, 2));
        lab.jobs.createJob(job("job-a", List.of("vm-a"), "px-01"));
        lab.jobs.createJob(job("job-b", List.of("vm-a", "vm-b"), "px-01"));
        Lab.Gate gate = lab.gate(shared.location());
        Session first = lab.sessions.start("job-a", "manual");
        gate.awaitEntered();

        Session second = lab.run("job-b");

        assertEquals(SessionStatus.FAILED, second.status());
        assertTrue(task(second, "vm-a/disk0").error().startsWith("VM vm-a is being backed up by session " + first.id()),
                task(second, "vm-a/disk0").error());
        assertEquals(TaskStatus.SUCCESS, task(second, "vm-b/disk0").status());
        gate.open();
        assertEquals(SessionStatus.SUCCESS, lab.await(first).status());
        assertEquals(SessionStatus.SUCCESS, lab.await(lab.sessions.retry(second.id())).status(),
                "once the first session is done, the VM is free again");
    }

    @Test
    void theSecondRunFindsUnchangedDataAndTheThirdStoresOnlyWhatChanged() throws Exception {
        lab.inventory.addServer("px-01", 2, RoleType.GENERAL_PURPOSE_PROXY);
        VirtualDisk disk = lab.rawDisk("disk0", "vm-a-0.raw", SIZE, 1);
        lab.addVm("vm-a", disk, lab.qcow2Disk("disk1", "vm-a-1", SIZE, 2));
        lab.jobs.createJob(job("daily", List.of("vm-a"), "px-01"));
        Session first = lab.run("daily");

        Session second = lab.run("daily");

        assertEquals(SessionStatus.SUCCESS, second.status(), second.message());
        for (TaskRecord t : second.tasks()) {
            assertEquals("dedupe", t.changeTracking(), t.id());
            assertEquals(0, t.newBytes(), t.id() + " stored nothing new");
            assertEquals(0, t.storedBytes());
            assertEquals(task(first, t.id()).dataBytes(), t.dataBytes());
        }

        Images.scribble(Path.of(disk.location()), Images.MIB + 4096, 100_000, 99);
        Session third = lab.run("daily");

        TaskRecord changed = task(third, "vm-a/disk0");
        assertTrue(changed.newBytes() > 0 && changed.newBytes() <= 2L * Images.MIB,
                "only the chunks that changed are new: " + changed.newBytes());
        assertEquals(0, task(third, "vm-a/disk1").newBytes());
        assertEquals(Images.sha256(Path.of(disk.location())), lab.restoredSha256(changed.backupId(), "third"));
    }

    /**
     * Issue 10, without a bitmap: the parent of a read-whole incremental is the job's own last
     * backup of the disk, not a newer backup of the same key someone else wrote; a job's first
     * backup of a key is full even when the repository already holds foreign backups of it.
     */
    @Test
    void anIncrementalWithoutBitmapIsMadeAgainstTheJobsOwnLastBackupOfTheDisk() throws Exception {
        lab.inventory.addServer("px-01", 2, RoleType.GENERAL_PURPOSE_PROXY);
        VirtualDisk disk = lab.rawDisk("disk0", "vm-a-0.raw", SIZE, 1);
        lab.addVm("vm-a", disk);
        lab.jobs.createJob(job("daily", List.of("vm-a"), "px-01"));
        BackupInfo before = foreignBackup("vm-a/disk0", Images.raw(dir.resolve("foreign-0.raw"), SIZE, 5));

        Session first = lab.run("daily");

        TaskRecord full = task(first, "vm-a/disk0");
        assertEquals("full", full.changeTracking(), "the job's chain starts here, whatever else is stored");
        assertTrue(lab.repository().backup(full.backupId()).parentId().isEmpty());
        BackupInfo between = foreignBackup("vm-a/disk0", Images.raw(dir.resolve("foreign-1.raw"), SIZE, 6));
        Images.scribble(Path.of(disk.location()), Images.MIB, 50_000, 7);

        Session second = lab.run("daily");

        TaskRecord incremental = task(second, "vm-a/disk0");
        assertEquals(SessionStatus.SUCCESS, second.status(), second.message());
        assertEquals("dedupe", incremental.changeTracking());
        assertEquals(Optional.of(full.backupId()), lab.repository().backup(incremental.backupId()).parentId(),
                "not " + between.id() + " nor " + before.id());
        assertEquals(Images.sha256(Path.of(disk.location())), lab.restoredSha256(incremental.backupId(), "inc.raw"));
    }

    /** A backup as ferry:backup-disk writes it into the job's repository: same chain key, no job label. */
    private BackupInfo foreignBackup(String key, Path raw) throws Exception {
        try (DiskSource source = new DiskSourcesImpl().open(raw.toString(), SourceOptions.defaults())) {
            return new DataMoverImpl(2).backup(source, lab.repository(), new BackupRequest(key, source.description(),
                    source.size(), false, Map.of("by", "operator")), ProgressListener.NONE);
        }
    }

    @Test
    void restoreVmWritesEveryDiskOfTheVmIdenticalAndNeverOverwritesUnasked() throws Exception {
        lab.inventory.addServer("px-01", 2, RoleType.GENERAL_PURPOSE_PROXY);
        lab.addVm("vm-a", lab.rawDisk("scsi0:0", "vm-a-0.raw", SIZE, 1), lab.qcow2Disk("scsi0:1", "vm-a-1", SIZE, 2));
        lab.jobs.createJob(job("daily", List.of("vm-a"), "px-01"));
        Session session = lab.run("daily");
        Path target = dir.resolve("restore");

        VmRestoreResult result = lab.sessions.restoreVm("VM-A", null, target.toString(), false,
                ProgressListener.NONE);

        assertEquals(session.id(), result.session());
        assertEquals(2, result.disks().size());
        assertEquals(Images.sha256(dir.resolve("vm-a-0.raw")), Images.sha256(target.resolve("vm-a-scsi0_0.raw")));
        assertEquals(Images.sha256(dir.resolve("vm-a-1.raw")), Images.sha256(target.resolve("vm-a-scsi0_1.raw")));
        ConflictException exists = assertThrows(ConflictException.class, () -> lab.sessions.restoreVm("vm-a",
                session.id(), target.toString(), false, ProgressListener.NONE));
        assertTrue(exists.getMessage().contains("vm-a-scsi0_0.raw") && exists.getMessage().contains("nothing was"
                + " written"), exists.getMessage());
        Images.scribble(target.resolve("vm-a-scsi0_0.raw"), 0, 4096, 5);
        lab.sessions.restoreVm("vm-a", session.id().substring(0, 20), target.toString(), true, ProgressListener.NONE);
        assertEquals(Images.sha256(dir.resolve("vm-a-0.raw")), Images.sha256(target.resolve("vm-a-scsi0_0.raw")));
        assertThrows(NotFoundException.class, () -> lab.sessions.restoreVm("vm-zzz", null, target.toString(), true,
                ProgressListener.NONE));
    }

    @Test
    void aDiskThePlanCannotProcessFailsWithThePlansReasonWhileTheOthersRun() throws Exception {
        lab.inventory.addServer("px-01", 2, RoleType.GENERAL_PURPOSE_PROXY);
        lab.addVm("vm-a", lab.rawDisk("disk0", "vm-a-0.raw", SIZE, 1), lab.rawDisk("disk1", "vm-a-1.raw", SIZE, 2));
        lab.selection.cannotProcess("vm-a/disk1");
        lab.jobs.createJob(job("daily", List.of("vm-a"), "px-01"));

        Session s = lab.run("daily");

        assertEquals(SessionStatus.FAILED, s.status());
        TaskRecord t = task(s, "vm-a/disk1");
        assertEquals(TaskStatus.FAILED, t.status());
        assertNull(t.proxy());
        assertTrue(t.error().contains("no proxy can read this disk"), t.error());
        assertEquals(TaskStatus.SUCCESS, task(s, "vm-a/disk0").status());
    }

    @Test
    void aTransportFallbackWarningMakesTheSessionAWarning() throws Exception {
        lab.inventory.addServer("px-01", 2, RoleType.GENERAL_PURPOSE_PROXY);
        lab.addVm("vm-a", lab.rawDisk("disk0", "vm-a-0.raw", SIZE, 1));
        lab.selection.warn("vm-a/disk0", "virtual-appliance failed: fell back to network");
        lab.jobs.createJob(job("daily", List.of("vm-a"), "px-01"));

        Session s = lab.run("daily");

        assertEquals(SessionStatus.WARNING, s.status());
        assertEquals(TaskStatus.WARNING, task(s, "vm-a/disk0").status());
        assertTrue(s.message().contains("fell back to network"), s.message());
    }

    @Test
    void retentionPrunesARepositoryOnlyThisJobUsesAndSaysWhyNotWhenShared() throws Exception {
        lab.inventory.addServer("px-01", 2, RoleType.GENERAL_PURPOSE_PROXY);
        VirtualDisk disk = lab.rawDisk("disk0", "vm-a-0.raw", SIZE, 1);
        lab.addVm("vm-a", disk);
        lab.jobs.createJob(job("daily", List.of("vm-a"), "px-01").withRetention(RetentionPolicy.keepLast(2)));
        lab.run("daily");
        lab.run("daily");

        Session third = lab.run("daily");

        assertTrue(third.message().contains("Retention (keep last 2 per disk): removed 1 old backup(s)"),
                third.message());
        List<BackupInfo> kept = lab.repository().backups();
        assertEquals(2, kept.size());
        assertTrue(kept.stream().anyMatch(b -> b.id().equals(task(third, "vm-a/disk0").backupId())));

        lab.jobs.createJob(job("other", List.of("vm-a"), "px-01"));
        Session shared = lab.run("daily");
        assertTrue(shared.message().contains("Retention not applied: the repository on repo-01 is shared with job(s)"
                + " other"), shared.message());
        assertEquals(3, lab.repository().backups().size());
    }

    @Test
    void eachStateChangeIsStoredAndPostedBetweenStartedAndFinished() throws Exception {
        lab.inventory.addServer("px-01", 1, RoleType.GENERAL_PURPOSE_PROXY);
        lab.addVm("vm-a", lab.rawDisk("disk0", "vm-a-0.raw", SIZE, 1), lab.rawDisk("disk1", "vm-a-1.raw", SIZE, 2));
        lab.jobs.createJob(job("daily", List.of("vm-a"), "px-01"));

        Session s = lab.run("daily");

        List<String> topics = lab.topics();
        assertEquals(SessionEvents.STARTED, topics.get(0));
        assertEquals(SessionEvents.FINISHED, topics.get(topics.size() - 1));
        Map<String, Object> finished = lab.events.get(topics.size() - 1).properties();
        assertEquals(s.id(), finished.get(SessionEvents.SESSION));
        assertEquals("daily", finished.get(SessionEvents.JOB));
        assertEquals("SUCCESS", finished.get(SessionEvents.STATUS));
        List<String> taskChanges = lab.events.stream().filter(e -> e.topic().equals(SessionEvents.TASK_CHANGED))
                .map(e -> e.properties().get(SessionEvents.TASK) + "=" + e.properties().get(SessionEvents.STATUS))
                .toList();
        assertEquals(List.of("vm-a/disk0=RUNNING", "guest:vm-a=SKIPPED", "vm-a/disk0=SUCCESS", "vm-a/disk1=RUNNING",
                "vm-a/disk1=SUCCESS"), taskChanges);
        assertEquals(List.of("vm-a/disk0=RUNNING", "vm-a/disk0=SUCCESS", "vm-a/disk1=RUNNING", "vm-a/disk1=SUCCESS"),
                lab.store.taskSaves());
        List<Map<String, Object>> progress = lab.events.stream().filter(e -> e.topic().equals(SessionEvents.PROGRESS))
                .map(Lab.Posted::properties).toList();
        assertFalse(progress.isEmpty());
        Map<String, Object> last = progress.get(progress.size() - 1);
        assertEquals(last.get(SessionEvents.TOTAL_BYTES), last.get(SessionEvents.DONE_BYTES));
    }

    /** Seed 001: VMware guest processing cannot run here; the session says what would be done and by whom. */
    @Test
    void vmwareGuestProcessingIsRecordedAsNotExecutedNamingTheProxiesAndTheDisksAreStillBackedUp()
            throws Exception {
        lab.inventory.addServer("px-01", 2, RoleType.VMWARE_PROXY);
        lab.inventory.addVm("win-01", OsInfo.windows("server", "2022"),
                List.of(lab.rawDisk("Hard disk 1", "win-01-0.raw", SIZE, 1)));
        lab.selection.guestProxy = "gip-win-01";
        lab.jobs.createJob(new JobSpec("vmware", Platform.VMWARE, List.of("win-01"), "repo-01",
                ServerChoice.AUTOMATIC, TransportChoice.AUTOMATIC, new GuestProcessing(true, true, false,
                        ServerChoice.AUTOMATIC), false));

        Session s = lab.run("vmware");

        assertEquals(SessionStatus.SUCCESS, s.status(), s.message());
        GuestRecord g = s.guests().get(0);
        assertEquals(TaskStatus.NOT_EXECUTED, g.status());
        assertFalse(g.executed());
        assertEquals("gip-win-01", g.proxy());
        assertTrue(g.detail().startsWith("would quiesce applications with VSS and index the guest file system"
                + " through network or VIX on guest interaction proxy gip-win-01 (failover: bk-01)"), g.detail());
        TaskRecord t = task(s, "win-01/Hard disk 1");
        assertEquals(TaskStatus.SUCCESS, t.status());
        assertEquals("win-01/Hard_disk_1", lab.repository().backup(t.backupId()).disk());
    }

    @Test
    void aRepositoryServerWithoutTheRoleFailsEveryTaskWithTheReason() throws Exception {
        lab.inventory.addServer("px-01", 2, RoleType.GENERAL_PURPOSE_PROXY);
        lab.addVm("vm-a", lab.rawDisk("disk0", "vm-a-0.raw", SIZE, 1));
        lab.jobs.createJob(new JobSpec("daily", Platform.PROXMOX, List.of("vm-a"), "px-01", ServerChoice.AUTOMATIC,
                TransportChoice.AUTOMATIC, GuestProcessing.DISABLED, false));

        Session s = lab.run("daily");

        assertEquals(SessionStatus.FAILED, s.status());
        assertTrue(task(s, "vm-a/disk0").error().contains("'px-01' no longer holds the REPOSITORY role"),
                task(s, "vm-a/disk0").error());
        assertTrue(Files.notExists(dir.resolve("repositories")), "nothing was created");
    }

    @Test
    void theRepositoryAndItsPasswordFileAreCreatedOnFirstUseOwnerReadableOnly() throws Exception {
        lab.inventory.addServer("px-01", 2, RoleType.GENERAL_PURPOSE_PROXY);
        lab.addVm("vm-a", lab.rawDisk("disk0", "vm-a-0.raw", SIZE, 1));
        lab.jobs.createJob(job("daily", List.of("vm-a"), "px-01"));

        lab.run("daily");

        Path password = dir.resolve("etc/ferry-repository.password");
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(password)));
        assertTrue(Files.readString(password).strip().length() >= 30);
        assertTrue(Files.exists(dir.resolve("repositories/repo-01/config")));
        assertNotNull(lab.repositoryService.open(dir.resolve("repositories/repo-01"),
                Files.readString(password).strip().toCharArray()).info());
        assertEquals(Map.of("vm-a/disk0", 1L), lab.repository().backups().stream()
                .collect(Collectors.groupingBy(BackupInfo::disk, Collectors.counting())));
    }
}
