package io.ferry.jobs.internal;

import io.ferry.api.inventory.VirtualDisk;
import io.ferry.api.inventory.VirtualMachine;
import io.ferry.api.session.ChangedBlockLedger;
import io.ferry.api.session.GuestRecord;
import io.ferry.api.session.TaskStatus;
import io.ferry.api.spi.DiskView;
import io.ferry.api.spi.PointInTime;
import io.ferry.api.spi.PointInTimeProvider;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A point-in-time provider for tests over qcow2 images at rest, with real persistent dirty
 * bitmaps (qemu-img bitmap) and real qemu-nbd exports, following the same contract as the
 * QEMU one: a trusted ledger entry's bitmap is disabled and exported with the view while a
 * new one starts recording; commit drops the exported bitmap and trusts the new one; abort
 * drops both and returns untrusted entries (the next backup reads everything). Supports VMs
 * whose disks are all {@code .qcow2} files.
 */
final class QcowBitmapProvider implements PointInTimeProvider {

    final List<String> calls = new CopyOnWriteArrayList<>();
    /** A disk label whose view points at a socket nobody listens on (its task fails). */
    volatile String brokenDisk;

    @Override
    public boolean supports(VirtualMachine vm) {
        return vm.spec().disks().stream().allMatch(d -> d.location().endsWith(".qcow2"));
    }

    @Override
    public PointInTime open(VirtualMachine vm, boolean guestProcessing, String guestProxy,
            Map<String, ChangedBlockLedger> ledger) {
        calls.add("open " + vm.name() + " on " + guestProxy + (guestProcessing ? " with" : " without")
                + " guest processing");
        List<Disk> disks = new ArrayList<>();
        for (VirtualDisk d : vm.spec().disks()) {
            disks.add(Disk.open(vm.name(), d, ledger.get(d.label().toLowerCase(Locale.ROOT)),
                    d.label().equals(brokenDisk)));
        }
        GuestRecord guest = new GuestRecord(vm.name(), guestProxy, guestProcessing ? TaskStatus.SUCCESS
                : TaskStatus.SKIPPED, guestProcessing, "qemu-guest-agent", guestProcessing ? "froze 1 file system"
                        : "guest processing not requested", guestProcessing ? Duration.ofMillis(60) : Duration.ZERO);
        return new Pit(guest, disks);
    }

    /** One disk's view: the exported (old) bitmap, the new one, the qemu-nbd serving it. */
    private record Disk(String key, String label, Path image, long size, ChangedBlockLedger entry, String exported,
            String next, QemuNbd server, DiskView view) {

        static Disk open(String vm, VirtualDisk d, ChangedBlockLedger entry, boolean broken) {
            Path image = Path.of(d.location());
            String key = ChainKeys.of(vm, d.label());
            long generation = entry == null ? 0 : entry.generation();
            String next = "ferry-" + (generation + 1);
            String exported = null;
            String note;
            if (entry != null && entry.trusted()) {
                exported = entry.bitmap();
                Images.run("qemu-img", "bitmap", "--disable", image.toString(), exported);
                note = null;
            } else {
                if (entry != null && entry.bitmap() != null) {
                    removeQuietly(image, entry.bitmap());
                }
                note = entry == null ? "first backup of this disk: no dirty bitmap yet"
                        : "the changed-block ledger does not trust the bitmap (" + entry.note() + "): read whole";
            }
            Images.run("qemu-img", "bitmap", "--add", image.toString(), next);
            Path socket = image.resolveSibling(image.getFileName() + ".sock");
            QemuNbd server = QemuNbd.serve(image, "qcow2", socket, exported);
            String location = broken ? "nbd+unix:///?socket=" + socket + ".missing" : server.uri();
            return new Disk(key, d.label(), image, d.capacityBytes(), entry, exported, next, server,
                    new DiskView(d.label(), location, d.capacityBytes(), exported, note));
        }
    }

    private static void removeQuietly(Path image, String bitmap) {
        try {
            Images.run("qemu-img", "bitmap", "--remove", image.toString(), bitmap);
        } catch (IllegalStateException e) {
            // already gone
        }
    }

    private final class Pit implements PointInTime {
        private final GuestRecord guest;
        private final List<Disk> disks;
        private boolean done;

        Pit(GuestRecord guest, List<Disk> disks) {
            this.guest = guest;
            this.disks = disks;
        }

        @Override
        public GuestRecord guest() {
            return guest;
        }

        @Override
        public List<DiskView> disks() {
            return disks.stream().map(Disk::view).toList();
        }

        @Override
        public synchronized List<ChangedBlockLedger> commit(Map<String, String> backupIds) {
            calls.add("commit " + backupIds.keySet());
            release();
            List<ChangedBlockLedger> entries = new ArrayList<>();
            for (Disk d : disks) {
                long generation = d.entry() == null ? 1 : d.entry().generation() + 1;
                String backupId = backupIds.get(d.label());
                if (backupId == null) {
                    entries.add(new ChangedBlockLedger(d.key(), d.next(), generation, null, d.size(), false,
                            "not backed up in the last session", Instant.now()));
                    continue;
                }
                if (d.exported() != null) {
                    removeQuietly(d.image(), d.exported());
                }
                entries.add(new ChangedBlockLedger(d.key(), d.next(), generation, backupId, d.size(), true, null,
                        Instant.now()));
            }
            return entries;
        }

        @Override
        public synchronized List<ChangedBlockLedger> abort(String reason) {
            calls.add("abort: " + reason);
            release();
            List<ChangedBlockLedger> entries = new ArrayList<>();
            for (Disk d : disks) {
                removeQuietly(d.image(), d.next());
                if (d.exported() != null) {
                    removeQuietly(d.image(), d.exported());
                }
                entries.add(new ChangedBlockLedger(d.key(), null, d.entry() == null ? 0 : d.entry().generation(),
                        null, d.size(), false, "backup aborted: " + reason, Instant.now()));
            }
            return entries;
        }

        private void release() {
            if (!done) {
                disks.forEach(d -> d.server().close());
                done = true;
            }
        }

        @Override
        public void close() {
            if (!done) {
                abort("closed");
            }
        }
    }
}
