package io.ferry.plugin.proxmox.internal.qemu;

import static io.ferry.plugin.proxmox.internal.qemu.QemuVm.DISK_NODE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.ValidationException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The persistent dirty bitmap across VM restarts, with a real QEMU and the same qcow2 disk:
 * a clean QMP quit keeps it (recording, same count), so the next incremental can use it; a
 * crash (SIGKILL) in the middle of that incremental leaves the bitmap loaded at boot
 * inconsistent and the one created since missing, and {@link FleecingBackup#bitmapState} then
 * demands a full backup. Three boots in one test to keep the class short.
 */
class PersistentBitmapRestartTest {

    @Test
    void aCleanQuitKeepsTheBitmapButACrashForcesAFullBackup(@TempDir Path dir) {
        QemuVm.Guest guest = QemuVm.Guest.build(dir.resolve("guest"));
        Path disk = QemuVm.createDataDisk(dir.resolve("disk"), 64);

        String bitmap;
        DirtyBitmap beforeQuit;
        try (QemuVm vm = QemuVm.boot(guest, disk, dir.resolve("vm1"))) {
            System.out.printf("boot 1: first guest-ping after %d ms%n", vm.bootToPing().toMillis());
            bitmap = fullBackup(vm, dir.resolve("fleece1"));
            vm.sh("echo after-backup-1 > /data/r1.txt; sync");
            beforeQuit = bitmapOf(vm, bitmap);
            vm.quit();
        }
        String info = HostCommand.run(Duration.ofSeconds(30), "qemu-img", "info", "--output=json", disk.toString())
                .requireSuccess().out();
        assertTrue(info.contains("\"" + bitmap + "\""), "a clean quit wrote the bitmap into the qcow2: " + info);

        String second;
        try (QemuVm vm = QemuVm.boot(guest, disk, dir.resolve("vm2"))) {
            System.out.printf("boot 2: first guest-ping after %d ms%n", vm.bootToPing().toMillis());
            DirtyBitmap afterRestart = bitmapOf(vm, bitmap);
            assertEquals(beforeQuit.count(), afterRestart.count(), "same dirty count after the restart");
            assertTrue(afterRestart.recording() && afterRestart.persistent() && !afterRestart.inconsistent(),
                    afterRestart.toString());
            FleecingBackup fleecing = new FleecingBackup(vm.qmp(), Optional.of(vm.agent()), dir.resolve("fleece2"),
                    QemuVm.COMMAND_TIMEOUT);
            assertEquals(BitmapState.USABLE, fleecing.bitmapState(DISK_NODE, bitmap));
            FleecingView view = fleecing.start(DISK_NODE, Optional.of(bitmap));
            second = view.disk(DISK_NODE).recordingBitmap();
            assertFalse(ViewImages.dirtyExtents(view.disk(DISK_NODE)).isEmpty(), "the writes before the quit");
            Path image = ViewImages.copy(view.disk(DISK_NODE), dir.resolve("restart.raw"));
            assertEquals("after-backup-1\n", ViewImages.text(image, "/r1.txt"));

            // QEMU crashes in the middle of this incremental backup
            vm.sh("echo before-crash > /data/r2.txt; sync");
            vm.kill();
            assertThrows(QemuChannelException.class, view::abort, "nothing to tear down in a dead VM");
            fleecing.close();
        }

        try (QemuVm vm = QemuVm.boot(guest, disk, dir.resolve("vm3"))) {
            System.out.printf("boot 3 (after kill -9): first guest-ping after %d ms%n", vm.bootToPing().toMillis());
            try (FleecingBackup fleecing = new FleecingBackup(vm.qmp(), Optional.of(vm.agent()), dir.resolve("fleece3"),
                    QemuVm.COMMAND_TIMEOUT)) {
                // loaded from the image at boot 2 and in use when QEMU died: its content is unknown
                assertTrue(bitmapOf(vm, bitmap).inconsistent());
                BitmapState loaded = fleecing.bitmapState(DISK_NODE, bitmap);
                assertEquals(BitmapState.INCONSISTENT, loaded);
                assertTrue(loaded.fullBackupRequired());
                // created during boot 2: persistent bitmaps reach the qcow2 only on a clean close
                BitmapState created = fleecing.bitmapState(DISK_NODE, second);
                assertEquals(BitmapState.MISSING, created);
                assertTrue(created.fullBackupRequired());
                assertThrows(ValidationException.class, () -> fleecing.start(DISK_NODE, Optional.of(bitmap)));
                assertThrows(ValidationException.class, () -> fleecing.start(DISK_NODE, Optional.of(second)));

                fleecing.removeBitmap(DISK_NODE, bitmap);
                try (FleecingView full = fleecing.start(DISK_NODE, Optional.empty())) {
                    Path image = ViewImages.copy(full.disk(DISK_NODE), dir.resolve("after-crash.raw"));
                    assertEquals("before-crash\n", ViewImages.text(image, "/r2.txt"));
                    ViewImages.assertCleanExt4(image);
                    full.commit();
                    assertEquals(BitmapState.USABLE,
                            fleecing.bitmapState(DISK_NODE, full.bitmapForNextBackup(DISK_NODE).orElseThrow()));
                }
            }
        }
    }

    private static String fullBackup(QemuVm vm, Path scratch) {
        try (FleecingBackup fleecing = new FleecingBackup(vm.qmp(), Optional.of(vm.agent()), scratch, QemuVm.COMMAND_TIMEOUT);
                FleecingView view = fleecing.start(DISK_NODE, Optional.empty())) {
            view.commit();
            return view.bitmapForNextBackup(DISK_NODE).orElseThrow();
        }
    }

    private static DirtyBitmap bitmapOf(QemuVm vm, String name) {
        try (FleecingBackup fleecing = new FleecingBackup(vm.qmp(), Optional.empty(), vm.dir(), QemuVm.COMMAND_TIMEOUT)) {
            List<DirtyBitmap> bitmaps = fleecing.bitmaps(DISK_NODE);
            return bitmaps.stream().filter(b -> b.name().equals(name)).findFirst()
                    .orElseThrow(() -> new AssertionError("no bitmap " + name + " on " + DISK_NODE + ": " + bitmaps));
        }
    }
}
