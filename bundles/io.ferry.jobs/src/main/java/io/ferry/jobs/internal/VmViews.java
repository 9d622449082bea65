package io.ferry.jobs.internal;

import io.ferry.api.session.ChangedBlockLedger;
import io.ferry.api.session.GuestRecord;
import io.ferry.api.spi.PointInTime;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * How the disks of one VM are read in one session, decided by its guest processing stage:
 * from the point-in-time views of a {@link PointInTime} (running QEMU VMs), or from the
 * disks' inventory locations as they are. Holds the open point in time until the VM's last
 * task ends ({@link #pointInTime()}).
 */
final class VmViews {

    /**
     * Where and how to read one disk.
     *
     * @param label      disk label
     * @param location   what the data mover opens (path or NBD URI)
     * @param bitmap     the dirty bitmap exported with it (changes since the ledger's backup), or null
     * @param changeNote why there is no usable bitmap (or which parent it is used against), or null
     * @param ledger     the changed-block ledger entry the view was made with, or null
     * @param problem    why the disk cannot be read at all (the task fails with it), or null
     */
    record DiskRead(String label, String location, String bitmap, String changeNote, ChangedBlockLedger ledger,
            String problem) {
        DiskRead {
            Objects.requireNonNull(label, "label");
        }

        static DiskRead unreadable(String label, String problem) {
            return new DiskRead(label, null, null, null, null, problem);
        }

        DiskRead withoutBitmap(String note) {
            return new DiskRead(label, location, null, note, ledger, problem);
        }
    }

    private final GuestRecord guest;
    private final PointInTime pointInTime;
    private final Map<String, DiskRead> disks = new TreeMap<>();
    private final String failure;

    private VmViews(GuestRecord guest, PointInTime pointInTime, List<DiskRead> disks, String failure) {
        this.guest = Objects.requireNonNull(guest, "guest");
        this.pointInTime = pointInTime;
        disks.forEach(d -> this.disks.put(key(d.label()), d));
        this.failure = failure;
    }

    static VmViews of(GuestRecord guest, PointInTime pointInTime, List<DiskRead> disks) {
        return new VmViews(guest, pointInTime, disks, null);
    }

    /** No disk of the VM can be read: every task fails with {@code failure}. */
    static VmViews failed(GuestRecord guest, String failure) {
        return new VmViews(guest, null, List.of(), Objects.requireNonNull(failure, "failure"));
    }

    GuestRecord guest() {
        return guest;
    }

    /** The open point in time, to commit or abort after the VM's tasks; empty when the disks are read as they are. */
    Optional<PointInTime> pointInTime() {
        return Optional.ofNullable(pointInTime);
    }

    /** How to read a disk; a DiskRead with a problem when it cannot be read. */
    DiskRead disk(String label) {
        if (failure != null) {
            return DiskRead.unreadable(label, failure);
        }
        DiskRead read = disks.get(key(label));
        if (read == null) {
            return DiskRead.unreadable(label, "the point-in-time views of the VM have no disk '" + label + "'");
        }
        return read;
    }

    private static String key(String label) {
        return label.toLowerCase(Locale.ROOT);
    }
}
