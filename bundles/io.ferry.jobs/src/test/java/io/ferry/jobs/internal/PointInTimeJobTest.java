package io.ferry.jobs.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.inventory.DiskFormat;
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
import io.ferry.api.repository.BackupReader;
import io.ferry.api.repository.BackupRequest;
import io.ferry.api.repository.ChunkId;
import io.ferry.api.repository.ProgressListener;
import io.ferry.api.repository.VerifyReport;
import io.ferry.api.session.ChangedBlockLedger;
import io.ferry.api.session.GuestRecord;
import io.ferry.api.session.Session;
import io.ferry.api.session.SessionStatus;
import io.ferry.api.session.TaskRecord;
import io.ferry.api.session.TaskStatus;
import io.ferry.mover.internal.DataMoverImpl;
import io.ferry.mover.internal.source.DiskSourcesImpl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Jobs over a point-in-time provider with real changed-block tracking: qcow2 images with
 * persistent dirty bitmaps (qemu-img), written to by qemu-io as a guest would, exported by
 * qemu-nbd with the bitmap, read by the real mover. The runner must use the bitmap only
 * while the ledger trusts it, commit after a complete backup, abort after an incomplete
 * one, and store what the provider returns, so that the next backup reads whole and says why.
 */
@Timeout(180)
class PointInTimeJobTest {

    private static final long SIZE = 4L * Images.MIB;

    @TempDir
    Path dir;

    private Lab lab;
    private final QcowBitmapProvider provider = new QcowBitmapProvider();
    private Path disk0;
    private Path disk1;

    @BeforeEach
    void lab() {
        lab = new Lab(dir);
        lab.providers.add(provider);
        lab.inventory.addServer("px-01", 2, RoleType.GENERAL_PURPOSE_PROXY);
        disk0 = Images.convert(Images.raw(dir.resolve("d0.raw"), SIZE, 1), "qcow2", dir.resolve("qemu-01-d0.qcow2"));
        disk1 = Images.convert(Images.raw(dir.resolve("d1.raw"), SIZE, 2), "qcow2", dir.resolve("qemu-01-d1.qcow2"));
        lab.addVm("qemu-01", qcow2("scsi0", disk0), qcow2("scsi1", disk1));
        lab.jobs.createJob(new JobSpec("pve", Platform.PROXMOX, List.of("qemu-01"), "repo-01",
                ServerChoice.preferred(List.of("px-01")), TransportChoice.AUTOMATIC, new GuestProcessing(true, false,
                        false, ServerChoice.AUTOMATIC), false));
    }

    @AfterEach
    void close() {
        lab.close();
    }

    private static VirtualDisk qcow2(String label, Path image) {
        return new VirtualDisk(label, SIZE, DiskFormat.QCOW2, image.toString(), Optional.empty());
    }

    private static TaskRecord task(Session s, String id) {
        return s.task(id).orElseThrow();
    }

    private String currentSha256(Path qcow2, String name) {
        return Images.sha256(Images.convert(qcow2, "qcow2", "raw", dir.resolve(name)));
    }

    @Test
    void theFirstBackupReadsWholeAndSaysWhyAndTheNextReadsOnlyWhatTheGuestWrote() throws Exception {
        Session first = lab.run("pve");

        assertEquals(SessionStatus.SUCCESS, first.status(), first.message());
        TaskRecord full = task(first, "qemu-01/scsi0");
        assertEquals("full", full.changeTracking());
        assertEquals("first backup of this disk: no dirty bitmap yet", full.changeNote());
        GuestRecord guest = first.guests().get(0);
        assertEquals(TaskStatus.SUCCESS, guest.status());
        assertTrue(guest.executed());
        assertEquals("gip-01", guest.proxy(), "guest processing on the plan's guest interaction proxy");
        ChangedBlockLedger ledger = lab.store.ledger("qemu-01/scsi0").orElseThrow();
        assertTrue(ledger.trusted());
        assertEquals(full.backupId(), ledger.backupId());
        assertEquals("ferry-1", ledger.bitmap());

        Images.qemuIoWrite(disk0, Images.MIB, 65536, 0xab);
        Session second = lab.run("pve");

        assertEquals(SessionStatus.SUCCESS, second.status(), second.message());
        TaskRecord incremental = task(second, "qemu-01/scsi0");
        assertEquals("dirty-bitmap:ferry-1", incremental.changeTracking());
        assertNull(incremental.changeNote());
        assertEquals(65536, incremental.readBytes(), "only the 64 KiB cluster the guest wrote is read");
        assertEquals(0, task(second, "qemu-01/scsi1").readBytes(), "nothing changed on scsi1");
        assertEquals(currentSha256(disk0, "now0.raw"), lab.restoredSha256(incremental.backupId(), "inc0.raw"));
        assertEquals(currentSha256(disk1, "now1.raw"), lab.restoredSha256(task(second, "qemu-01/scsi1")
                .backupId(), "inc1.raw"));
        assertEquals("ferry-2", lab.store.ledger("qemu-01/scsi0").orElseThrow().bitmap());
        assertEquals(List.of("open qemu-01 on gip-01 with guest processing", "commit [scsi0, scsi1]",
                "open qemu-01 on gip-01 with guest processing", "commit [scsi0, scsi1]"), provider.calls);
    }

    @Test
    void aFailedDiskAbortsTheVmsPointInTimeAndTheNextBackupReadsWholeSayingWhy() throws Exception {
        lab.run("pve");
        provider.brokenDisk = "scsi1";
        Images.qemuIoWrite(disk0, 2L * Images.MIB, 65536, 0xcd);

        Session failed = lab.run("pve");

        assertEquals(SessionStatus.FAILED, failed.status());
        assertEquals(TaskStatus.FAILED, task(failed, "qemu-01/scsi1").status());
        assertEquals(TaskStatus.SUCCESS, task(failed, "qemu-01/scsi0").status());
        assertTrue(provider.calls.get(provider.calls.size() - 1).startsWith("abort: not every disk was backed up in"
                + " session " + failed.id() + " (scsi1 failed)"), provider.calls.toString());
        ChangedBlockLedger distrusted = lab.store.ledger("qemu-01/scsi0").orElseThrow();
        assertFalse(distrusted.trusted());

        provider.brokenDisk = null;
        Images.qemuIoWrite(disk0, 3L * Images.MIB, 4096, 0xef);
        Session next = lab.run("pve");

        assertEquals(SessionStatus.SUCCESS, next.status(), next.message());
        TaskRecord whole = task(next, "qemu-01/scsi0");
        assertEquals("dedupe", whole.changeTracking(), "read whole, unchanged chunks deduplicated");
        assertTrue(whole.changeNote().startsWith("the changed-block ledger does not trust the bitmap (backup"
                + " aborted: not every disk was backed up"), whole.changeNote());
        assertEquals(currentSha256(disk0, "now0.raw"), lab.restoredSha256(whole.backupId(), "whole0.raw"));
        assertTrue(lab.store.ledger("qemu-01/scsi0").orElseThrow().trusted(), "trusted again after a good backup");
    }

    /**
     * Issue 10: a backup of the same chain key written into the job's repository between two
     * runs (as {@code ferry:backup-disk --disk qemu-01/scsi0} does) must not become the base
     * of the next dirty-bitmap incremental: the bitmap holds the changes since the job's own
     * backup, so combined with the foreign one it would restore wrong data.
     */
    @Test
    void aForeignBackupOfTheSameDiskBetweenTwoRunsIsNotTheBaseOfTheNextIncremental() throws Exception {
        Session first = lab.run("pve");
        String ours = task(first, "qemu-01/scsi0").backupId();
        BackupInfo foreign = foreignBackup("qemu-01/scsi0", Images.raw(dir.resolve("foreign.raw"), SIZE, 99));
        assertEquals(foreign.id(), lab.repository().latest("qemu-01/scsi0").orElseThrow().id());

        Images.qemuIoWrite(disk0, Images.MIB, 65536, 0x5a);
        Session second = lab.run("pve");

        assertEquals(SessionStatus.SUCCESS, second.status(), second.message());
        TaskRecord incremental = task(second, "qemu-01/scsi0");
        assertEquals("dirty-bitmap:ferry-1", incremental.changeTracking());
        assertEquals(65536, incremental.readBytes(), "still only what the guest wrote is read");
        assertEquals(currentSha256(disk0, "now0.raw"), lab.restoredSha256(incremental.backupId(), "inc0.raw"),
                "the incremental restores the disk byte for byte");
        assertEquals(Optional.of(ours), lab.repository().backup(incremental.backupId()).parentId());
        assertEquals("the parent backup " + ours + " is not the newest backup of qemu-01/scsi0 (" + foreign.id()
                + " was written since, not from this point-in-time chain): the incremental is made against " + ours
                + ", the backup dirty bitmap ferry-1 is relative to", incremental.changeNote());
    }

    @Test
    void aBitmapRelativeToABackupOfAnotherDiskIsNotUsed() throws Exception {
        Session first = lab.run("pve");
        ChangedBlockLedger entry = lab.store.ledger("qemu-01/scsi0").orElseThrow();
        String ofScsi1 = task(first, "qemu-01/scsi1").backupId();
        lab.store.saveLedger(new ChangedBlockLedger(entry.disk(), entry.bitmap(), entry.generation(), ofScsi1,
                entry.sizeBytes(), true, null, entry.updated()));
        Images.qemuIoWrite(disk0, Images.MIB, 65536, 0x22);

        Session s = lab.run("pve");

        TaskRecord t = task(s, "qemu-01/scsi0");
        assertEquals("dedupe", t.changeTracking());
        assertEquals("the parent backup " + ofScsi1 + " that dirty bitmap ferry-1 is relative to is of qemu-01/scsi1,"
                + " not qemu-01/scsi0: read whole", t.changeNote());
        assertEquals(Optional.of(task(first, "qemu-01/scsi0").backupId()),
                lab.repository().backup(t.backupId()).parentId(), "read whole against the job's own last backup");
        assertEquals(currentSha256(disk0, "now0.raw"), lab.restoredSha256(t.backupId(), "r0.raw"));
    }

    /**
     * Issue 10: one byte flipped in a chunk the next dirty-bitmap incremental would carry over
     * unread. Verify reports it and moves it aside; the job's next run reads the disk whole
     * (saying why), which writes the chunk again: verify is clean and the old backup restores
     * byte for byte.
     */
    @Test
    void aDamagedChunkIsHealedByTheJobsNextRun() throws Exception {
        String originalSha = currentSha256(disk0, "original0.raw");
        Session first = lab.run("pve");
        String old = task(first, "qemu-01/scsi0").backupId();
        ChunkId unchanged;
        try (BackupReader reader = lab.repository().openBackup(old)) {
            unchanged = reader.chunk(0).orElseThrow(); // random data; the guest writes at 1 MiB below
        }
        Path file = lab.repositories.directory("repo-01").resolve("chunks").resolve(unchanged.hex().substring(0, 2))
                .resolve(unchanged.hex());
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(file, bytes);

        VerifyReport damaged = lab.repository().verify(List.of(), ProgressListener.NONE);
        assertEquals(List.of(unchanged.hex()), damaged.movedAside());
        assertTrue(damaged.brokenBackups().contains(old), damaged.brokenBackups().toString());

        Images.qemuIoWrite(disk0, Images.MIB, 65536, 0x33);
        Session second = lab.run("pve");

        assertEquals(SessionStatus.SUCCESS, second.status(), second.message());
        TaskRecord healing = task(second, "qemu-01/scsi0");
        assertEquals("dedupe", healing.changeTracking());
        assertTrue(healing.changeNote().startsWith("the incremental with dirty bitmap ferry-1 against " + old
                + " could not be committed (") && healing.changeNote().contains(unchanged.hex())
                && healing.changeNote().endsWith("): read whole"), healing.changeNote());
        VerifyReport healed = lab.repository().verify(List.of(), ProgressListener.NONE);
        assertTrue(healed.ok(), healed.problems().toString());
        assertTrue(healed.healedBackups().contains(old), healed.healedBackups().toString());
        assertEquals(originalSha, lab.restoredSha256(old, "old0.raw"), "the old backup restores byte for byte");
        assertEquals(currentSha256(disk0, "now0.raw"), lab.restoredSha256(healing.backupId(), "new0.raw"));
        assertTrue(lab.store.ledger("qemu-01/scsi0").orElseThrow().trusted(), "the next run is incremental again");
    }

    /** A backup of {@code raw} under chain key {@code key}, as ferry:backup-disk writes it (no job label). */
    private BackupInfo foreignBackup(String key, Path raw) throws Exception {
        DataMoverImpl mover = new DataMoverImpl(2);
        try (DiskSource source = new DiskSourcesImpl().open(raw.toString(), SourceOptions.defaults())) {
            return mover.backup(source, lab.repository(), new BackupRequest(key, source.description(), source.size(),
                    false, Map.of("by", "operator")), ProgressListener.NONE);
        }
    }

    @Test
    void aBitmapRelativeToABackupTheRepositoryNoLongerHasIsNotUsed() throws Exception {
        lab.run("pve");
        ChangedBlockLedger entry = lab.store.ledger("qemu-01/scsi0").orElseThrow();
        lab.store.saveLedger(new ChangedBlockLedger(entry.disk(), entry.bitmap(), entry.generation(),
                "01a00000-0000-7000-8000-000000000000", entry.sizeBytes(), true, null, entry.updated()));
        Images.qemuIoWrite(disk0, Images.MIB, 65536, 0x11);

        Session s = lab.run("pve");

        TaskRecord t = task(s, "qemu-01/scsi0");
        assertEquals("dedupe", t.changeTracking());
        assertEquals("the parent backup 01a00000-0000-7000-8000-000000000000 that dirty bitmap ferry-1 is relative to"
                + " is gone from the repository: read whole", t.changeNote());
        assertEquals(currentSha256(disk0, "now0.raw"), lab.restoredSha256(t.backupId(), "r0.raw"));
    }
}
