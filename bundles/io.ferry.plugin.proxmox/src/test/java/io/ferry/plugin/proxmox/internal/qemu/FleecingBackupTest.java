package io.ferry.plugin.proxmox.internal.qemu;

import static io.ferry.plugin.proxmox.internal.qemu.QemuVm.DISK_NODE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.NotFoundException;
import io.ferry.api.ValidationException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
 * Point-in-time views of a running guest's disk over NBD, with dirty-bitmap rotation, against a
 * real QEMU (TCG) whose guest writes through qemu-ga. Each view is copied with nbdcopy and
 * inspected with debugfs / e2fsck -n; nothing is mounted or frozen on the host.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FleecingBackupTest {

    private QemuVm vm;
    private FleecingBackup fleecing;
    private Path images;
    private Path scratch;

    @BeforeAll
    void boot(@TempDir Path dir) throws IOException {
        QemuVm.Guest guest = QemuVm.Guest.build(dir.resolve("guest"));
        vm = QemuVm.boot(guest, QemuVm.createDataDisk(dir.resolve("disk"), 64), dir.resolve("vm"));
        System.out.printf("boot to first guest-ping %d ms%n", vm.bootToPing().toMillis());
        scratch = dir.resolve("fleece");
        images = Files.createDirectories(dir.resolve("images"));
        fleecing = new FleecingBackup(vm.qmp(), Optional.of(vm.agent()), scratch, QemuVm.COMMAND_TIMEOUT);
    }

    @AfterAll
    void stop() {
        try {
            if (fleecing != null) {
                fleecing.close();
            }
        } finally {
            if (vm != null) {
                vm.close();
            }
        }
    }

    @AfterEach
    void nothingIsLeftBehind() throws IOException {
        assertEquals(List.of(), vm.qmp().execute("query-block-jobs"), "no copy-before-write job left running");
        List<Object> nodes = Json.array(vm.qmp().execute("query-named-block-nodes", Map.of("flat", true)), "nodes");
        assertTrue(nodes.stream().noneMatch(n -> String.valueOf(Json.object(n, "node").get("node-name")).startsWith("fleece-")),
                "no scratch node left: " + nodes);
        try (Stream<Path> files = Files.exists(scratch) ? Files.list(scratch) : Stream.empty()) {
            assertEquals(List.of(), files.filter(f -> f.toString().endsWith(".qcow2")).toList(), "no scratch image left");
        }
        assertEquals(FreezeStatus.THAWED, vm.agent().freezeStatus());
    }

    @Test
    void aFullViewHoldsTheDiskAsTheGuestHadItAtFreezeTime() {
        vm.sh("echo version-1 > /data/full.txt; dd if=/dev/urandom of=/data/full.bin bs=64k count=8 2>/dev/null; sync");
        String binAtFreeze = ViewImages.guestSha256(vm, "/data/full.bin");

        FleecingView view = fleecing.start(DISK_NODE, Optional.empty());
        try (view) {
            System.out.printf("full view: guest frozen %d ms, QMP transaction %d ms%n", view.frozenFor().toMillis(),
                    view.transactionTime().toMillis());
            assertTrue(view.guestFrozen());
            assertEquals(FreezeStatus.THAWED, vm.agent().freezeStatus(), "thawed as soon as the view exists");
            DiskView disk = view.disk(DISK_NODE);
            assertFalse(disk.incremental());
            assertTrue(disk.nbdUri().startsWith("nbd+unix:///" + disk.exportName() + "?socket="), disk.nbdUri());

            // the guest goes on writing after the point in time
            vm.sh("echo version-2 > /data/full.txt; dd if=/dev/urandom of=/data/full.bin bs=64k count=3 conv=notrunc"
                    + " 2>/dev/null; echo later > /data/later.txt; sync");
            assertNotEquals(binAtFreeze, ViewImages.guestSha256(vm, "/data/full.bin"));

            Path image = ViewImages.copy(disk, images.resolve("full.raw"));
            assertEquals("version-1\n", ViewImages.text(image, "/full.txt"));
            assertEquals(binAtFreeze, ViewImages.sha256(ViewImages.file(image, "/full.bin").orElseThrow()));
            assertTrue(ViewImages.file(image, "/later.txt").isEmpty(), "written after the point in time");
            ViewImages.assertCleanExt4(image);

            view.commit();
            assertEquals(Optional.of(disk.recordingBitmap()), view.bitmapForNextBackup(DISK_NODE));
        }
        String bitmap = view.bitmapForNextBackup(DISK_NODE).orElseThrow();
        assertEquals(BitmapState.USABLE, fleecing.bitmapState(DISK_NODE, bitmap));
        DirtyBitmap b = fleecing.bitmaps(DISK_NODE).stream().filter(x -> x.name().equals(bitmap)).findFirst().orElseThrow();
        assertTrue(b.persistent() && b.recording() && b.count() > 0, "recorded the writes after the point in time: " + b);
        fleecing.removeBitmap(DISK_NODE, bitmap);
    }

    /**
     * A Ferry killed during a backup leaves QEMU's NBD server running; the next Ferry process
     * (here a second FleecingBackup on the same VM, the first one never closed) takes it over
     * instead of failing every later backup of the VM with "NBD server already running".
     */
    @Test
    void aBackupAfterAFerryThatLeftTheNbdServerRunningStillWorks(@TempDir Path dir) {
        FleecingBackup killed = new FleecingBackup(vm.qmp(), Optional.of(vm.agent()), scratch, QemuVm.COMMAND_TIMEOUT);
        String first;
        try (FleecingView view = killed.start(DISK_NODE, Optional.empty())) {
            view.commit();
            first = view.bitmapForNextBackup(DISK_NODE).orElseThrow();
        }
        // `killed` is never closed: its NBD server stays up, as after kill -9
        FleecingBackup next = new FleecingBackup(vm.qmp(), Optional.of(vm.agent()), scratch, QemuVm.COMMAND_TIMEOUT);
        String second;
        try (FleecingView view = next.start(DISK_NODE, Optional.empty())) {
            Path image = ViewImages.copy(view.disk(DISK_NODE), images.resolve("after-left-server.raw"));
            ViewImages.assertCleanExt4(image);
            view.commit();
            second = view.bitmapForNextBackup(DISK_NODE).orElseThrow();
        }
        next.removeBitmap(DISK_NODE, first);
        next.removeBitmap(DISK_NODE, second);
        // `next` is not closed either: the NBD server it runs stays for the other tests' FleecingBackup,
        // which takes it over the same way when it starts one
    }

    @Test
    void anIncrementalViewsBitmapListsOnlyTheChangedBlocks() {
        vm.sh("dd if=/dev/urandom of=/data/inc.bin bs=64k count=32 2>/dev/null; sync");
        Path full1;
        String base;
        try (FleecingView first = fleecing.start(DISK_NODE, Optional.empty())) {
            full1 = ViewImages.copy(first.disk(DISK_NODE), images.resolve("inc-full1.raw"));
            first.commit();
            base = first.bitmapForNextBackup(DISK_NODE).orElseThrow();
        }

        vm.sh("dd if=/dev/urandom of=/data/inc.bin bs=64k count=2 seek=7 conv=notrunc 2>/dev/null;"
                + " echo new > /data/inc-new.txt; sync");
        String incAtFreeze = ViewImages.guestSha256(vm, "/data/inc.bin");
        FleecingView second = fleecing.start(DISK_NODE, Optional.of(base));
        try (second) {
            DiskView disk = second.disk(DISK_NODE);
            assertEquals(Optional.of(base), disk.changedBitmap());
            vm.sh("dd if=/dev/urandom of=/data/inc.bin bs=64k count=4 conv=notrunc 2>/dev/null; sync");

            List<ViewImages.Extent> dirty = ViewImages.dirtyExtents(disk);
            Path full2 = ViewImages.copy(disk, images.resolve("inc-full2.raw"));
            Path patched = ViewImages.patch(full1, dirty, full2, images.resolve("inc-patched.raw"));
            System.out.printf("incremental: %d dirty extents, %d KiB of %d MiB; guest frozen %d ms%n", dirty.size(),
                    ViewImages.bytes(dirty) >> 10, disk.sizeBytes() >> 20, second.frozenFor().toMillis());
            assertEquals(-1L, mismatch(patched, full2), "previous image + dirty extents == the new view");
            assertTrue(ViewImages.bytes(dirty) >= 128 << 10, "at least the two rewritten 64 KiB blocks");
            assertTrue(ViewImages.bytes(dirty) < disk.sizeBytes() / 8, "only the changed blocks: " + dirty);
            assertEquals(incAtFreeze, ViewImages.sha256(ViewImages.file(full2, "/inc.bin").orElseThrow()));
            assertEquals("new\n", ViewImages.text(full2, "/inc-new.txt"));
            second.commit();
        }
        assertEquals(BitmapState.MISSING, fleecing.bitmapState(DISK_NODE, base), "rotated away by the commit");
        String next = second.bitmapForNextBackup(DISK_NODE).orElseThrow();
        assertEquals(BitmapState.USABLE, fleecing.bitmapState(DISK_NODE, next));
        fleecing.removeBitmap(DISK_NODE, next);
    }

    @Test
    void afterAnAbortedBackupTheNextIncrementalStillSeesEveryChange() {
        Path full1;
        String base;
        try (FleecingView first = fleecing.start(DISK_NODE, Optional.empty())) {
            full1 = ViewImages.copy(first.disk(DISK_NODE), images.resolve("abort-full1.raw"));
            first.commit();
            base = first.bitmapForNextBackup(DISK_NODE).orElseThrow();
        }

        vm.sh("echo before-failed-backup > /data/abort1.txt; dd if=/dev/urandom of=/data/abort1.bin bs=64k count=4"
                + " 2>/dev/null; sync");
        FleecingView failed = fleecing.start(DISK_NODE, Optional.of(base));
        ViewImages.dirtyExtents(failed.disk(DISK_NODE)); // the backup reads a little, then fails
        vm.sh("echo during-failed-backup > /data/abort2.txt; sync");
        failed.abort();
        String next = failed.bitmapForNextBackup(DISK_NODE).orElseThrow();
        assertEquals(base, next, "the previous bitmap, recording again, with the new one merged in");
        assertEquals(BitmapState.MISSING, fleecing.bitmapState(DISK_NODE, failed.disk(DISK_NODE).recordingBitmap()));
        assertEquals(BitmapState.USABLE, fleecing.bitmapState(DISK_NODE, next));

        vm.sh("echo after-failed-backup > /data/abort3.txt; sync");
        try (FleecingView retry = fleecing.start(DISK_NODE, Optional.of(next))) {
            DiskView disk = retry.disk(DISK_NODE);
            List<ViewImages.Extent> dirty = ViewImages.dirtyExtents(disk);
            Path full3 = ViewImages.copy(disk, images.resolve("abort-full3.raw"));
            Path patched = ViewImages.patch(full1, dirty, full3, images.resolve("abort-patched.raw"));
            assertEquals(-1L, mismatch(patched, full3), "the last good backup + dirty extents == the new view");
            assertEquals("before-failed-backup\n", ViewImages.text(patched, "/abort1.txt"));
            assertEquals("during-failed-backup\n", ViewImages.text(patched, "/abort2.txt"));
            assertEquals("after-failed-backup\n", ViewImages.text(patched, "/abort3.txt"));
            ViewImages.assertCleanExt4(patched);
            retry.commit();
            fleecing.removeBitmap(DISK_NODE, retry.bitmapForNextBackup(DISK_NODE).orElseThrow());
        }

        // an aborted full backup leaves no bitmap: there is no good backup it could be relative to
        FleecingView failedFull = fleecing.start(DISK_NODE, Optional.empty());
        failedFull.close();
        assertEquals(Optional.empty(), failedFull.bitmapForNextBackup(DISK_NODE));
        assertEquals(BitmapState.MISSING, fleecing.bitmapState(DISK_NODE, failedFull.disk(DISK_NODE).recordingBitmap()));
    }

    @Test
    void withoutAnAgentTheViewIsCrashConsistentAndRecoverable() {
        vm.sh("echo synced-before-view > /data/crash.txt; sync");
        fleecing.close(); // QEMU has one NBD server: this test uses its own FleecingBackup
        try (FleecingBackup crashConsistent = new FleecingBackup(vm.qmp(), Optional.empty(), scratch, QemuVm.COMMAND_TIMEOUT);
                FleecingView view = crashConsistent.start(DISK_NODE, Optional.empty())) {
            assertFalse(view.guestFrozen());
            assertEquals(Duration.ZERO, view.frozenFor());
            vm.sh("echo changed-after-view > /data/crash.txt; sync");
            Path image = ViewImages.copy(view.disk(DISK_NODE), images.resolve("crash.raw"));
            // like a power cut: the journal is replayed (in our copy) before the files are read
            HostCommand.Result fsck = HostCommand.run(Duration.ofSeconds(120), "e2fsck", "-fy", image.toString());
            assertTrue(fsck.exitCode() <= 1, "e2fsck -fy recovers the crash-consistent copy: " + fsck.out() + fsck.stderr());
            assertEquals("synced-before-view\n", ViewImages.text(image, "/crash.txt"));
            view.commit();
            crashConsistent.removeBitmap(DISK_NODE, view.bitmapForNextBackup(DISK_NODE).orElseThrow());
        } finally {
            fleecing = new FleecingBackup(vm.qmp(), Optional.of(vm.agent()), scratch, QemuVm.COMMAND_TIMEOUT);
        }
    }

    @Test
    void aViewIsRefusedForAnUnknownNodeOrABitmapThatCannotBeABase() {
        NotFoundException unknown = assertThrows(NotFoundException.class, () -> fleecing.start("disk9", Optional.empty()));
        assertTrue(unknown.getMessage().contains("disk9") && unknown.getMessage().contains(DISK_NODE), unknown.getMessage());
        ValidationException missing = assertThrows(ValidationException.class,
                () -> fleecing.start(DISK_NODE, Optional.of("ferry-gone")));
        assertTrue(missing.getMessage().contains("MISSING") && missing.getMessage().contains("full backup"),
                missing.getMessage());
        try (FleecingView open = fleecing.start(DISK_NODE, Optional.empty())) {
            assertThrows(ValidationException.class, () -> fleecing.start(DISK_NODE, Optional.empty()),
                    "one view per disk at a time");
            assertEquals(FreezeStatus.THAWED, vm.agent().freezeStatus());
        }
    }

    private static long mismatch(Path a, Path b) {
        try {
            return Files.mismatch(a, b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
