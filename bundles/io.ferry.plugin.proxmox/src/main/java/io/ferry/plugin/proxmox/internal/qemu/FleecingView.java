package io.ferry.plugin.proxmox.internal.qemu;

import io.ferry.api.FerryException;
import io.ferry.api.NotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A point-in-time view of disks of a running VM, started by {@link FleecingBackup#start}.
 * Read each {@link #disks() disk} over NBD, then end the view exactly once:
 * <ul>
 * <li>{@link #commit()} after a good backup: the exports, copy-before-write jobs, scratch
 * nodes and files go; the previous bitmap is removed and the new one, recording since this
 * view's point in time, is the base of the next incremental.</li>
 * <li>{@link #abort()} (also {@link #close()} without a commit) after a failed backup: the same
 * teardown, then, in one QMP transaction, the new bitmap is merged into the previous one, the
 * previous one records again and the new one is removed: the previous bitmap (under its old
 * name) holds every change since the last good backup and the next incremental misses
 * nothing. Re-enabling alone would lose the writes between this view's point in time and the
 * abort, which only the new bitmap saw; the merge keeps them. If the merge fails, both bitmaps
 * are removed and the next backup must be full; a failed full backup removes its new bitmap
 * for the same reason (there is no good backup it could be relative to).</li>
 * <li>{@link #end} does either per disk: commit those backed up completely, abort the others.</li>
 * </ul>
 * {@link #bitmapForNextBackup} tells, per disk, what the caller must store for the next run.
 */
public final class FleecingView implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FleecingView.class);

    private enum State { ACTIVE, COMMITTED, ABORTED }

    /** One disk's moving parts; the flags say what exists in QEMU and must be undone. */
    static final class Disk {
        final String node;
        final long size;
        final String fleeceNode;
        final Path scratch;
        final Optional<String> previousBitmap;
        final String recordingBitmap;
        /** The new bitmap is stored in the image (qcow2); otherwise it lives only as long as the QEMU process. */
        final boolean persistent;
        boolean scratchCreated;
        boolean nodeAdded;
        boolean bitmapsRotated;
        boolean jobRunning;
        boolean exported;
        Optional<String> nextBitmap = Optional.empty();

        Disk(String node, long size, String fleeceNode, Path scratch, Optional<String> previousBitmap,
                String recordingBitmap, boolean persistent) {
            this.node = node;
            this.size = size;
            this.fleeceNode = fleeceNode;
            this.scratch = scratch;
            this.previousBitmap = previousBitmap;
            this.recordingBitmap = recordingBitmap;
            this.persistent = persistent;
        }

        String exportId() {
            return "export-" + fleeceNode; // FleecingBackup.removeLeftovers relies on this form
        }

        String exportName() {
            return fleeceNode;
        }
    }

    private final QmpClient qmp;
    private final Duration timeout;
    private final List<Disk> disks;
    private final String nbdSocketUriPart;
    private final Consumer<FleecingView> onEnd;
    private State state = State.ACTIVE;
    private Duration frozenFor = Duration.ZERO;
    private long frozenFilesystems;
    private Duration transactionTime = Duration.ZERO;

    FleecingView(QmpClient qmp, Duration timeout, List<Disk> disks, Path nbdSocket, Consumer<FleecingView> onEnd) {
        this.qmp = qmp;
        this.timeout = timeout;
        this.disks = List.copyOf(disks);
        this.nbdSocketUriPart = uriEscape(nbdSocket.toString());
        this.onEnd = onEnd;
    }

    List<Disk> parts() {
        return disks;
    }

    synchronized void frozen(Duration frozenFor, long filesystems) {
        this.frozenFor = frozenFor;
        this.frozenFilesystems = filesystems;
    }

    synchronized void transactionTook(Duration time) {
        this.transactionTime = time;
    }

    /** The views, one per requested disk, in request order. */
    public List<DiskView> disks() {
        List<DiskView> out = new ArrayList<>();
        for (Disk d : disks) {
            out.add(new DiskView(d.node, d.size, d.exportName(), "nbd+unix:///" + d.exportName() + "?socket=" + nbdSocketUriPart,
                    d.previousBitmap, d.recordingBitmap));
        }
        return out;
    }

    public DiskView disk(String node) {
        return disks().stream().filter(v -> v.node().equals(node)).findFirst()
                .orElseThrow(() -> new NotFoundException("This point-in-time view has no disk node '" + node + "'"));
    }

    /** True if the guest agent froze at least one guest file system for the view (else crash-consistent). */
    public synchronized boolean guestFrozen() {
        return frozenFilesystems > 0;
    }

    /** How long the guest's file systems were frozen (from the freeze request to the thaw's reply). */
    public synchronized Duration frozenFor() {
        return frozenFor;
    }

    /** How long the QMP transaction (bitmaps + copy-before-write jobs) took. */
    public synchronized Duration transactionTime() {
        return transactionTime;
    }

    /**
     * After {@link #commit()}, {@link #abort()} or {@link #end}: the bitmap the next backup of
     * {@code node} passes as {@link FleecingRequest#previousBitmap()}, relative to the last good
     * backup; empty means the next backup must be full.
     */
    public synchronized Optional<String> bitmapForNextBackup(String node) {
        if (state == State.ACTIVE) {
            throw new IllegalStateException("commit or abort the point-in-time view before asking for the next bitmap");
        }
        return disks.stream().filter(d -> d.node.equals(node)).findFirst()
                .orElseThrow(() -> new NotFoundException("This point-in-time view has no disk node '" + node + "'")).nextBitmap;
    }

    /**
     * How {@link #end} left one disk.
     *
     * @param node       the disk's block node
     * @param committed  true when the disk was committed (its new bitmap records from the view's point in time)
     * @param nextBitmap the bitmap the next backup of the disk reads, relative to the last good
     *                   backup (this one when committed); empty: the next backup must be full
     * @param detail     why the disk was not committed although asked, or why it has no next
     *                   bitmap after an abort (null when there is nothing to say)
     */
    public record Ending(String node, boolean committed, Optional<String> nextBitmap, String detail) {
        public Ending {
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(nextBitmap, "nextBitmap");
        }
    }

    /**
     * Ends the view after a good backup of every disk (see the class description). If a
     * copy-before-write job stopped while the view was read (scratch space full, I/O error),
     * that disk's view was no longer point-in-time: it is aborted instead, the others are
     * committed, and an exception says so.
     */
    public synchronized void commit() {
        requireActive();
        List<RuntimeException> failures = new ArrayList<>();
        List<Ending> endings = end(Set.copyOf(nodes()), failures);
        List<String> notCommitted = endings.stream().filter(e -> !e.committed()).map(Ending::detail).toList();
        if (!notCommitted.isEmpty()) {
            FerryException e = new FerryException("The point-in-time view was not point-in-time to the end: "
                    + String.join("; ", notCommitted) + ". Do not keep what was read of that disk as a backup. Its view was"
                    + " aborted, so the next backup still covers every change.");
            failures.forEach(e::addSuppressed);
            throw e;
        }
        throwFirst(failures);
    }

    /** Ends the view after a failed backup (see the class description); does nothing if it already ended. */
    public synchronized void abort() {
        if (state != State.ACTIVE) {
            return;
        }
        List<RuntimeException> failures = new ArrayList<>();
        end(Set.of(), failures);
        throwFirst(failures);
    }

    /**
     * Ends the view disk by disk: the disks in {@code committedNodes} were backed up completely
     * and are committed (unless their copy-before-write job stopped: then they are aborted), the
     * others are aborted. Never throws for a QEMU failure: what could not be undone is logged and
     * said in the {@link Ending#detail()}; a disk whose changes could not be kept has no next bitmap.
     *
     * @return one ending per disk, in request order
     */
    public synchronized List<Ending> end(Set<String> committedNodes) {
        requireActive();
        List<RuntimeException> failures = new ArrayList<>();
        List<Ending> endings = end(committedNodes, failures);
        for (RuntimeException e : failures) {
            LOG.warn("Ending the point-in-time view of disk(s) {} left something behind", nodes(), e);
        }
        return endings;
    }

    private List<Ending> end(Set<String> committedNodes, List<RuntimeException> failures) {
        Map<String, String> stopped = committedNodes.isEmpty() ? Map.of() : stoppedJobs();
        state = committedNodes.isEmpty() ? State.ABORTED : State.COMMITTED;
        List<Ending> endings = new ArrayList<>();
        for (Disk d : disks) {
            boolean commit = committedNodes.contains(d.node) && !stopped.containsKey(d.node);
            List<RuntimeException> own = new ArrayList<>();
            tearDown(d, !commit, own);
            String detail = committedNodes.contains(d.node) && !commit ? stopped.get(d.node) : null;
            if (commit) {
                commitBitmaps(d, own);
            } else {
                String lost = keepChangesForNextBackup(d, own);
                detail = detail == null ? lost : lost == null ? detail : detail + "; " + lost;
            }
            failures.addAll(own);
            endings.add(new Ending(d.node, commit, d.nextBitmap, detail));
        }
        onEnd.accept(this);
        return endings;
    }

    private void requireActive() {
        if (state != State.ACTIVE) {
            throw new IllegalStateException("the point-in-time view was already " + state.name().toLowerCase());
        }
    }

    /** Aborts unless committed. */
    @Override
    public void close() {
        abort();
    }

    private void commitBitmaps(Disk d, List<RuntimeException> failures) {
        d.nextBitmap = Optional.of(d.recordingBitmap);
        // a previous bitmap that cannot be removed now is stale, not wrong: the next view removes it
        d.previousBitmap.ifPresent(previous -> removeBitmapCollecting(d.node, previous, failures));
    }

    /**
     * After an abort: makes the previous bitmap hold every change since the last good backup
     * again, or removes the bitmaps when that is impossible. Returns why the changes could not be
     * kept (null when they were, or when there is no good backup they could be relative to).
     */
    private String keepChangesForNextBackup(Disk d, List<RuntimeException> failures) {
        if (!d.bitmapsRotated) {
            d.nextBitmap = d.previousBitmap; // the transaction never ran: the previous bitmap still records
            return null;
        }
        if (d.previousBitmap.isEmpty()) {
            d.nextBitmap = Optional.empty();
            removeBitmapCollecting(d.node, d.recordingBitmap, failures);
            return null;
        }
        String previous = d.previousBitmap.get();
        try {
            // one transaction, so that no write falls between the two bitmaps
            qmp.execute("transaction", Map.of("actions", List.of(
                    action("block-dirty-bitmap-merge", Map.of("node", d.node, "target", previous, "bitmaps",
                            List.of(d.recordingBitmap))),
                    action("block-dirty-bitmap-enable", Map.of("node", d.node, "name", previous)),
                    action("block-dirty-bitmap-remove", Map.of("node", d.node, "name", d.recordingBitmap)))), timeout);
            d.nextBitmap = Optional.of(previous);
            return null;
        } catch (RuntimeException e) {
            LOG.warn("Could not merge dirty bitmap '{}' back into '{}' on disk node '{}'; removing both, so the next backup"
                    + " of this disk will be full", d.recordingBitmap, previous, d.node, e);
            d.nextBitmap = Optional.empty();
            removeBitmapCollecting(d.node, previous, failures);
            removeBitmapCollecting(d.node, d.recordingBitmap, failures);
            return "the changes since the last good backup could not be kept (merging bitmap " + d.recordingBitmap
                    + " into " + previous + " failed: " + e.getMessage() + ")";
        }
    }

    private void removeBitmapCollecting(String node, String bitmap, List<RuntimeException> failures) {
        try {
            removeBitmap(node, bitmap);
        } catch (QmpException e) {
            if (!e.description().contains("not found")) {
                failures.add(e);
            }
        } catch (RuntimeException e) {
            failures.add(e);
        }
    }

    private void removeBitmap(String node, String bitmap) {
        qmp.execute("block-dirty-bitmap-remove", Map.of("node", node, "name", bitmap), timeout);
    }

    /** Undoes, in reverse order, whatever of the disk's view exists; stops at the first failure of this disk. */
    private void tearDown(Disk d, boolean hard, List<RuntimeException> failures) {
        try {
            if (d.exported) {
                deleteExport(d, hard);
                d.exported = false;
            }
            if (d.jobRunning) {
                cancelJob(d);
                d.jobRunning = false;
            }
            if (d.nodeAdded) {
                qmp.execute("blockdev-del", Map.of("node-name", d.fleeceNode), timeout);
                d.nodeAdded = false;
            }
            if (d.scratchCreated) {
                Files.deleteIfExists(d.scratch);
                d.scratchCreated = false;
            }
        } catch (IOException e) {
            failures.add(new FerryException("Cannot delete the scratch image " + d.scratch + " of disk node '" + d.node
                    + "': " + e.getMessage() + "; delete it by hand", e));
        } catch (RuntimeException e) {
            failures.add(e);
        }
    }

    private void deleteExport(Disk d, boolean hard) {
        try {
            qmp.execute("block-export-del", Map.of("id", d.exportId(), "mode", hard ? "hard" : "safe"), timeout);
        } catch (QmpException e) {
            if (hard) {
                throw e;
            }
            // a reader that did not disconnect after a good backup: nothing more to read
            LOG.warn("NBD export '{}' of disk node '{}' still had a client at commit ({}); disconnecting it",
                    d.exportName(), d.node, e.description());
            qmp.execute("block-export-del", Map.of("id", d.exportId(), "mode", "hard"), timeout);
        }
        qmp.awaitEvent("BLOCK_EXPORT_DELETED", e -> e.is("BLOCK_EXPORT_DELETED", "id", d.exportId()), timeout);
    }

    private void cancelJob(Disk d) {
        try {
            qmp.execute("block-job-cancel", Map.of("device", d.fleeceNode, "force", true), timeout);
        } catch (QmpException e) {
            if ("DeviceNotActive".equals(e.errorClass())) {
                return; // the job already ended (with an error); nothing to cancel
            }
            throw e;
        }
        // a sync=none backup job never completes by itself; it ends when cancelled
        qmp.awaitEvent("BLOCK_JOB_CANCELLED", e -> e.is("BLOCK_JOB_CANCELLED", "device", d.fleeceNode), timeout);
    }

    /**
     * The disks whose fleecing job is no longer running, with why: their view stopped being
     * point-in-time while it was read. If QEMU cannot tell, no disk can be committed.
     */
    private Map<String, String> stoppedJobs() {
        Map<String, String> status = new HashMap<>();
        Map<String, String> stopped = new LinkedHashMap<>();
        try {
            for (Object o : Json.array(qmp.execute("query-block-jobs", Map.of(), timeout), "reply to query-block-jobs")) {
                Map<String, Object> job = Json.object(o, "block job");
                status.put(Json.text(job, "device"), Json.optionalText(job, "status").orElse("running"));
            }
        } catch (RuntimeException e) {
            for (Disk d : disks) {
                stopped.put(d.node, "disk node '" + d.node + "': cannot check that its copy-before-write job "
                        + d.fleeceNode + " ran to the end (" + e.getMessage() + ")");
            }
            return stopped;
        }
        for (Disk d : disks) {
            String s = status.get(d.fleeceNode);
            if (!"running".equals(s)) {
                stopped.put(d.node, "disk node '" + d.node + "': its copy-before-write job " + d.fleeceNode + " stopped ("
                        + (s == null ? "gone" : s) + ") while the view was read (scratch space full or an I/O error;"
                        + " see QEMU's BLOCK_JOB_COMPLETED event)");
            }
        }
        return stopped;
    }

    private List<String> nodes() {
        return disks.stream().map(d -> d.node).toList();
    }

    static Map<String, Object> action(String type, Map<String, Object> data) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("type", type);
        a.put("data", data);
        return a;
    }

    private static void throwFirst(List<RuntimeException> failures) {
        if (failures.isEmpty()) {
            return;
        }
        RuntimeException first = failures.get(0);
        for (RuntimeException other : failures.subList(1, failures.size())) {
            first.addSuppressed(other);
        }
        throw first;
    }

    /** Percent-encodes what a URI query value cannot hold literally. */
    private static String uriEscape(String s) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "/-._~".indexOf(c) >= 0) {
                out.append((char) c);
            } else {
                out.append('%').append(String.format("%02X", c));
            }
        }
        return out.toString();
    }
}
