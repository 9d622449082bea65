package io.ferry.plugin.proxmox.internal.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.FerryException;
import io.ferry.api.NotFoundException;
import io.ferry.api.inventory.Cidr;
import io.ferry.api.inventory.DiskFormat;
import io.ferry.api.inventory.OsInfo;
import io.ferry.api.inventory.VirtualDisk;
import io.ferry.api.inventory.VirtualMachine;
import io.ferry.api.inventory.VmSpec;
import io.ferry.api.session.ChangedBlockLedger;
import io.ferry.api.session.GuestRecord;
import io.ferry.api.session.TaskStatus;
import io.ferry.api.spi.DiskView;
import io.ferry.api.spi.PointInTime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link QemuPointInTimeProvider} against a real QEMU (TCG) guest with two qcow2 disks (ext4 at
 * /data and /data2 in the guest), a vmdk disk (/dev/vdc, written raw) and qemu-ga: guest freeze for the views, full first backups,
 * incrementals that read only the dirty extents, the trust ledger after commit, partial commit,
 * abort, resize and a removed bitmap, and crash-consistent views with a WARNING when the agent
 * does not answer. Views are read with nbdcopy / nbdinfo; images are inspected with debugfs;
 * nothing is mounted or frozen on the host.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QemuPointInTimeProviderTest {

    private static final String PROXY = "gip-lnx-01";

    private QemuVm vm;
    private Path scratch;
    private Path images;
    private QemuPointInTimeProvider provider;
    private VirtualMachine web;
    private int imageCount;

    @BeforeAll
    void boot(@TempDir Path dir) throws IOException {
        QemuVm.Guest guest = QemuVm.Guest.build(dir.resolve("guest"));
        Path disk0 = QemuVm.createDataDisk(dir.resolve("disk0"), 64);
        Path disk1 = QemuVm.createDataDisk(dir.resolve("disk1"), 32);
        Path disk2 = QemuVm.createBlankDisk(dir.resolve("disk2"), "legacy", "vmdk", 16);
        vm = QemuVm.boot(guest, List.of(disk0, disk1, disk2), dir.resolve("vm"));
        System.out.printf("boot to first guest-ping %d ms%n", vm.bootToPing().toMillis());
        vm.sh("mkdir -p /data2 && mount -t ext4 /dev/vdb /data2");
        scratch = dir.resolve("scratch");
        images = Files.createDirectories(dir.resolve("images"));
        provider = new QemuPointInTimeProvider(scratch, QemuVm.COMMAND_TIMEOUT, Duration.ofSeconds(2), Clock.systemUTC());
        String agent = "&agent=" + vm.agentSocket();
        web = vm("web-01", disk("scsi0", "disk0", agent, 64), disk("scsi1", "disk1", "", 32));
    }

    private VirtualDisk disk(String label, String node, String agent, int mib) {
        return new VirtualDisk(label, (long) mib << 20, DiskFormat.QCOW2,
                QemuDiskLocation.SCHEME + vm.ferryQmpSocket() + "?node=" + node + agent, Optional.empty());
    }

    private static VirtualMachine vm(String name, VirtualDisk... disks) {
        return new VirtualMachine("6f1d2c3b-" + name, 1, new VmSpec(name, "pve1", OsInfo.linux("debian", "12"),
                List.of(Cidr.of("10.0.0.0/24")), List.of(disks), Optional.empty(), false));
    }

    @AfterAll
    void stop() {
        if (vm != null) {
            vm.close();
        }
    }

    @AfterEach
    void nothingIsLeftBehind() throws IOException {
        assertEquals(List.of(), vm.qmp().execute("query-block-jobs"), "no copy-before-write job left running");
        assertEquals(List.of(), vm.qmp().execute("query-block-exports"), "no NBD export left");
        List<Object> nodes = Json.array(vm.qmp().execute("query-named-block-nodes", Map.of("flat", true)), "nodes");
        assertTrue(nodes.stream().noneMatch(n -> String.valueOf(Json.object(n, "node").get("node-name")).startsWith("fleece-")),
                "no scratch node left: " + nodes);
        try (Stream<Path> files = Files.exists(scratch) ? Files.walk(scratch) : Stream.empty()) {
            assertEquals(List.of(), files.filter(Files::isRegularFile).toList(), "no scratch image or socket left");
        }
        assertEquals(FreezeStatus.THAWED, vm.agent().freezeStatus(), "the guest is never left frozen");
        assertTrue(vm.ferryQmpSocket().toFile().exists());
    }

    @Test
    void theFirstBackupIsFullAndTheNextReadsOnlyTheChangedBlocks() {
        vm.sh("echo v1 > /data/a.txt; dd if=/dev/urandom of=/data/a.bin bs=64k count=16 2>/dev/null;"
                + " echo w1 > /data2/b.txt; sync");
        String aAtFreeze = ViewImages.guestSha256(vm, "/data/a.bin");
        Map<String, ChangedBlockLedger> ledger = new HashMap<>();

        Path[] full1 = new Path[2];
        try (PointInTime pit = open(ledger)) {
            GuestRecord guest = pit.guest();
            System.out.printf("full: guest record %s%n", guest);
            assertEquals(TaskStatus.SUCCESS, guest.status(), guest.detail());
            assertTrue(guest.executed());
            assertEquals("qemu-guest-agent", guest.channel());
            assertEquals(PROXY, guest.proxy());
            assertTrue(guest.frozen().compareTo(Duration.ZERO) > 0, "frozen for the views: " + guest.frozen());
            assertEquals(FreezeStatus.THAWED, vm.agent().freezeStatus(), "thawed as soon as the views exist");

            List<DiskView> views = pit.disks();
            assertEquals(List.of("scsi0", "scsi1"), views.stream().map(DiskView::disk).toList());
            assertEquals(List.of(size("disk0"), size("disk1")), views.stream().map(DiskView::sizeBytes).toList());
            for (DiskView v : views) {
                assertNull(v.dirtyBitmap(), "nothing to be incremental to");
                assertEquals("first backup of this disk", v.changeNote());
                assertTrue(v.location().startsWith("nbd+unix:///"), v.location());
            }
            // the guest goes on writing after the point in time
            vm.sh("echo v2 > /data/a.txt; echo w2 > /data2/b.txt; sync");
            full1[0] = copy(views.get(0));
            full1[1] = copy(views.get(1));
            assertEquals("v1\n", ViewImages.text(full1[0], "/a.txt"));
            assertEquals(aAtFreeze, ViewImages.sha256(ViewImages.file(full1[0], "/a.bin").orElseThrow()));
            assertEquals("w1\n", ViewImages.text(full1[1], "/b.txt"), "both disks are of the same point in time");

            List<ChangedBlockLedger> entries = pit.commit(Map.of("scsi0", "bk-1a", "scsi1", "bk-1b"));
            remember(ledger, entries);
            assertEquals(new Ledger("web-01/scsi0", "ferry-1", 1, "bk-1a", size("disk0"), true, null),
                    Ledger.of(entries.get(0)));
            assertEquals(new Ledger("web-01/scsi1", "ferry-1", 1, "bk-1b", size("disk1"), true, null),
                    Ledger.of(entries.get(1)));
        }
        assertEquals(List.of("ferry-1"), ferryBitmaps("disk0"));
        assertTrue(bitmap("disk0", "ferry-1").recording() && bitmap("disk0", "ferry-1").persistent());

        vm.sh("dd if=/dev/urandom of=/data/a.bin bs=64k count=2 seek=5 conv=notrunc 2>/dev/null; echo new > /data/c.txt;"
                + " sync");
        String aAtSecond = ViewImages.guestSha256(vm, "/data/a.bin");
        try (PointInTime pit = open(ledger)) {
            DiskView v0 = pit.disks().get(0);
            DiskView v1 = pit.disks().get(1);
            assertEquals("ferry-1", v0.dirtyBitmap());
            assertNull(v0.changeNote());
            assertEquals("ferry-1", v1.dirtyBitmap());
            vm.sh("dd if=/dev/urandom of=/data/a.bin bs=64k count=4 conv=notrunc 2>/dev/null; sync");

            List<ViewImages.Extent> dirty = ViewImages.dirtyExtents(v0);
            Path full2 = copy(v0);
            Path patched = ViewImages.patch(full1[0], dirty, full2, images.resolve("patched.raw"));
            System.out.printf("incremental: %d dirty extents, %d KiB of %d MiB%n", dirty.size(),
                    ViewImages.bytes(dirty) >> 10, v0.sizeBytes() >> 20);
            assertEquals(-1L, mismatch(patched, full2), "the previous image + only the dirty extents == the new view");
            assertTrue(ViewImages.bytes(dirty) >= 128 << 10 && ViewImages.bytes(dirty) < v0.sizeBytes() / 8,
                    "only the changed blocks: " + dirty);
            assertEquals(aAtSecond, ViewImages.sha256(ViewImages.file(full2, "/a.bin").orElseThrow()));
            assertEquals("new\n", ViewImages.text(full2, "/c.txt"));
            assertEquals("v2\n", ViewImages.text(full2, "/a.txt"), "written after the first view");

            Path disk1Now = copy(v1);
            List<ViewImages.Extent> dirty1 = ViewImages.dirtyExtents(v1);
            assertEquals(-1L, mismatch(ViewImages.patch(full1[1], dirty1, disk1Now, images.resolve("patched1.raw")),
                    disk1Now));
            assertEquals("w2\n", ViewImages.text(disk1Now, "/b.txt"));

            List<ChangedBlockLedger> entries = pit.commit(Map.of("scsi0", "bk-2a", "scsi1", "bk-2b"));
            remember(ledger, entries);
            assertEquals(new Ledger("web-01/scsi0", "ferry-2", 2, "bk-2a", size("disk0"), true, null),
                    Ledger.of(entries.get(0)));
        }
        assertEquals(List.of("ferry-2"), ferryBitmaps("disk0"), "the base of the last backup is rotated away");
        assertEquals(List.of("ferry-2"), ferryBitmaps("disk1"));
    }

    @Test
    void aDiskLeftOutOfTheCommitAndAnAbortKeepEveryChangeTrackable() {
        Map<String, ChangedBlockLedger> ledger = new HashMap<>();
        Path base0;
        try (PointInTime pit = open(ledger)) {
            base0 = copy(pit.disks().get(0));
            remember(ledger, pit.commit(Map.of("scsi0", "bk-base0", "scsi1", "bk-base1")));
        }
        long generation = ledger.get("scsi0").generation();

        vm.sh("echo before-partial > /data/p1.txt; echo before-partial > /data2/p1.txt; sync");
        try (PointInTime pit = open(ledger)) {
            vm.sh("echo during-partial > /data/p2.txt; sync");
            // disk scsi0 failed, scsi1 was backed up
            List<ChangedBlockLedger> entries = pit.commit(Map.of("scsi1", "bk-p1"));
            remember(ledger, entries);
            assertEquals(new Ledger("web-01/scsi0", ChangeTrust.bitmapName(generation), generation, "bk-base0",
                    size("disk0"), true, null), Ledger.of(entries.get(0)), "still relative to the last good backup of scsi0");
            assertEquals(new Ledger("web-01/scsi1", ChangeTrust.bitmapName(generation + 1), generation + 1, "bk-p1",
                    size("disk1"), true, null), Ledger.of(entries.get(1)));
        }
        assertEquals(List.of(ChangeTrust.bitmapName(generation)), ferryBitmaps("disk0"));
        assertTrue(bitmap("disk0", ChangeTrust.bitmapName(generation)).recording(), "records again after the abort");

        vm.sh("echo before-abort > /data/p3.txt; sync");
        try (PointInTime pit = open(ledger)) {
            vm.sh("echo during-abort > /data/p4.txt; sync");
            List<ChangedBlockLedger> entries = pit.abort("cancelled by the operator");
            remember(ledger, entries);
            assertEquals(new Ledger("web-01/scsi0", ChangeTrust.bitmapName(generation), generation, "bk-base0",
                    size("disk0"), true, null), Ledger.of(entries.get(0)));
            assertEquals(new Ledger("web-01/scsi1", ChangeTrust.bitmapName(generation + 1), generation + 1, "bk-p1",
                    size("disk1"), true, null), Ledger.of(entries.get(1)));
        }

        vm.sh("echo after-abort > /data/p5.txt; sync");
        try (PointInTime pit = open(ledger)) {
            DiskView v0 = pit.disks().get(0);
            assertEquals(ChangeTrust.bitmapName(generation), v0.dirtyBitmap());
            Path now = copy(v0);
            Path patched = ViewImages.patch(base0, ViewImages.dirtyExtents(v0), now, images.resolve("after-abort.raw"));
            assertEquals(-1L, mismatch(patched, now), "the last good backup + the dirty extents == the view");
            for (String f : List.of("p1", "p2", "p3", "p4", "p5")) {
                assertTrue(ViewImages.file(patched, "/" + f + ".txt").isPresent(), f + " is among the changes");
            }
            ViewImages.assertCleanExt4(patched);
            remember(ledger, pit.commit(Map.of("scsi0", "bk-c0", "scsi1", "bk-c1")));
        }
    }

    /**
     * issue 10 point 5: the job runner's shutdownNow interrupts the task thread while the guest
     * is frozen (here: right after the views' transaction); the guest is thawed all the same,
     * everything set up in QEMU is undone, and the freeze journal entry is gone.
     */
    @Test
    void aBackupThreadInterruptedWhileTheGuestIsFrozenLeavesItThawed() throws Exception {
        java.util.concurrent.CountDownLatch frozen = new java.util.concurrent.CountDownLatch(1);
        List<Path> journalWhileFrozen = new java.util.concurrent.CopyOnWriteArrayList<>();
        provider.whileFrozen(() -> {
            try (Stream<Path> files = Files.list(provider.journalDir())) {
                journalWhileFrozen.addAll(files.toList());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            frozen.countDown();
            try {
                Thread.sleep(120_000); // the backup is slow while the guest is frozen...
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // ...and the job is stopped: the thread goes on, interrupted
            }
        });
        vm.releaseAgent();
        java.util.concurrent.ExecutorService backup = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            java.util.concurrent.Future<Object[]> outcome = backup.submit(() -> {
                try (PointInTime pit = provider.open(web, true, PROXY, Map.of())) {
                    return new Object[] {pit, Thread.interrupted()};
                } catch (RuntimeException e) {
                    return new Object[] {e, Thread.interrupted()};
                }
            });
            assertTrue(frozen.await(120, java.util.concurrent.TimeUnit.SECONDS), "the views' transaction ran");
            backup.shutdownNow(); // what the job runner does to a stopped job
            Object[] r = outcome.get(120, java.util.concurrent.TimeUnit.SECONDS);
            System.out.printf("interrupted while frozen: %s%n", r[0]);
            assertTrue(r[0] instanceof RuntimeException, "the views are not handed out: " + r[0]);
            assertTrue((Boolean) r[1], "the thread's interrupt status is kept");
            assertEquals(List.of(), Stream.of(((RuntimeException) r[0]).getSuppressed()).toList(),
                    "thaw and clean-up worked");
        } finally {
            backup.shutdownNow();
            provider.whileFrozen(() -> { });
            vm.reconnectAgent();
        }
        assertEquals(1, journalWhileFrozen.size(), "the intent was on disk while the guest was frozen: " + journalWhileFrozen);
        assertEquals(FreezeStatus.THAWED, vm.agent().freezeStatus());
        assertEquals(List.of(), ferryBitmaps("disk0"), "the aborted first backup leaves no bitmap");
        try (Stream<Path> files = Files.list(provider.journalDir())) {
            assertEquals(List.of(), files.toList(), "the journal entry is removed after the confirmed thaw");
        }
        assertEquals("still writable\n", vm.sh("echo 'still writable' > /data/after-stop.txt && cat /data/after-stop.txt"));
    }

    @Test
    void aFailedFullBackupForcesTheNextToBeFullAndSaysWhy() {
        Map<String, ChangedBlockLedger> ledger = new HashMap<>();
        try (PointInTime pit = open(ledger)) {
            List<ChangedBlockLedger> entries = pit.abort("repository 'repo-01' is full");
            remember(ledger, entries);
            for (ChangedBlockLedger e : entries) {
                assertFalse(e.trusted());
                assertNull(e.bitmap());
                assertEquals("the last backup failed or was cancelled: repository 'repo-01' is full", e.note());
            }
        }
        assertEquals(List.of(), ferryBitmaps("disk0"), "a failed full backup leaves no bitmap");
        try (PointInTime pit = open(ledger)) {
            assertNull(pit.disks().get(0).dirtyBitmap());
            assertEquals("the last backup failed or was cancelled: repository 'repo-01' is full",
                    pit.disks().get(0).changeNote());
            assertEquals(List.of(ChangeTrust.bitmapName(1)), ferryBitmaps("disk0"), "only the new one records");
        } // closed without commit: aborted
        assertEquals(List.of(), ferryBitmaps("disk0"));
    }

    @Test
    void aResizedDiskOrARemovedBitmapIsReadWholeWithTheReason() {
        Map<String, ChangedBlockLedger> ledger = new HashMap<>();
        try (PointInTime pit = open(ledger)) {
            remember(ledger, pit.commit(Map.of("scsi0", "bk-r0", "scsi1", "bk-r1")));
        }
        String base = ledger.get("scsi0").bitmap();
        long size1 = ledger.get("scsi1").sizeBytes();
        vm.qmp().execute("block_resize", Map.of("node-name", "disk1", "size", size1 + (16L << 20)));
        vm.qmp().execute("block-dirty-bitmap-remove", Map.of("node", "disk0", "name", base));

        try (PointInTime pit = open(ledger)) {
            DiskView v0 = pit.disks().get(0);
            DiskView v1 = pit.disks().get(1);
            assertNull(v0.dirtyBitmap());
            assertTrue(v0.changeNote().startsWith("bitmap " + base + " is missing"), v0.changeNote());
            assertNull(v1.dirtyBitmap());
            assertEquals("disk resized from " + (size1 >> 20) + " MiB to " + ((size1 >> 20) + 16) + " MiB (" + size1 + " to "
                    + (size1 + (16L << 20)) + " bytes)", v1.changeNote());
            assertEquals(size1 + (16L << 20), v1.sizeBytes());
            assertEquals(List.of(ChangeTrust.bitmapName(ledger.get("scsi1").generation() + 1)), ferryBitmaps("disk1"),
                    "the stale bitmap of the resized disk is gone; a fresh chain starts");
            Path whole = copy(v1);
            assertEquals(size1 + (16L << 20), whole.toFile().length(), "read whole, at the new size");
            remember(ledger, pit.commit(Map.of("scsi0", "bk-r2", "scsi1", "bk-r3")));
        }
        assertEquals(size1 + (16L << 20), ledger.get("scsi1").sizeBytes());
        try (PointInTime pit = open(ledger)) {
            assertEquals(ledger.get("scsi1").bitmap(), pit.disks().get(1).dirtyBitmap(), "trusted again after a full read");
            assertEquals(ledger.get("scsi0").bitmap(), pit.disks().get(0).dirtyBitmap());
        }
    }

    @Test
    void withoutAnAnsweringAgentTheViewsAreCrashConsistentWithAWarning() {
        // the agent serves one client at a time: while the test's client holds it, Ferry's ping gets no answer
        try (PointInTime pit = provider.open(web, true, PROXY, Map.of())) {
            GuestRecord guest = pit.guest();
            System.out.printf("agent busy: %s%n", guest);
            assertEquals(TaskStatus.WARNING, guest.status());
            assertTrue(guest.executed());
            assertEquals("qemu-guest-agent", guest.channel());
            assertEquals(PROXY, guest.proxy());
            assertEquals(Duration.ZERO, guest.frozen());
            assertTrue(guest.detail().contains("did not answer") && guest.detail().contains("crash-consistent"),
                    guest.detail());
            Path image = copy(pit.disks().get(0));
            HostCommand.Result fsck = HostCommand.run(Duration.ofSeconds(120), "e2fsck", "-fy", image.toString());
            assertTrue(fsck.exitCode() <= 1, "the crash-consistent copy is recoverable: " + fsck.out() + fsck.stderr());
        }

        VirtualMachine noSuchAgent = vm("web-02", disk("scsi0", "disk0", "&agent=" + scratch.resolve("gone.sock"), 64));
        try (PointInTime pit = provider.open(noSuchAgent, true, PROXY, Map.of())) {
            assertEquals(TaskStatus.WARNING, pit.guest().status());
            assertTrue(pit.guest().detail().contains("gone.sock"), pit.guest().detail());
            assertEquals(1, pit.disks().size());
        }

        VirtualMachine noAgent = vm("web-03", disk("scsi0", "disk0", "", 64));
        try (PointInTime pit = provider.open(noAgent, true, PROXY, Map.of())) {
            assertEquals(TaskStatus.WARNING, pit.guest().status());
            assertTrue(pit.guest().detail().startsWith("no guest agent socket is configured"), pit.guest().detail());
        }

        try (PointInTime pit = provider.open(web, false, PROXY, Map.of())) {
            assertEquals(TaskStatus.SKIPPED, pit.guest().status(), "guest processing is off for the job");
            assertFalse(pit.guest().executed());
            assertEquals(2, pit.disks().size());
        }
        assertEquals(List.of(), ferryBitmaps("disk0"), "closed without commit: no bitmap to trust");
    }

    @Test
    void whatAnInterruptedBackupLeftInQemuIsRemovedAndTheNextBackupIsFull() {
        Map<String, ChangedBlockLedger> ledger = new HashMap<>();
        try (PointInTime pit = open(ledger)) {
            remember(ledger, pit.commit(Map.of("scsi0", "bk-i0", "scsi1", "bk-i1")));
        }
        String base = ledger.get("scsi0").bitmap();
        String next = ChangeTrust.bitmapName(ledger.get("scsi0").generation() + 1);

        // Ferry stops in the middle of the next backup: its QMP connection goes, its views stay in QEMU
        QmpClient dying = QmpClient.connect(vm.ferryQmpSocket(), QemuVm.COMMAND_TIMEOUT);
        new FleecingBackup(dying, Optional.empty(), provider.workDir(web), QemuVm.COMMAND_TIMEOUT).start(List.of(
                new FleecingRequest("disk0", Optional.of(base), Optional.of(next)),
                new FleecingRequest("disk1", Optional.of(ledger.get("scsi1").bitmap()), Optional.of(next))));
        dying.close();
        assertEquals(2, Json.array(vm.qmp().execute("query-block-exports"), "exports").size());

        try (PointInTime pit = open(ledger)) {
            DiskView v0 = pit.disks().get(0);
            assertNull(v0.dirtyBitmap());
            assertTrue(v0.changeNote().startsWith("bitmap " + base + " does not record writes"), v0.changeNote());
            assertEquals(List.of(next), ferryBitmaps("disk0"), "a fresh chain starts");
            assertEquals(2, Json.array(vm.qmp().execute("query-block-jobs"), "jobs").size(), "only this backup's jobs");
            Path whole = copy(v0);
            ViewImages.assertCleanExt4(whole);
            remember(ledger, pit.commit(Map.of("scsi0", "bk-i2", "scsi1", "bk-i3")));
        }
        assertTrue(ledger.get("scsi0").trusted());
    }

    @Test
    void aGuestTheAgentCannotFreezeGivesCrashConsistentViewsWithAWarning() {
        // someone else froze the guest: the agent refuses a second freeze, and Ferry must not thaw what it did not freeze
        vm.agent().execute("guest-fsfreeze-freeze", Map.of(), QemuVm.COMMAND_TIMEOUT);
        try {
            try (PointInTime pit = open(Map.of())) {
                GuestRecord guest = pit.guest();
                assertEquals(TaskStatus.WARNING, guest.status(), guest.detail());
                assertTrue(guest.detail().contains("could not freeze") && guest.detail().contains("crash-consistent"),
                        guest.detail());
                assertEquals(Duration.ZERO, guest.frozen());
                assertEquals(FreezeStatus.FROZEN, vm.agent().freezeStatus(), "left as it was");
                assertEquals(2, pit.disks().size());
                ViewImages.assertCleanExt4(copy(pit.disks().get(0)));
            }
        } finally {
            vm.agent().thaw();
        }
    }

    @Test
    void aDiskWhoseViewStoppedBeingPointInTimeIsNotTrustedAfterItsCommit() {
        Map<String, ChangedBlockLedger> ledger = new HashMap<>();
        try (PointInTime pit = open(ledger)) {
            remember(ledger, pit.commit(Map.of("scsi0", "bk-s0", "scsi1", "bk-s1")));
        }
        long generation = ledger.get("scsi0").generation();
        try (PointInTime pit = open(ledger)) {
            // as when the scratch space runs full: the copy-before-write job of scsi1 ends while the view is read
            String location = pit.disks().get(1).location();
            String job = location.substring("nbd+unix:///".length(), location.indexOf('?'));
            vm.qmp().execute("block-job-cancel", Map.of("device", job, "force", true));
            vm.qmp().awaitEvent("BLOCK_JOB_CANCELLED", e -> e.is("BLOCK_JOB_CANCELLED", "device", job),
                    QemuVm.COMMAND_TIMEOUT);

            List<ChangedBlockLedger> entries = pit.commit(Map.of("scsi0", "bk-s2", "scsi1", "bk-s3"));
            remember(ledger, entries);
            assertEquals(new Ledger("web-01/scsi0", ChangeTrust.bitmapName(generation + 1), generation + 1, "bk-s2",
                    size("disk0"), true, null), Ledger.of(entries.get(0)));
            ChangedBlockLedger s1 = entries.get(1);
            assertFalse(s1.trusted());
            assertTrue(s1.note().startsWith("the last backup failed or was cancelled: the view of backup bk-s3 stopped"
                    + " being point-in-time") && s1.note().contains(job), s1.note());
        }
        try (PointInTime pit = open(ledger)) {
            assertEquals(ChangeTrust.bitmapName(generation + 1), pit.disks().get(0).dirtyBitmap());
            assertNull(pit.disks().get(1).dirtyBitmap(), "never incremental on top of that backup");
            assertEquals(ledger.get("scsi1").note(), pit.disks().get(1).changeNote());
        }
    }

    @Test
    void anOpenThatFailsSaysWhyAndLeavesNothingBehind() {
        VirtualMachine wrongNode = vm("web-04", disk("scsi0", "disk0", "", 64), disk("scsi1", "disk7", "", 32));
        NotFoundException unknown = assertThrows(NotFoundException.class,
                () -> provider.open(wrongNode, false, PROXY, Map.of()));
        assertTrue(unknown.getMessage().contains("disk7"), unknown.getMessage());

        VirtualMachine stopped = vm("web-05", new VirtualDisk("scsi0", 64L << 20, DiskFormat.QCOW2,
                QemuDiskLocation.SCHEME + scratch.resolve("stopped.qmp") + "?node=disk0", Optional.empty()));
        FerryException down = assertThrows(FerryException.class, () -> provider.open(stopped, true, PROXY, Map.of()));
        assertTrue(down.getMessage().contains("'web-05'") && down.getMessage().contains("Is the VM running?"),
                down.getMessage());

        try (PointInTime pit = provider.open(web, false, PROXY, Map.of())) {
            assertEquals(2, pit.disks().size(), "the QMP socket was released by the failed open");
        }
    }

    @Test
    void aVmdkDiskKeepsAnInMemoryBitmapThatMakesTheNextBackupIncremental() {
        VirtualMachine legacy = vm("legacy-01", disk("scsi0", "disk2", "&agent=" + vm.agentSocket(), 16));
        vm.sh("dd if=/dev/urandom of=/dev/vdc bs=64k count=8 seek=4 conv=fsync 2>/dev/null");
        Map<String, ChangedBlockLedger> ledger = new HashMap<>();
        Path full;
        try (PointInTime pit = open(legacy, ledger)) {
            assertEquals("first backup of this disk", pit.disks().get(0).changeNote());
            full = copy(pit.disks().get(0));
            remember(ledger, pit.commit(Map.of("scsi0", "bk-v1")));
        }
        DirtyBitmap inMemory = bitmap("disk2", ledger.get("scsi0").bitmap());
        assertTrue(inMemory.recording() && !inMemory.persistent(), "vmdk cannot store bitmaps: " + inMemory);

        vm.sh("dd if=/dev/urandom of=/dev/vdc bs=64k count=2 seek=100 conv=fsync 2>/dev/null");
        try (PointInTime pit = open(legacy, ledger)) {
            DiskView v = pit.disks().get(0);
            assertEquals(ledger.get("scsi0").bitmap(), v.dirtyBitmap());
            List<ViewImages.Extent> dirty = ViewImages.dirtyExtents(v);
            Path now = copy(v);
            assertEquals(-1L, mismatch(ViewImages.patch(full, dirty, now, images.resolve("vmdk-patched.raw")), now));
            assertEquals(List.of(new ViewImages.Extent(100 * 65536, 2 * 65536)), dirty, "exactly the blocks written");
            remember(ledger, pit.commit(Map.of("scsi0", "bk-v2")));
        }
    }

    /**
     * Seed 001 (001_7a67f23d89d19bc8.txt): guest processing runs from the guest interaction proxy.
     * A proxy with a Ferry agent reaches the guest agent through a channel its agent opens (here a
     * unix socket channel made the way the agent makes it; the relay itself over the agent
     * protocol is GuestChannelTest's); one whose agent cannot fails the open, so the backup server
     * takes over; a proxy without an agent connects from this machine, as before.
     */
    @Test
    void theGuestIsFrozenThroughTheGuestInteractionProxysAgentAndAnUnreachableOneFailsTheOpen() {
        List<String> opened = new java.util.concurrent.CopyOnWriteArrayList<>();
        io.ferry.api.agent.GuestChannels channels = new io.ferry.api.agent.GuestChannels() {
            @Override
            public boolean enrolled(String server) {
                return server.equals("gi-agent-01") || server.equals("gi-lost-01");
            }

            @Override
            public java.nio.channels.ByteChannel open(String server, Path socket, Duration timeout) {
                opened.add(server + " " + socket);
                if (server.equals("gi-lost-01")) {
                    throw new io.ferry.api.agent.AgentLostException("the agent of gi-lost-01 is not connected");
                }
                try {
                    java.nio.channels.SocketChannel c = java.nio.channels.SocketChannel.open(
                            java.net.StandardProtocolFamily.UNIX);
                    c.connect(java.net.UnixDomainSocketAddress.of(socket));
                    return c;
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        };
        provider.setGuestChannels(channels);
        vm.releaseAgent();
        try {
            try (PointInTime pit = provider.open(web, true, "gi-agent-01", Map.of())) {
                GuestRecord guest = pit.guest();
                System.out.printf("through the proxy's agent: %s%n", guest);
                assertEquals(TaskStatus.SUCCESS, guest.status(), guest.detail());
                assertEquals("gi-agent-01", guest.proxy());
                assertTrue(guest.detail().contains("through the guest agent at " + vm.agentSocket()
                        + " through the agent of gi-agent-01"), guest.detail());
                assertTrue(guest.frozen().toNanos() > 0);
            }
            assertEquals(List.of("gi-agent-01 " + vm.agentSocket()), opened);

            io.ferry.api.FerryException lost = assertThrows(io.ferry.api.FerryException.class,
                    () -> provider.open(web, true, "gi-lost-01", Map.of()));
            assertEquals("the guest agent at " + vm.agentSocket() + " cannot be reached through the Ferry agent of"
                    + " gi-lost-01: the agent of gi-lost-01 is not connected", lost.getMessage());

            try (PointInTime pit = provider.open(web, true, PROXY, Map.of())) {
                assertEquals(TaskStatus.SUCCESS, pit.guest().status(), pit.guest().detail());
                assertFalse(pit.guest().detail().contains("through the agent of"), pit.guest().detail());
            }
            assertEquals(2, opened.size(), "a proxy without an agent connects from this machine");
        } finally {
            provider.unsetGuestChannels(channels);
            vm.reconnectAgent();
        }
        assertEquals(List.of(), ferryBitmaps("disk0"), "closed without commit: no bitmap to trust");
    }

    /** Opens with guest processing; the test's own agent client steps aside (the agent serves one client). */
    private PointInTime open(Map<String, ChangedBlockLedger> ledger) {
        return open(web, ledger);
    }

    private PointInTime open(VirtualMachine machine, Map<String, ChangedBlockLedger> ledger) {
        vm.releaseAgent();
        try {
            return provider.open(machine, true, PROXY, Map.copyOf(ledger));
        } finally {
            vm.reconnectAgent();
        }
    }

    private static void remember(Map<String, ChangedBlockLedger> ledger, List<ChangedBlockLedger> entries) {
        for (ChangedBlockLedger e : entries) {
            ledger.put(e.disk().substring(e.disk().indexOf('/') + 1), e);
        }
    }

    /** A ledger entry without its timestamp, for comparisons. */
    record Ledger(String disk, String bitmap, long generation, String backupId, long sizeBytes, boolean trusted, String note) {
        static Ledger of(ChangedBlockLedger e) {
            return new Ledger(e.disk(), e.bitmap(), e.generation(), e.backupId(), e.sizeBytes(), e.trusted(), e.note());
        }
    }

    private List<String> ferryBitmaps(String node) {
        return vm.ferryBitmaps(node);
    }

    private long size(String node) {
        try (FleecingBackup f = new FleecingBackup(vm.qmp(), Optional.empty(), vm.dir(), QemuVm.COMMAND_TIMEOUT)) {
            return f.sizeOf(node);
        }
    }

    private DirtyBitmap bitmap(String node, String name) {
        return vm.bitmaps(node).stream().filter(b -> b.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no bitmap " + name + " on " + node));
    }

    private Path copy(DiskView view) {
        return ViewImages.copy(view.location(), images.resolve(view.disk() + "-" + (++imageCount) + ".raw"));
    }

    private static long mismatch(Path a, Path b) {
        try {
            return Files.mismatch(a, b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
