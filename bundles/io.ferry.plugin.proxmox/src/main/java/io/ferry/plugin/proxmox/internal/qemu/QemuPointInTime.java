package io.ferry.plugin.proxmox.internal.qemu;

import io.ferry.api.ValidationException;
import io.ferry.api.session.ChangedBlockLedger;
import io.ferry.api.session.GuestRecord;
import io.ferry.api.spi.PointInTime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The point-in-time views of one running QEMU VM's disks, opened by
 * {@link QemuPointInTimeProvider#open}; holds the VM's QMP connection until it ends. Ending it
 * turns each disk's {@link FleecingView.Ending} into the ledger entry to store:
 * <ul>
 * <li>committed: trusted, generation + 1, the new bitmap ({@code ferry-<generation>}), the backup id and size;</li>
 * <li>aborted, with the changes kept in the previous bitmap: the previous entry, still trusted
 * (the previous backup stays the base);</li>
 * <li>aborted otherwise (a full view, or the merge failed): untrusted, "the last backup failed
 * or was cancelled: ...", so that the next backup reads the whole disk;</li>
 * <li>listed for commit but its copy-before-write job had stopped (the view was not
 * point-in-time to the end): untrusted, saying that the backup may be inconsistent.</li>
 * </ul>
 */
final class QemuPointInTime implements PointInTime {

    private static final Logger LOG = LoggerFactory.getLogger(QemuPointInTime.class);

    /** One disk: what was decided at open and the view given out. */
    record Part(String label, String node, String ledgerKey, ChangedBlockLedger entry, ChangeTrust trust,
            String recordingBitmap, long sizeBytes, io.ferry.api.spi.DiskView view) {
    }

    private final String vm;
    private final QmpClient qmp;
    private final FleecingBackup fleecing;
    private final FleecingView view;
    private final List<Part> parts;
    private final GuestRecord guest;
    private final Path workDir;
    private final Clock clock;
    private final Consumer<Boolean> onReleased;
    private boolean ended; // guarded by this

    QemuPointInTime(String vm, QmpClient qmp, FleecingBackup fleecing, FleecingView view, List<Part> parts,
            GuestRecord guest, Path workDir, Clock clock) {
        this(vm, qmp, fleecing, view, parts, guest, workDir, clock, clean -> { });
    }

    /** @param onReleased called once the views ended and QMP is closed; {@code true} if QEMU was cleaned up */
    QemuPointInTime(String vm, QmpClient qmp, FleecingBackup fleecing, FleecingView view, List<Part> parts,
            GuestRecord guest, Path workDir, Clock clock, Consumer<Boolean> onReleased) {
        this.onReleased = Objects.requireNonNull(onReleased, "onReleased");
        this.vm = Objects.requireNonNull(vm, "vm");
        this.qmp = Objects.requireNonNull(qmp, "qmp");
        this.fleecing = Objects.requireNonNull(fleecing, "fleecing");
        this.view = Objects.requireNonNull(view, "view");
        this.parts = List.copyOf(parts);
        this.guest = Objects.requireNonNull(guest, "guest");
        this.workDir = Objects.requireNonNull(workDir, "workDir");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public GuestRecord guest() {
        return guest;
    }

    @Override
    public List<io.ferry.api.spi.DiskView> disks() {
        return parts.stream().map(Part::view).toList();
    }

    @Override
    public synchronized List<ChangedBlockLedger> commit(Map<String, String> backupIds) {
        requireOpen();
        Set<String> labels = new HashSet<>();
        parts.forEach(p -> labels.add(p.label()));
        for (Map.Entry<String, String> e : backupIds.entrySet()) {
            if (!labels.contains(e.getKey())) {
                throw new ValidationException("backupIds", "VM '" + vm + "' has no disk '" + e.getKey() + "' in this"
                        + " point-in-time view (its disks: " + labels + ")");
            }
            if (e.getValue() == null || e.getValue().isBlank()) {
                throw new ValidationException("backupIds", "disk '" + e.getKey() + "' of VM '" + vm + "' needs the id of"
                        + " its backup");
            }
        }
        Set<String> nodes = new HashSet<>();
        parts.stream().filter(p -> backupIds.containsKey(p.label())).forEach(p -> nodes.add(p.node()));
        return end(nodes, backupIds, "disk was not backed up completely in this session");
    }

    @Override
    public synchronized List<ChangedBlockLedger> abort(String reason) {
        if (ended) {
            return List.of();
        }
        String why = reason == null || reason.isBlank() ? "no reason given" : reason;
        try {
            return end(Set.of(), Map.of(), why);
        } catch (RuntimeException e) {
            // abort never throws: whatever happened, the next backup must read everything
            LOG.warn("Aborting the point-in-time views of VM '{}' failed; its disks' bitmaps are not trusted any more", vm, e);
            Instant now = clock.instant();
            List<ChangedBlockLedger> out = new ArrayList<>();
            for (Part p : parts) {
                out.add(untrusted(p, why + "; ending the view failed: " + e.getMessage(), now));
            }
            return out;
        }
    }

    @Override
    public void close() {
        abort("closed");
    }

    private List<ChangedBlockLedger> end(Set<String> committedNodes, Map<String, String> backupIds, String abortReason) {
        ended = true;
        List<FleecingView.Ending> endings;
        // a job stopped with shutdownNow interrupts this thread: the views are ended all the same
        boolean interrupted = Thread.interrupted();
        try {
            endings = view.end(committedNodes);
        } finally {
            release();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        Instant now = clock.instant();
        List<ChangedBlockLedger> out = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            Part p = parts.get(i);
            FleecingView.Ending ending = endings.get(i);
            if (ending.committed()) {
                long generation = (p.entry() == null ? 0 : p.entry().generation()) + 1;
                out.add(new ChangedBlockLedger(p.ledgerKey(), p.recordingBitmap(), generation, backupIds.get(p.label()),
                        p.sizeBytes(), true, null, now));
            } else if (committedNodes.contains(p.node())) {
                // the repository now holds a backup read from a view that was not point-in-time to the
                // end; the next backup must not build on it
                String backupId = backupIds.get(p.label());
                LOG.error("VM '{}' disk '{}': backup {} may be inconsistent, {}; the next backup of the disk reads it"
                        + " whole", vm, p.label(), backupId, ending.detail());
                out.add(untrusted(p, "the view of backup " + backupId + " stopped being point-in-time while it was read ("
                        + ending.detail() + ")", now));
            } else if (ending.nextBitmap().isPresent() && p.trust().trusted()) {
                // the changes since the last good backup are all in its bitmap again: it stays the base
                ChangedBlockLedger e = p.entry();
                out.add(new ChangedBlockLedger(e.disk(), ending.nextBitmap().get(), e.generation(), e.backupId(),
                        e.sizeBytes(), true, null, now));
            } else {
                out.add(untrusted(p, ending.detail() == null ? abortReason : abortReason + "; " + ending.detail(), now));
            }
        }
        return out;
    }

    private static ChangedBlockLedger untrusted(Part p, String reason, Instant now) {
        ChangedBlockLedger e = p.entry();
        return new ChangedBlockLedger(p.ledgerKey(), null, e == null ? 0 : e.generation(), e == null ? null : e.backupId(),
                p.sizeBytes(), false, ChangeTrust.LAST_BACKUP_FAILED + reason, now);
    }

    /** Stops this VM's NBD server, closes QMP and removes the scratch directory; never throws. */
    private void release() {
        boolean clean = false;
        try {
            fleecing.close();
            clean = true;
        } catch (RuntimeException e) {
            LOG.warn("Could not stop the NBD server of VM '{}' (QMP nbd-server-stop); stop it by hand", vm, e);
        } finally {
            qmp.close();
        }
        removeScratchDirectory(vm, workDir, fleecing.nbdSocket());
        onReleased.accept(clean);
    }

    /** Removes the NBD socket and the VM's scratch directory (which holds nothing else once its views ended). */
    static void removeScratchDirectory(String vm, Path workDir, Path nbdSocket) {
        try {
            Files.deleteIfExists(nbdSocket);
            Files.deleteIfExists(workDir);
        } catch (IOException e) {
            LOG.warn("Could not remove the scratch directory {} of VM '{}': {}", workDir, vm, e.toString());
        }
    }

    private void requireOpen() {
        if (ended) {
            throw new IllegalStateException("the point-in-time views of VM '" + vm + "' were already committed or aborted");
        }
    }
}
