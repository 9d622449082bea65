package io.ferry.plugin.proxmox.internal.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.inventory.Cidr;
import io.ferry.api.inventory.DiskFormat;
import io.ferry.api.inventory.OsInfo;
import io.ferry.api.inventory.VirtualDisk;
import io.ferry.api.inventory.VirtualMachine;
import io.ferry.api.inventory.VmSpec;
import io.ferry.api.session.ChangedBlockLedger;
import io.ferry.api.spi.DiskView;
import io.ferry.api.spi.PointInTime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trust ledger across restarts of a real QEMU with the same qcow2 disk (four boots in one
 * test to keep the class short): a clean quit keeps the bitmap of the qcow2 disk and the next
 * backup is incremental (a vmdk disk cannot keep its bitmap: read whole); kill -9 after an aborted backup leaves the bitmap loaded at boot inconsistent,
 * and kill -9 after a good one loses the bitmap created since boot: both times the next backup
 * reads the whole disk and says why.
 */
class QemuPointInTimeRestartTest {

    @Test
    void aCleanRestartKeepsTheBitmapTrustedButAKilledVmForcesAFullRead(@TempDir Path dir) throws IOException {
        QemuVm.Guest guest = QemuVm.Guest.build(dir.resolve("guest"));
        Path disk = QemuVm.createDataDisk(dir.resolve("disk"), 64);
        List<Path> disks = List.of(disk, QemuVm.createBlankDisk(dir.resolve("disk"), "legacy", "vmdk", 16));
        Path vmDir = dir.resolve("vm"); // the same sockets on every boot, as Proxmox VE keeps them
        Path images = Files.createDirectories(dir.resolve("images"));
        QemuPointInTimeProvider provider = new QemuPointInTimeProvider(dir.resolve("scratch"), QemuVm.COMMAND_TIMEOUT,
                Duration.ofSeconds(5), Clock.systemUTC());
        VirtualMachine db = new VirtualMachine("0e9a4c52-db-01", 1, new VmSpec("db-01", "pve1", OsInfo.linux("debian", "12"),
                List.of(Cidr.of("10.0.0.0/24")), List.of(new VirtualDisk("scsi0", 64L << 20, DiskFormat.QCOW2,
                        QemuDiskLocation.SCHEME + vmDir.resolve("ferry-qmp.sock") + "?node=disk0&agent="
                                + vmDir.resolve("qga.sock"), Optional.empty()),
                        new VirtualDisk("scsi1", 16L << 20, DiskFormat.VMDK, QemuDiskLocation.SCHEME
                                + vmDir.resolve("ferry-qmp.sock") + "?node=disk1", Optional.empty())), Optional.empty(),
                false));

        ChangedBlockLedger entry;
        ChangedBlockLedger vmdk;
        Path full1;
        try (QemuVm vm = QemuVm.boot(guest, disks, vmDir)) {
            System.out.printf("boot 1: first guest-ping after %d ms%n", vm.bootToPing().toMillis());
            vm.sh("echo r0 > /data/r0.txt; sync");
            try (PointInTime pit = open(provider, vm, db, Map.of())) {
                assertEquals("first backup of this disk", pit.disks().get(0).changeNote());
                full1 = ViewImages.copy(pit.disks().get(0).location(), images.resolve("full1.raw"));
                List<ChangedBlockLedger> first = pit.commit(Map.of("scsi0", "bk-1", "scsi1", "bk-1v"));
                entry = first.get(0);
                vmdk = first.get(1);
            }
            vm.sh("echo r1 > /data/r1.txt; sync");
            vm.quit();
        }

        try (QemuVm vm = QemuVm.boot(guest, disks, vmDir)) {
            System.out.printf("boot 2 (after a clean quit): first guest-ping after %d ms%n", vm.bootToPing().toMillis());
            try (PointInTime pit = open(provider, vm, db, Map.of("scsi0", entry, "scsi1", vmdk))) {
                DiskView view = pit.disks().get(0);
                assertEquals("ferry-1", view.dirtyBitmap(), "a clean restart keeps the bitmap trusted");
                assertNull(pit.disks().get(1).dirtyBitmap());
                assertEquals("bitmap ferry-1 is missing: the VM was restarted since the last backup (a vmdk disk cannot"
                        + " keep dirty bitmaps across restarts), or someone removed it", pit.disks().get(1).changeNote());
                Path now = ViewImages.copy(view.location(), images.resolve("boot2.raw"));
                Path patched = ViewImages.patch(full1, ViewImages.dirtyExtents(view), now, images.resolve("boot2-inc.raw"));
                assertEquals(-1L, Files.mismatch(patched, now), "the writes before the quit are all in the bitmap");
                assertEquals("r1\n", ViewImages.text(patched, "/r1.txt"));
                vm.sh("echo r2 > /data/r2.txt; sync");
                entry = pit.abort("the repository went away").get(0);
            }
            assertTrue(entry.trusted(), "the changes are kept in ferry-1: " + entry);
            assertEquals("ferry-1", entry.bitmap());
            vm.sh("echo r3 > /data/r3.txt; sync");
            vm.kill(); // ferry-1 was loaded from the image at boot and is in use now
        }

        try (QemuVm vm = QemuVm.boot(guest, disks, vmDir)) {
            System.out.printf("boot 3 (after kill -9): first guest-ping after %d ms%n", vm.bootToPing().toMillis());
            try (PointInTime pit = open(provider, vm, db, Map.of("scsi0", entry))) {
                DiskView view = pit.disks().get(0);
                assertNull(view.dirtyBitmap());
                assertEquals("the VM was restarted without a clean shutdown: bitmap ferry-1 is inconsistent",
                        view.changeNote());
                assertEquals(List.of("ferry-2"), vm.ferryBitmaps(QemuVm.DISK_NODE), "the inconsistent bitmap is gone");
                Path whole = ViewImages.copy(view.location(), images.resolve("boot3.raw"));
                for (String f : List.of("r0", "r1", "r2", "r3")) {
                    assertEquals(f + "\n", ViewImages.text(whole, "/" + f + ".txt"), "read whole: " + f);
                }
                entry = pit.commit(Map.of("scsi0", "bk-3")).get(0);
            }
            assertEquals("ferry-2", entry.bitmap());
            assertEquals(2, entry.generation());
            vm.kill(); // ferry-2 was created in this boot: it never reached the image
        }

        try (QemuVm vm = QemuVm.boot(guest, disks, vmDir)) {
            System.out.printf("boot 4 (after kill -9): first guest-ping after %d ms%n", vm.bootToPing().toMillis());
            assertEquals(List.of(), vm.ferryBitmaps(QemuVm.DISK_NODE));
            try (PointInTime pit = open(provider, vm, db, Map.of("scsi0", entry))) {
                DiskView view = pit.disks().get(0);
                assertNull(view.dirtyBitmap());
                assertTrue(view.changeNote().startsWith("bitmap ferry-2 is missing"), view.changeNote());
                List<ChangedBlockLedger> entries = pit.commit(Map.of("scsi0", "bk-4"));
                assertTrue(entries.get(0).trusted());
                assertEquals("ferry-3", entries.get(0).bitmap());
            }
            assertFalse(vm.bitmaps(QemuVm.DISK_NODE).stream().anyMatch(DirtyBitmap::inconsistent));
            vm.quit();
        }
    }

    private static PointInTime open(QemuPointInTimeProvider provider, QemuVm vm, VirtualMachine db,
            Map<String, ChangedBlockLedger> ledger) {
        vm.releaseAgent();
        try {
            PointInTime pit = provider.open(db, true, "gip-lnx-01", ledger);
            assertTrue(pit.guest().frozen().compareTo(Duration.ZERO) > 0, pit.guest().toString());
            return pit;
        } finally {
            vm.reconnectAgent();
        }
    }
}
