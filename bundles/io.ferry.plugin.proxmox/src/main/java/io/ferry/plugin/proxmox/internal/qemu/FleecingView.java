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
import java.util.Optional;
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
 * teardown, then the previous bitmap is merged into the new one and removed, so the new one
 * holds every change since the last good backup and the next incremental misses nothing. If
 * the merge fails, both bitmaps are removed and the next backup must be full; a failed full
 * backup removes its new bitmap for the same reason (there is no good backup it could be
 * relative to). Merging was chosen over re-enabling the previous bitmap because re-enabling
 * would lose the writes between this view's point in time and the abort, which only the new
 * bitmap saw.</li>
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
        boolean scratchCreated;
        boolean nodeAdded;
        boolean bitmapsRotated;
        boolean jobRunning;
        boolean exported;
        Optional<String> nextBitmap = Optional.empty();

        Disk(String node, long size, String fleeceNode, Path scratch, Optional<String> previousBitmap,
                String recordingBitmap) {
            this.node = node;
            this.size = size;
            this.fleeceNode = fleeceNode;
            this.scratch = scratch;
            this.previousBitmap = previousBitmap;
            this.recordingBitmap = recordingBitmap;
        }

        String exportId() {
            return "export-" + fleeceNode;
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
     * After {@link #commit()} or {@link #abort()}: the bitmap the next backup of {@code node}
     * passes as {@link FleecingRequest#previousBitmap()}, relative to the last good backup;
     * empty means the next backup must be full.
     */
    public synchronized Optional<String> bitmapForNextBackup(String node) {
        if (state == State.ACTIVE) {
            throw new IllegalStateException("commit or abort the point-in-time view before asking for the next bitmap");
        }
        return disks.stream().filter(d -> d.node.equals(node)).findFirst()
                .orElseThrow(() -> new NotFoundException("This point-in-time view has no disk node '" + node + "'")).nextBitmap;
    }

    /**
     * Ends the view after a good backup (see the class description). If a copy-before-write job
     * stopped while the view was read (scratch space full, I/O error), the view was no longer
     * point-in-time: it is aborted instead and an exception says so.
     */
    public synchronized void commit() {
        if (state != State.ACTIVE) {
            throw new IllegalStateException("the point-in-time view was already " + state.name().toLowerCase());
        }
        List<String> stopped = stoppedJobs();
        if (!stopped.isEmpty()) {
            abort();
            throw new FerryException("The point-in-time view of disk(s) " + nodes() + " was not point-in-time to the end:"
                    + " its copy-before-write job(s) " + stopped + " stopped while it was read (scratch space full or an I/O"
                    + " error; see QEMU's BLOCK_JOB_COMPLETED event). Do not keep what was read as a backup. The view was"
                    + " aborted, so the next backup still covers every change.");
        }
        state = State.COMMITTED;
        List<RuntimeException> failures = new ArrayList<>();
        for (Disk d : disks) {
            tearDown(d, false, failures);
        }
        for (Disk d : disks) {
            d.nextBitmap = Optional.of(d.recordingBitmap);
            d.previousBitmap.ifPresent(previous -> {
                try {
                    removeBitmap(d.node, previous);
                } catch (RuntimeException e) {
                    failures.add(e);
                }
            });
        }
        onEnd.accept(this);
        throwFirst(failures);
    }

    /** Ends the view after a failed backup (see the class description); does nothing if it already ended. */
    public synchronized void abort() {
        if (state != State.ACTIVE) {
            return;
        }
        state = State.ABORTED;
        List<RuntimeException> failures = new ArrayList<>();
        for (Disk d : disks) {
            tearDown(d, true, failures);
        }
        for (Disk d : disks) {
            keepChangesForNextBackup(d, failures);
        }
        onEnd.accept(this);
        throwFirst(failures);
    }

    /** Aborts unless committed. */
    @Override
    public void close() {
        abort();
    }

    private void keepChangesForNextBackup(Disk d, List<RuntimeException> failures) {
        if (!d.bitmapsRotated) {
            d.nextBitmap = d.previousBitmap; // the transaction never ran: the previous bitmap still records
            return;
        }
        if (d.previousBitmap.isEmpty()) {
            d.nextBitmap = Optional.empty();
            removeBitmapCollecting(d.node, d.recordingBitmap, failures);
            return;
        }
        String previous = d.previousBitmap.get();
        try {
            qmp.execute("transaction", Map.of("actions", List.of(
                    action("block-dirty-bitmap-merge", Map.of("node", d.node, "target", d.recordingBitmap, "bitmaps",
                            List.of(previous))),
                    action("block-dirty-bitmap-remove", Map.of("node", d.node, "name", previous)))), timeout);
            d.nextBitmap = Optional.of(d.recordingBitmap);
        } catch (RuntimeException e) {
            LOG.warn("Could not merge dirty bitmap '{}' into '{}' on disk node '{}'; removing both, so the next backup of"
                    + " this disk will be full", previous, d.recordingBitmap, d.node, e);
            d.nextBitmap = Optional.empty();
            removeBitmapCollecting(d.node, previous, failures);
            removeBitmapCollecting(d.node, d.recordingBitmap, failures);
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

    /** The fleecing jobs that are no longer running. */
    private List<String> stoppedJobs() {
        Map<String, String> status = new HashMap<>();
        for (Object o : Json.array(qmp.execute("query-block-jobs", Map.of(), timeout), "reply to query-block-jobs")) {
            Map<String, Object> job = Json.object(o, "block job");
            status.put(Json.text(job, "device"), Json.optionalText(job, "status").orElse("running"));
        }
        List<String> stopped = new ArrayList<>();
        for (Disk d : disks) {
            String s = status.get(d.fleeceNode);
            if (!"running".equals(s)) {
                stopped.add(d.fleeceNode + " (" + (s == null ? "gone" : s) + ")");
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
