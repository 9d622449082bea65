package io.ferry.plugin.proxmox.internal.qemu;

import io.ferry.api.FerryException;
import io.ferry.api.NotFoundException;
import io.ferry.api.ValidationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Point-in-time views ("fleecing") of the disks of one running QEMU VM, for backup, with
 * persistent dirty bitmaps so that the next backup reads only what changed.
 *
 * <p>{@link #start} does, for all requested disks at once: create a scratch qcow2 per disk
 * ({@code qemu-img create}, no backing file in its header) and {@code blockdev-add} it with the
 * running disk node as backing; freeze the guest's file systems through the agent (none
 * given: crash-consistent); one QMP {@code transaction} of {@code block-dirty-bitmap-disable}
 * of the previous bitmap (incremental only), {@code block-dirty-bitmap-add} of a new bitmap
 * (persistent on qcow2; other formats cannot store bitmaps, see {@link #storesBitmaps}) and {@code blockdev-backup sync=none} into the scratch node (copy-before-write: the
 * scratch node keeps the old content of every block the guest overwrites from now on); thaw
 * at once; start this VM's NBD server on a unix socket (once) and export each scratch node
 * read-only, with the previous bitmap for an incremental. QEMU 7.2 exports only disabled
 * bitmaps read-only, hence the disable-and-add rotation inside the transaction: the disabled
 * bitmap holds the changes from the last backup up to this point in time, the new one records
 * from it on. {@link FleecingView} ends the view.
 *
 * <p>Persistent bitmaps reach the qcow2 file only when QEMU closes it cleanly; after a crash
 * or {@code kill -9} they come back {@linkplain BitmapState#INCONSISTENT inconsistent}. Check
 * {@link #bitmapState} before an incremental: anything that
 * {@linkplain BitmapState#fullBackupRequired() requires a full backup} must be answered with one.
 *
 * <p>QEMU must be on this host: it opens the scratch images in {@code workDir}, which needs
 * room for every block the guest overwrites while a view is open.
 */
public final class FleecingBackup implements AutoCloseable {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FleecingBackup.class);

    /** sun_path holds 108 bytes including the terminating NUL. */
    private static final int MAX_SOCKET_PATH = 107;
    private static final HexFormat HEX = HexFormat.of();
    /** Names of the scratch nodes, their jobs (job id = node name) and, with "export-" before it, their exports. */
    static final String FLEECE_PREFIX = "fleece-";

    private final QmpClient qmp;
    private final Optional<GuestAgentClient> agent;
    private final Path workDir;
    private final Path nbdSocket;
    private final Duration timeout;

    /** Runs while the guest is frozen, after the transaction; a seam for the tests of the thaw path. */
    private volatile Runnable whileFrozen = () -> { };

    // guarded by this
    private boolean nbdServerStarted;
    private final Set<FleecingView> activeViews = new HashSet<>();
    private final Set<String> nodesInUse = new HashSet<>();

    /**
     * @param qmp     the VM's QMP client
     * @param agent   its guest agent, to freeze the file systems; empty for crash-consistent views
     * @param workDir scratch images and the NBD socket go here
     * @param timeout for each QMP / agent command and each awaited QEMU event
     */
    public FleecingBackup(QmpClient qmp, Optional<GuestAgentClient> agent, Path workDir, Duration timeout) {
        this.qmp = Objects.requireNonNull(qmp, "qmp");
        this.agent = Objects.requireNonNull(agent, "agent");
        this.workDir = Objects.requireNonNull(workDir, "workDir").toAbsolutePath();
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.nbdSocket = this.workDir.resolve("nbd.sock");
        if (nbdSocket.toString().getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH) {
            throw new ValidationException("workDir", "'" + workDir + "' is too long for the NBD unix socket path " + nbdSocket
                    + " (at most " + MAX_SOCKET_PATH + " bytes): choose a shorter directory");
        }
    }

    /** The unix socket of this VM's NBD server (started by the first view). */
    public Path nbdSocket() {
        return nbdSocket;
    }

    /** One disk, full ({@code previousBitmap} empty) or incremental. */
    public FleecingView start(String node, Optional<String> previousBitmap) {
        return start(List.of(new FleecingRequest(node, previousBitmap)));
    }

    /**
     * Takes a point-in-time view of the given disks with one freeze and one transaction, so the
     * disks are consistent with each other (see the class description).
     *
     * @throws NotFoundException   a node does not exist in the VM
     * @throws ValidationException a previous bitmap cannot serve as an incremental base
     *                             (check {@link #bitmapState} first), a disk already has an open view,
     *                             or the new bitmap's name is taken
     * @throws GuestFreezeException the agent could not freeze the guest; whatever was set up is
     *                             undone and a view without an agent may be tried
     * @throws QmpException        QEMU refused a step; whatever was set up is undone
     */
    public synchronized FleecingView start(List<FleecingRequest> requests) {
        if (requests.isEmpty()) {
            throw new ValidationException("disks", "name at least one disk node for the point-in-time view");
        }
        Map<String, Map<String, Object>> nodes = namedNodes();
        String token = HEX.toHexDigits(ThreadLocalRandom.current().nextInt());
        List<FleecingView.Disk> disks = new ArrayList<>();
        Set<String> requested = new HashSet<>();
        for (FleecingRequest r : requests) {
            if (nodesInUse.contains(r.node()) || !requested.add(r.node())) {
                throw new ValidationException("disks", "disk node '" + r.node() + "' already has an open point-in-time"
                        + " view: commit or abort it first");
            }
            Map<String, Object> node = node(nodes, r.node());
            r.previousBitmap().ifPresent(previous -> requireUsable(bitmapsOf(node, r.node()), r.node(), previous));
            String fleeceNode = FLEECE_PREFIX + token + "-" + disks.size();
            long size = Json.number(Json.object(node.get("image"), "image of node " + r.node()), "virtual-size");
            String recording = r.recordingBitmap().orElse("ferry-" + token);
            requireNewName(bitmapsOf(node, r.node()), r.node(), recording);
            disks.add(new FleecingView.Disk(r.node(), size, fleeceNode, workDir.resolve(fleeceNode + ".qcow2"),
                    r.previousBitmap(), recording, storesBitmaps(node)));
        }
        FleecingView view = new FleecingView(qmp, timeout, disks, nbdSocket, this::ended);
        try {
            setUp(view);
        } catch (RuntimeException e) {
            // undone even when the thread was interrupted (that may be why setting up failed)
            Interrupts.ignoring(() -> {
                try {
                    view.abort();
                } catch (RuntimeException cleanup) {
                    e.addSuppressed(cleanup);
                }
            });
            throw e;
        }
        activeViews.add(view);
        requested.forEach(nodesInUse::add);
        return view;
    }

    private void setUp(FleecingView view) {
        for (FleecingView.Disk d : view.parts()) {
            createScratchImage(d.scratch, d.size);
            d.scratchCreated = true;
            Map<String, Object> add = new LinkedHashMap<>();
            add.put("driver", "qcow2");
            add.put("node-name", d.fleeceNode);
            add.put("file", Map.of("driver", "file", "filename", d.scratch.toString()));
            add.put("backing", d.node);
            qmp.execute("blockdev-add", add, timeout);
            d.nodeAdded = true;
        }
        List<Object> actions = new ArrayList<>();
        for (FleecingView.Disk d : view.parts()) {
            d.previousBitmap.ifPresent(previous -> actions.add(FleecingView.action("block-dirty-bitmap-disable",
                    Map.of("node", d.node, "name", previous))));
            actions.add(FleecingView.action("block-dirty-bitmap-add",
                    Map.of("node", d.node, "name", d.recordingBitmap, "persistent", d.persistent)));
            actions.add(FleecingView.action("blockdev-backup",
                    Map.of("device", d.node, "target", d.fleeceNode, "sync", "none", "job-id", d.fleeceNode)));
        }
        if (agent.isPresent()) {
            GuestAgentClient.Frozen frozen = freezeGuest(agent.get());
            try (frozen) {
                runTransaction(view, actions);
                whileFrozen.run();
            }
            view.frozen(frozen.frozenFor(), frozen.filesystems());
        } else {
            runTransaction(view, actions);
        }
        startNbdServer();
        for (FleecingView.Disk d : view.parts()) {
            Map<String, Object> export = new LinkedHashMap<>();
            export.put("type", "nbd");
            export.put("id", d.exportId());
            export.put("node-name", d.fleeceNode);
            export.put("name", d.exportName());
            export.put("writable", false);
            d.previousBitmap.ifPresent(previous -> export.put("bitmaps", List.of(previous)));
            qmp.execute("block-export-add", export, timeout);
            d.exported = true;
        }
    }

    private GuestAgentClient.Frozen freezeGuest(GuestAgentClient guest) {
        try {
            return guest.freeze(timeout);
        } catch (GuestStillFrozenException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new GuestFreezeException("The guest agent (" + guest.socket() + ") could not freeze the guest's file"
                    + " systems: " + e.getMessage(), e);
        }
    }

    /** Kept minimal: the guest is frozen while this runs. */
    private void runTransaction(FleecingView view, List<Object> actions) {
        long start = System.nanoTime();
        qmp.execute("transaction", Map.of("actions", actions), timeout);
        view.transactionTook(Duration.ofNanos(System.nanoTime() - start));
        for (FleecingView.Disk d : view.parts()) {
            d.bitmapsRotated = true;
            d.jobRunning = true;
        }
    }

    private void startNbdServer() {
        if (nbdServerStarted) {
            return;
        }
        // QEMU 7.2 takes a SocketAddressLegacy here: {"type":"unix","data":{"path":...}}
        Map<String, Object> start = Map.of("addr", Map.of("type", "unix", "data", Map.of("path",
                nbdSocket.toString())));
        try {
            qmp.execute("nbd-server-start", start, timeout);
        } catch (QmpException e) {
            if (!e.description().contains("already running")) {
                throw e;
            }
            // only Ferry starts this VM's NBD server, one backup of a VM at a time: a running one was
            // left by a Ferry that stopped without ending its backup (kill -9, power loss)
            LOG.warn("QEMU's NBD server of this VM was still running, left by a Ferry process that ended without"
                    + " stopping it (killed?): stopping it and starting this backup's");
            qmp.execute("nbd-server-stop", Map.of(), timeout);
            qmp.execute("nbd-server-start", start, timeout);
        }
        nbdServerStarted = true;
    }

    private void createScratchImage(Path file, long size) {
        List<String> command = List.of("qemu-img", "create", "-q", "-f", "qcow2", file.toString(), Long.toString(size));
        try {
            Files.createDirectories(workDir);
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new FerryException("qemu-img did not create the scratch image " + file + " within " + timeout);
            }
            // qemu-img create -q prints only an error line, far below a pipe's buffer
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (p.exitValue() != 0) {
                throw new FerryException("qemu-img could not create the scratch image " + file + ": " + output
                        + " (is " + workDir + " writable, with room?)");
            }
        } catch (IOException e) {
            throw new FerryException("Cannot run '" + String.join(" ", command) + "': " + e.getMessage()
                    + " (install qemu-utils)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FerryException("Interrupted while creating the scratch image " + file, e);
        }
    }

    /**
     * Removes what an earlier process left in QEMU when it died with a view open (a Ferry
     * restart during a backup): NBD exports, copy-before-write jobs and scratch nodes named
     * {@code fleece-*} (none of this object's open views), their scratch images in the work
     * directory, and, when any was found, the NBD server they used. Without this, the stale
     * export would keep the bitmaps busy and the job would keep filling the scratch space.
     *
     * @return what was removed, for the log (empty when nothing was left)
     */
    public synchronized List<String> removeLeftovers() {
        Set<String> ours = new HashSet<>();
        activeViews.forEach(v -> v.parts().forEach(d -> ours.add(d.fleeceNode)));
        List<String> removed = new ArrayList<>();
        for (Object o : Json.array(qmp.execute("query-block-exports", Map.of(), timeout), "reply to query-block-exports")) {
            Map<String, Object> export = Json.object(o, "block export");
            String id = Json.text(export, "id");
            String node = Json.optionalText(export, "node-name").orElse("");
            if (id.startsWith("export-" + FLEECE_PREFIX) && !ours.contains(node)) {
                qmp.execute("block-export-del", Map.of("id", id, "mode", "hard"), timeout);
                qmp.awaitEvent("BLOCK_EXPORT_DELETED", e -> e.is("BLOCK_EXPORT_DELETED", "id", id), timeout);
                removed.add("NBD export " + id);
            }
        }
        for (Object o : Json.array(qmp.execute("query-block-jobs", Map.of(), timeout), "reply to query-block-jobs")) {
            String job = Json.text(Json.object(o, "block job"), "device");
            if (job.startsWith(FLEECE_PREFIX) && !ours.contains(job)) {
                qmp.execute("block-job-cancel", Map.of("device", job, "force", true), timeout);
                qmp.awaitEvent("BLOCK_JOB_CANCELLED", e -> e.is("BLOCK_JOB_CANCELLED", "device", job), timeout);
                removed.add("copy-before-write job " + job);
            }
        }
        for (String node : namedNodes().keySet()) {
            if (node.startsWith(FLEECE_PREFIX) && !ours.contains(node)) {
                qmp.execute("blockdev-del", Map.of("node-name", node), timeout);
                removed.add("scratch node " + node);
            }
        }
        removed.addAll(removeScratchImages(ours));
        if (!removed.isEmpty() && !nbdServerStarted) {
            try {
                qmp.execute("nbd-server-stop", Map.of(), timeout);
                removed.add("NBD server");
            } catch (QmpException notRunning) {
                // the earlier process had not started it yet, or had stopped it
            }
        }
        return removed;
    }

    private List<String> removeScratchImages(Set<String> ours) {
        List<String> removed = new ArrayList<>();
        if (!Files.isDirectory(workDir)) {
            return removed;
        }
        try (var files = Files.list(workDir)) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                if (name.startsWith(FLEECE_PREFIX) && name.endsWith(".qcow2")
                        && !ours.contains(name.substring(0, name.length() - ".qcow2".length()))) {
                    Files.deleteIfExists(f);
                    removed.add("scratch image " + f);
                }
            }
        } catch (IOException e) {
            throw new FerryException("Cannot remove the scratch images an interrupted backup left in " + workDir + ": "
                    + e.getMessage() + "; delete fleece-*.qcow2 there by hand", e);
        }
        return removed;
    }

    void whileFrozen(Runnable hook) {
        whileFrozen = Objects.requireNonNull(hook, "hook");
    }

    /**
     * The block node of a disk, named as a node name ({@code -blockdev node-name=...}), a drive
     * id ({@code -drive id=drive-scsi0,if=none}, as Proxmox VE starts its VMs: the node itself then has
     * an auto-generated name such as {@code #block123}), or the id or QOM path of the device
     * the drive is attached to ({@code scsi0}, {@code /machine/peripheral/scsi0}). A node name wins
     * over a drive id, a drive id over a device id.
     *
     * @throws NotFoundException nothing in the VM has that name; the message lists what there is
     */
    public String resolveNode(String name) {
        Map<String, Map<String, Object>> nodes = namedNodes();
        if (nodes.containsKey(name)) {
            return name;
        }
        List<Map<String, Object>> devices = new ArrayList<>();
        for (Object o : Json.array(qmp.execute("query-block", Map.of(), timeout), "reply to query-block")) {
            devices.add(Json.object(o, "block device"));
        }
        String byDevice = null;
        List<String> known = new ArrayList<>();
        for (Map<String, Object> d : devices) {
            String drive = Json.optionalText(d, "device").orElse("");
            String qdev = Json.optionalText(d, "qdev").orElse("");
            Object inserted = d.get("inserted");
            Optional<String> node = inserted == null ? Optional.empty()
                    : Json.optionalText(Json.object(inserted, "inserted medium of " + drive), "node-name");
            if (!drive.isEmpty()) {
                known.add("drive " + drive);
            }
            if (!qdev.isEmpty()) {
                known.add("device " + deviceId(qdev));
            }
            if (node.isEmpty()) {
                continue; // an empty CD-ROM drive
            }
            if (!drive.isEmpty() && drive.equals(name)) {
                return node.get();
            }
            if (byDevice == null && !qdev.isEmpty() && (qdev.equals(name) || deviceId(qdev).equals(deviceId(name)))) {
                byDevice = node.get();
            }
        }
        if (byDevice != null) {
            return byDevice;
        }
        throw new NotFoundException("No block node, drive or device named '" + name + "' in the VM (node names "
                + nodes.keySet().stream().filter(n -> !n.startsWith("#")).toList() + ", " + known + "); name the disk by"
                + " its node name, its drive id (Proxmox VE: drive-scsi0) or its device id (scsi0)");
    }

    /** {@code /machine/peripheral/scsi0/virtio-backend} -> {@code scsi0}; a plain id stays as it is. */
    private static String deviceId(String qdev) {
        String prefix = "/machine/peripheral/";
        if (!qdev.startsWith(prefix)) {
            return qdev;
        }
        String rest = qdev.substring(prefix.length());
        int slash = rest.indexOf('/');
        return slash < 0 ? rest : rest.substring(0, slash);
    }

    /**
     * After a Ferry that died with views open: gives each disk's changes back to its previous
     * bitmap as an abort would (merge the recording bitmap into the previous one, enable it,
     * remove the recording one), or removes the recording bitmap of a first backup. Disks whose
     * transaction never ran (no recording bitmap) are left alone, and so is a recording bitmap
     * whose previous one is gone (a commit had begun; the next view decides from the ledger).
     *
     * @return what was done, for the log
     */
    List<String> restoreBitmaps(List<FreezeJournal.Disk> disks) {
        List<String> done = new ArrayList<>();
        Map<String, Map<String, Object>> nodes = namedNodes();
        for (FreezeJournal.Disk d : disks) {
            Map<String, Object> node = nodes.get(d.node());
            if (node == null) {
                continue;
            }
            List<DirtyBitmap> bitmaps = bitmapsOf(node, d.node());
            Optional<DirtyBitmap> recording = bitmaps.stream().filter(b -> b.name().equals(d.recording())).findFirst();
            if (recording.isEmpty()) {
                continue;
            }
            if (d.previous().isEmpty()) {
                removeBitmap(d.node(), d.recording());
                done.add("bitmap " + d.recording() + " of node " + d.node());
                continue;
            }
            String previous = d.previous().get();
            Optional<DirtyBitmap> base = bitmaps.stream().filter(b -> b.name().equals(previous)).findFirst();
            if (base.isEmpty() || base.get().recording()) {
                continue;
            }
            qmp.execute("transaction", Map.of("actions", List.of(
                    FleecingView.action("block-dirty-bitmap-merge", Map.of("node", d.node(), "target", previous, "bitmaps",
                            List.of(d.recording()))),
                    FleecingView.action("block-dirty-bitmap-enable", Map.of("node", d.node(), "name", previous)),
                    FleecingView.action("block-dirty-bitmap-remove", Map.of("node", d.node(), "name", d.recording())))),
                    timeout);
            done.add("bitmap " + d.recording() + " of node " + d.node() + " (merged back into " + previous + ")");
        }
        return done;
    }

    /** The named dirty bitmaps of a block node. */
    public List<DirtyBitmap> bitmaps(String node) {
        return bitmapsOf(node(namedNodes(), node), node);
    }

    private static List<DirtyBitmap> bitmapsOf(Map<String, Object> info, String node) {
        List<DirtyBitmap> out = new ArrayList<>();
        Object list = info.get("dirty-bitmaps");
        if (list == null) {
            return out;
        }
        for (Object o : Json.array(list, "dirty-bitmaps of node " + node)) {
            Map<String, Object> b = Json.object(o, "dirty bitmap of node " + node);
            if (Json.optionalText(b, "name").isEmpty()) {
                continue; // anonymous: the internal bitmap of a running block job (e.g. a fleecing copy-before-write job)
            }
            out.add(new DirtyBitmap(Json.text(b, "name"), Json.number(b, "count"), Json.number(b, "granularity"),
                    Json.bool(b, "recording", false), Json.bool(b, "persistent", false), Json.bool(b, "busy", false),
                    Json.bool(b, "inconsistent", false)));
        }
        return out;
    }

    /** Whether {@code bitmap} of {@code node} can be the base of an incremental backup. */
    public BitmapState bitmapState(String node, String bitmap) {
        return stateOf(bitmaps(node), bitmap);
    }

    private static BitmapState stateOf(List<DirtyBitmap> bitmaps, String bitmap) {
        return bitmaps.stream().filter(b -> b.name().equals(bitmap)).findFirst().map(BitmapState::of)
                .orElse(BitmapState.MISSING);
    }

    /** Removes a bitmap, e.g. an inconsistent one before a full backup. */
    public void removeBitmap(String node, String bitmap) {
        qmp.execute("block-dirty-bitmap-remove", Map.of("node", node, "name", bitmap), timeout);
    }

    private static void requireNewName(List<DirtyBitmap> bitmaps, String nodeName, String recording) {
        if (bitmaps.stream().anyMatch(b -> b.name().equals(recording))) {
            throw new ValidationException("recordingBitmap", "disk node '" + nodeName + "' already has a dirty bitmap '"
                    + recording + "': remove it (block-dirty-bitmap-remove) or choose another name");
        }
    }

    /** The image format of a block node ({@code qcow2}, {@code raw}, {@code vmdk}, ...). */
    public String format(String node) {
        return Json.text(node(namedNodes(), node), "drv");
    }

    /**
     * Only qcow2 stores dirty bitmaps in the image; on other formats (raw, vmdk, vhdx) QEMU
     * keeps them in memory, and they are gone when the VM restarts (as Proxmox VE's own).
     */
    public static boolean storesBitmaps(String format) {
        return "qcow2".equals(format);
    }

    private static boolean storesBitmaps(Map<String, Object> node) {
        return storesBitmaps(Json.optionalText(node, "drv").orElse(""));
    }

    /** The virtual size of a block node's image in bytes. */
    public long sizeOf(String node) {
        return Json.number(Json.object(node(namedNodes(), node).get("image"), "image of node " + node), "virtual-size");
    }

    private static void requireUsable(List<DirtyBitmap> bitmaps, String nodeName, String previous) {
        BitmapState state = stateOf(bitmaps, previous);
        if (state == BitmapState.USABLE) {
            return;
        }
        throw new ValidationException("previousBitmap", "dirty bitmap '" + previous + "' of disk node '" + nodeName + "' is "
                + state + ": " + (state.fullBackupRequired() ? "run a full backup of this disk instead"
                        : "another backup of this disk is running; try again when it ended"));
    }

    private Map<String, Map<String, Object>> namedNodes() {
        Map<String, Map<String, Object>> nodes = new LinkedHashMap<>();
        for (Object o : Json.array(qmp.execute("query-named-block-nodes", Map.of("flat", true), timeout),
                "reply to query-named-block-nodes")) {
            Map<String, Object> n = Json.object(o, "block node");
            Json.optionalText(n, "node-name").ifPresent(name -> nodes.put(name, n));
        }
        return nodes;
    }

    private Map<String, Object> node(Map<String, Map<String, Object>> nodes, String name) {
        Map<String, Object> node = nodes.get(name);
        if (node == null) {
            throw new NotFoundException("No block node named '" + name + "' in the VM (QEMU has " + nodes.keySet()
                    + "); pass the node of the disk's image, as in query-named-block-nodes");
        }
        return node;
    }

    private synchronized void ended(FleecingView view) {
        if (activeViews.remove(view)) {
            view.parts().forEach(d -> nodesInUse.remove(d.node));
        }
    }

    /** Aborts views still open and stops the NBD server this object started. */
    @Override
    public void close() {
        List<FleecingView> open;
        synchronized (this) {
            open = List.copyOf(activeViews);
        }
        RuntimeException failure = null;
        for (FleecingView view : open) { // outside this object's lock: a view calls back into it when it ends
            try {
                view.abort();
            } catch (RuntimeException e) {
                failure = add(failure, e);
            }
        }
        synchronized (this) {
            if (nbdServerStarted && qmp.isOpen()) {
                try {
                    qmp.execute("nbd-server-stop", Map.of(), timeout);
                    nbdServerStarted = false;
                } catch (RuntimeException e) {
                    failure = add(failure, e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static RuntimeException add(RuntimeException first, RuntimeException next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }
}
