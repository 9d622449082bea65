package io.ferry.plugin.proxmox.internal.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.inventory.VirtualMachine;
import io.ferry.api.session.ChangedBlockLedger;
import io.ferry.api.spi.DiskView;
import io.ferry.api.spi.PointInTime;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * issue 10 point 5, "Ferry killed while a guest is frozen": a child JVM freezes a real QEMU
 * (TCG) guest through the real provider and is killed with SIGKILL while the guest is frozen
 * and its incremental views half set up (bitmaps rotated); a new provider on the same scratch
 * directory (what Ferry's next start activates) thaws the guest within 10 s, removes the scratch
 * nodes, copy-before-write jobs and scratch images of the dead run and its journal entry, and
 * folds the dead run's bitmap back into the previous one: the next backup is incremental to the
 * last good one and misses no change.
 */
class GuestThawAfterKillTest {

    @Test
    void aFerryKilledWhileTheGuestIsFrozenIsUndoneAtTheNextStart(@TempDir Path dir) throws Exception {
        QemuVm.Guest guest = QemuVm.Guest.build(dir.resolve("guest"));
        Path scratch = dir.resolve("scratch");
        try (QemuVm vm = QemuVm.boot(guest, QemuVm.createDataDisk(dir.resolve("disk"), 64), dir.resolve("vm"))) {
            System.out.printf("boot to first guest-ping %d ms%n", vm.bootToPing().toMillis());
            vm.sh("echo before > /data/before.txt; sync");
            QemuPointInTimeProvider first = new QemuPointInTimeProvider(scratch, QemuVm.COMMAND_TIMEOUT,
                    java.time.Duration.ofSeconds(5), java.time.Clock.systemUTC());
            VirtualMachine app = FreezeAndHang.vm(vm.ferryQmpSocket().toString(), vm.agentSocket().toString(),
                    QemuVm.DISK_NODE);
            ChangedBlockLedger good;
            Path full;
            try (PointInTime pit = first.open(app, false, "gip-lnx-01", Map.of())) {
                full = ViewImages.copy(pit.disks().get(0).location(), dir.resolve("full.raw"));
                good = pit.commit(Map.of("scsi0", "bk-good")).get(0);
            }
            assertEquals("ferry-1", good.bitmap());
            vm.sh("echo between > /data/between.txt; sync"); // a change the dead run's views held in its new bitmap
            vm.releaseAgent();
            Process child = startChild(scratch, vm, good);
            try {
                awaitFrozen(child);
                child.destroyForcibly(); // SIGKILL: no finally block, no shutdown hook runs
                assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child JVM died");
            } finally {
                child.destroyForcibly();
            }
            vm.reconnectAgent();
            assertEquals(FreezeStatus.FROZEN, vm.agent().freezeStatus(), "the dead Ferry left the guest frozen");
            assertTrue(fleeceNodes(vm).size() >= 1, "and its scratch node in QEMU: " + fleeceNodes(vm));
            assertEquals(1, Json.array(vm.qmp().execute("query-block-jobs"), "jobs").size());
            assertEquals(List.of("ferry-1", "ferry-2"), vm.ferryBitmaps(QemuVm.DISK_NODE), "rotated by the dead run");
            Path journal = scratch.resolve("journal");
            List<Path> entries = list(journal);
            assertEquals(1, entries.size(), "the intent was recorded: " + entries);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(entries.get(0))));
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(journal)));
            System.out.printf("journal entry of the dead run: %s%n", Files.readString(entries.get(0)).strip());
            vm.releaseAgent();

            // what Ferry's next start does: Declarative Services activates the provider with its configuration
            long start = System.nanoTime();
            QemuPointInTimeProvider restarted = new QemuPointInTimeProvider(config(scratch));
            long deadline = start + TimeUnit.SECONDS.toNanos(10);
            while (!list(journal).isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            System.out.printf("journal entry recovered %d ms after the activation%n", tookMillis);
            assertEquals(List.of(), list(journal), "recovered within 10 s of the start");
            restarted.deactivate();

            vm.reconnectAgent();
            assertEquals(FreezeStatus.THAWED, vm.agent().freezeStatus(), "thawed within 10 s of the start");
            assertEquals("after\n", vm.sh("echo after > /data/after.txt && cat /data/after.txt"));
            assertEquals(List.of(), fleeceNodes(vm), "no scratch node left");
            assertEquals(List.of(), vm.qmp().execute("query-block-jobs"), "no copy-before-write job left");
            assertEquals(List.of(), vm.qmp().execute("query-block-exports"), "no NBD export left");
            assertEquals(List.of("ferry-1"), vm.ferryBitmaps(QemuVm.DISK_NODE), "the dead run's bitmap is folded back");
            assertTrue(vm.bitmaps(QemuVm.DISK_NODE).get(0).recording(), "and the previous one records again");
            try (Stream<Path> files = Files.walk(scratch)) {
                assertEquals(List.of(), files.filter(Files::isRegularFile).toList(), "no scratch image left");
            }

            // and the next backup of the VM works as usual
            vm.releaseAgent();
            try (PointInTime pit = restarted.open(app, true, "gip-lnx-01", Map.of("scsi0", good))) {
                assertEquals(io.ferry.api.session.TaskStatus.SUCCESS, pit.guest().status(), pit.guest().detail());
                DiskView view = pit.disks().get(0);
                assertEquals("ferry-1", view.dirtyBitmap(), "incremental to the last good backup");
                Path now = ViewImages.copy(view.location(), dir.resolve("after-recovery.raw"));
                Path patched = ViewImages.patch(full, ViewImages.dirtyExtents(view), now, dir.resolve("patched.raw"));
                assertEquals(-1L, Files.mismatch(patched, now), "the last good backup + the dirty extents == the view");
                assertEquals("before\n", ViewImages.text(patched, "/before.txt"));
                assertEquals("between\n", ViewImages.text(patched, "/between.txt"), "no change lost with the dead run");
                pit.commit(Map.of("scsi0", "bk-after"));
            } finally {
                vm.reconnectAgent();
            }
            assertEquals(FreezeStatus.THAWED, vm.agent().freezeStatus());
            assertEquals(List.of(), list(journal));
        }
    }

    private static QemuPointInTimeConfig config(Path scratch) {
        return new QemuPointInTimeConfig() {
            @Override
            public Class<? extends java.lang.annotation.Annotation> annotationType() {
                return QemuPointInTimeConfig.class;
            }

            @Override
            public String scratch_dir() {
                return scratch.toString();
            }

            @Override
            public int qmp_timeout_seconds() {
                return 30;
            }

            @Override
            public int agent_ping_timeout_millis() {
                return 5000;
            }
        };
    }

    private static Process startChild(Path scratch, QemuVm vm, ChangedBlockLedger entry) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                FreezeAndHang.class.getName(), scratch.toString(), vm.ferryQmpSocket().toString(),
                vm.agentSocket().toString(), QemuVm.DISK_NODE, entry.bitmap(), Long.toString(entry.generation()),
                entry.backupId(), Long.toString(entry.sizeBytes())));
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    /** Waits (at most 120 s) for the child's FROZEN line. */
    private static void awaitFrozen(Process child) throws Exception {
        CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
            try {
                BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
                StringBuilder seen = new StringBuilder();
                for (String l; (l = r.readLine()) != null; ) {
                    seen.append(l).append('\n');
                    if (l.equals("FROZEN")) {
                        return l;
                    }
                }
                return "child ended: " + seen;
            } catch (IOException e) {
                return "child output: " + e;
            }
        });
        assertEquals("FROZEN", line.get(120, TimeUnit.SECONDS));
    }

    private static List<String> fleeceNodes(QemuVm vm) {
        List<String> out = new ArrayList<>();
        for (Object n : Json.array(vm.qmp().execute("query-named-block-nodes", Map.of("flat", true)), "nodes")) {
            Object name = Json.object(n, "node").get("node-name");
            if (String.valueOf(name).startsWith(FleecingBackup.FLEECE_PREFIX)) {
                out.add(String.valueOf(name));
            }
        }
        return out;
    }

    private static List<Path> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.toList();
        }
    }
}
