package io.ferry.plugin.proxmox.internal.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.NotFoundException;
import io.ferry.api.ValidationException;
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
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * issue 10 point 7: a real QEMU started with the block layout of a Proxmox VE node
 * ({@code qm showcmd}): {@code -drive id=drive-scsi0,if=none} on a {@code scsi-hd} of a
 * {@code virtio-scsi-pci} controller, {@code -drive id=drive-virtio1,if=none} on a
 * {@code virtio-blk-pci}, and an empty IDE CD-ROM drive. The block nodes get auto-generated names
 * ({@code #blockNNN}); disks located by drive id, by device id and by device path are backed up
 * through the provider, full and then incremental. The VM is paused ({@code -S}): no guest is
 * needed to name drives, and disk writes are made with HMP {@code qemu-io}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProxmoxDriveNamingTest {

    private Path dir;
    private Process qemu;
    private QmpClient qmp;
    private QemuPointInTimeProvider provider;

    @BeforeAll
    void start(@TempDir Path tmp) {
        dir = tmp;
        Path scsi0 = QemuVm.createBlankDisk(dir, "vm-100-disk-0", "qcow2", 32);
        Path virtio1 = QemuVm.createBlankDisk(dir, "vm-100-disk-1", "qcow2", 16);
        HostCommand.run(Duration.ofSeconds(30), "qemu-io", "-f", "qcow2", "-c", "write -P 0x5a 1M 64k", scsi0.toString())
                .requireSuccess();
        HostCommand.run(Duration.ofSeconds(30), "qemu-io", "-f", "qcow2", "-c", "write -P 0x7b 3M 64k", virtio1.toString())
                .requireSuccess();
        List<String> command = List.of("qemu-system-x86_64", "-machine", "pc,accel=tcg", "-S", "-nodefaults",
                "-display", "none", "-monitor", "none", "-serial", "none", "-m", "64",
                "-qmp", "unix:" + dir.resolve("qmp.sock") + ",server=on,wait=off",
                "-qmp", "unix:" + dir.resolve("100.qmp") + ",server=on,wait=off",
                // as qm showcmd prints them on a PVE 8 node (aio/cache options as PVE sets them)
                "-device", "virtio-scsi-pci,id=scsihw0,bus=pci.0,addr=0x5",
                "-drive", "file=" + scsi0 + ",if=none,id=drive-scsi0,format=qcow2,cache=none,aio=threads,discard=on,"
                        + "detect-zeroes=unmap",
                "-device", "scsi-hd,bus=scsihw0.0,channel=0,scsi-id=0,lun=0,drive=drive-scsi0,id=scsi0,bootindex=100",
                "-drive", "file=" + virtio1 + ",if=none,id=drive-virtio1,format=qcow2,cache=none,aio=threads,"
                        + "detect-zeroes=on",
                "-device", "virtio-blk-pci,drive=drive-virtio1,id=virtio1,bus=pci.0,addr=0xb",
                "-drive", "if=none,id=drive-ide2,media=cdrom,aio=threads",
                "-device", "ide-cd,bus=ide.1,unit=0,drive=drive-ide2,id=ide2,bootindex=101");
        try {
            qemu = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("qemu.log").toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start qemu-system-x86_64", e);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(dir.resolve("qmp.sock")) || !Files.exists(dir.resolve("100.qmp"))) {
            if (!qemu.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("QEMU did not start: " + log());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        qmp = QmpClient.connect(dir.resolve("qmp.sock"), QemuVm.COMMAND_TIMEOUT);
        provider = new QemuPointInTimeProvider(dir.resolve("scratch"), QemuVm.COMMAND_TIMEOUT, Duration.ofSeconds(2),
                Clock.systemUTC());
    }

    @AfterAll
    void stop() throws InterruptedException {
        if (qmp != null) {
            qmp.close();
        }
        if (qemu != null) {
            qemu.destroyForcibly();
            qemu.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private String log() {
        try {
            return Files.readString(dir.resolve("qemu.log"));
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Test
    void pveDrivesAreFoundByDriveIdDeviceIdAndDevicePathAndBackedUp() {
        Map<String, String> nodes = new HashMap<>();
        for (Object o : Json.array(qmp.execute("query-block"), "query-block")) {
            Map<String, Object> b = Json.object(o, "block");
            Object inserted = b.get("inserted");
            if (inserted != null) {
                nodes.put(Json.text(b, "device"), Json.text(Json.object(inserted, "inserted"), "node-name"));
            }
        }
        System.out.printf("PVE layout: drive -> auto-generated node %s%n", nodes);
        assertTrue(nodes.get("drive-scsi0").startsWith("#block") && nodes.get("drive-virtio1").startsWith("#block"),
                "no node is named drive-scsi0: " + nodes);

        Map<String, ChangedBlockLedger> ledger = new HashMap<>();
        VirtualMachine byDrive = vm(location("drive-scsi0"), location("drive-virtio1"));
        byte[] scsiFull;
        try (PointInTime pit = provider.open(byDrive, false, "gip-lnx-01", Map.of())) {
            assertEquals(List.of(32L << 20, 16L << 20), pit.disks().stream().map(DiskView::sizeBytes).toList());
            scsiFull = read(pit.disks().get(0), "full-scsi0.raw");
            assertPattern(scsiFull, 1 << 20, 64 << 10, (byte) 0x5a);
            assertPattern(read(pit.disks().get(1), "full-virtio1.raw"), 3 << 20, 64 << 10, (byte) 0x7b);
            for (ChangedBlockLedger e : pit.commit(Map.of("scsi0", "bk-1", "virtio1", "bk-1v"))) {
                ledger.put(e.disk().substring(e.disk().indexOf('/') + 1), e);
            }
        }
        assertEquals(List.of("ferry-1"), bitmaps(nodes.get("drive-scsi0")), "the bitmap is on the drive's node");

        qmp.execute("human-monitor-command", Map.of("command-line", "qemu-io drive-scsi0 \"write -P 0x33 2M 64k\""));
        qmp.execute("human-monitor-command", Map.of("command-line", "qemu-io drive-virtio1 \"write -P 0x44 5M 64k\""));

        VirtualMachine byDevice = vm(location("scsi0"), location("virtio1"));
        try (PointInTime pit = provider.open(byDevice, false, "gip-lnx-01", Map.copyOf(ledger))) {
            DiskView scsi = pit.disks().get(0);
            DiskView virtio = pit.disks().get(1);
            assertEquals("ferry-1", scsi.dirtyBitmap(), "the same disk by its device id: incremental");
            assertEquals("ferry-1", virtio.dirtyBitmap());
            List<ViewImages.Extent> dirty = ViewImages.dirtyExtents(scsi);
            assertEquals(List.of(new ViewImages.Extent(2 << 20, 64 << 10)), dirty, "only the written block is dirty");
            byte[] now = read(scsi, "inc-scsi0.raw");
            assertPattern(now, 2 << 20, 64 << 10, (byte) 0x33);
            assertPattern(now, 1 << 20, 64 << 10, (byte) 0x5a);
            byte[] patched = scsiFull.clone();
            System.arraycopy(now, 2 << 20, patched, 2 << 20, 64 << 10);
            assertTrue(Arrays.equals(patched, now), "the full backup + the dirty extent == the new view");
            assertEquals(List.of(new ViewImages.Extent(5 << 20, 64 << 10)), ViewImages.dirtyExtents(virtio));
            assertPattern(read(virtio, "inc-virtio1.raw"), 5 << 20, 64 << 10, (byte) 0x44);
            pit.commit(Map.of("scsi0", "bk-2", "virtio1", "bk-2v"));
        }

        VirtualMachine byPath = vm(location("/machine/peripheral/virtio1"));
        try (PointInTime pit = provider.open(byPath, false, "gip-lnx-01", Map.of())) {
            assertNull(pit.disks().get(0).dirtyBitmap());
            assertPattern(read(pit.disks().get(0), "path-virtio1.raw"), 5 << 20, 64 << 10, (byte) 0x44);
        } // aborted

        NotFoundException missing = assertThrows(NotFoundException.class,
                () -> provider.open(vm(location("drive-scsi9")), false, "gip-lnx-01", Map.of()));
        assertTrue(missing.getMessage().contains("'drive-scsi9'") && missing.getMessage().contains("drive drive-scsi0")
                && missing.getMessage().contains("device scsi0") && missing.getMessage().contains("device virtio1"),
                missing.getMessage());
        ValidationException twice = assertThrows(ValidationException.class,
                () -> provider.open(vm(location("drive-scsi0"), location("scsi0")), false, "gip-lnx-01", Map.of()));
        assertTrue(twice.getMessage().contains("same block node"), twice.getMessage());
        assertEquals(List.of(), qmp.execute("query-block-exports"), "nothing left behind");
        assertEquals(List.of(), qmp.execute("query-block-jobs"));
    }

    private List<String> bitmaps(String node) {
        try (FleecingBackup f = new FleecingBackup(qmp, Optional.empty(), dir, QemuVm.COMMAND_TIMEOUT)) {
            return f.bitmaps(node).stream().map(DirtyBitmap::name).sorted().toList();
        }
    }

    private String location(String node) {
        return QemuDiskLocation.SCHEME + dir.resolve("100.qmp") + "?node=" + node;
    }

    private static VirtualMachine vm(String... locations) {
        List<VirtualDisk> disks = new ArrayList<>();
        String[] labels = {"scsi0", "virtio1"};
        for (int i = 0; i < locations.length; i++) {
            String label = locations.length == 1 && locations[i].contains("virtio1") ? "virtio1" : labels[i];
            disks.add(new VirtualDisk(label, 16L << 20, DiskFormat.QCOW2, locations[i], Optional.empty()));
        }
        return new VirtualMachine("7a1b2c3d-pve-100", 1, new VmSpec("vm-100", "pve1", OsInfo.linux("debian", "12"),
                List.of(Cidr.of("10.0.0.0/24")), disks, Optional.empty(), false));
    }

    private byte[] read(DiskView view, String name) {
        try {
            return Files.readAllBytes(ViewImages.copy(view.location(), dir.resolve(name)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void assertPattern(byte[] image, int offset, int length, byte value) {
        for (int i = offset; i < offset + length; i++) {
            if (image[i] != value) {
                throw new AssertionError("byte " + i + " is " + image[i] + ", expected " + value);
            }
        }
    }
}
