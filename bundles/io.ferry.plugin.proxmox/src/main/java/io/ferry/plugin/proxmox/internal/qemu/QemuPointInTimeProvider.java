package io.ferry.plugin.proxmox.internal.qemu;

import io.ferry.api.FerryException;
import io.ferry.api.agent.GuestChannels;
import io.ferry.api.ValidationException;
import io.ferry.api.paths.ScratchDirectories;
import io.ferry.api.inventory.VirtualMachine;
import io.ferry.api.session.ChangedBlockLedger;
import io.ferry.api.session.GuestRecord;
import io.ferry.api.session.TaskStatus;
import io.ferry.api.spi.PointInTime;
import io.ferry.api.spi.PointInTimeProvider;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Point-in-time views of running QEMU / Proxmox VE VMs whose disks are located at
 * {@code qemu+unix:///PATH/qmp.sock?node=NODE[&agent=/PATH/qga.sock]} (issue 6).
 *
 * <p>{@link #open}: connects to the VM's QMP socket; decides per disk whether its dirty bitmap
 * can be trusted ({@link ChangeTrust}: ledger entry trusted, bitmap present, persistent (on
 * qcow2), recording, consistent, disk size unchanged) and, when it cannot, removes Ferry's stale
 * bitmaps of the disk so that a fresh full chain starts; when guest processing is asked and the
 * disks name an agent socket, pings the agent (short timeout) and freezes the guest's file
 * systems only around the QMP transaction that creates the views ({@link FleecingBackup}); an
 * agent that does not answer or cannot freeze gives crash-consistent views and a WARNING guest
 * record. The new bitmap of each disk is {@code ferry-<generation+1>}, where the generation
 * counts the disk's good backups. See {@link QemuPointInTime} for commit and abort.
 *
 * <p>The guest agent is reached from the guest interaction proxy the plan chose (seed 001:
 * 001_7a67f23d89d19bc8.txt): when that server has a Ferry agent ({@link GuestChannels}), its
 * agent connects to the guest agent's socket and relays; when it cannot (agent not connected,
 * socket refused, guest agent silent), {@code open} fails so that the backup server takes over
 * as the seed says. A proxy without an agent is this machine (the backup server, or a proxy of
 * a single-machine install): the socket is connected here.
 *
 * <p>QMP and the agent serve one client at a time: the VM's QMP socket is held from
 * {@code open} until commit or abort, the agent's only during {@code open}.
 */
@Component(service = PointInTimeProvider.class, configurationPid = "io.ferry.plugin.proxmox.qemu")
@Designate(ocd = QemuPointInTimeConfig.class)
public final class QemuPointInTimeProvider implements PointInTimeProvider {

    private static final Logger LOG = LoggerFactory.getLogger(QemuPointInTimeProvider.class);
    static final String CHANNEL = "qemu-guest-agent";

    private final Path scratchRoot;
    private final Duration qmpTimeout;
    private final Duration pingTimeout;
    private final Clock clock;
    private final FreezeJournal journal;
    /** One recovery at a time, and no view of a VM opened while its journal entry is recovered. */
    private final Object recoveryLock = new Object();
    /** A seam for the tests of the thaw path: runs while the guest is frozen. */
    private volatile Runnable whileFrozen = () -> { };
    private ExecutorService recoveryExecutor; // guarded by this
    /** The agents' guest channels, when the agent endpoint runs (a manager). */
    private volatile GuestChannels guestChannels;

    /**
     * Also starts, on a thread of its own, the {@linkplain #recover() recovery} of what a Ferry
     * that died left behind: frozen guests are thawed within seconds of the start.
     */
    @Activate
    public QemuPointInTimeProvider(QemuPointInTimeConfig config) {
        this(scratchRoot(config.scratch_dir()), Duration.ofSeconds(config.qmp_timeout_seconds()),
                Duration.ofMillis(config.agent_ping_timeout_millis()), Clock.systemUTC());
        startRecovery();
    }

    QemuPointInTimeProvider(Path scratchRoot, Duration qmpTimeout, Duration pingTimeout, Clock clock) {
        this.scratchRoot = Objects.requireNonNull(scratchRoot, "scratchRoot").toAbsolutePath();
        this.qmpTimeout = positive("qmp.timeout.seconds", qmpTimeout);
        this.pingTimeout = positive("agent.ping.timeout.millis", pingTimeout);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.journal = new FreezeJournal(this.scratchRoot.resolve("journal"));
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void setGuestChannels(GuestChannels channels) {
        this.guestChannels = channels;
    }

    void unsetGuestChannels(GuestChannels channels) {
        if (this.guestChannels == channels) {
            this.guestChannels = null;
        }
    }

    void whileFrozen(Runnable hook) {
        whileFrozen = Objects.requireNonNull(hook, "hook");
    }

    Path journalDir() {
        return journal.dir();
    }

    /** Runs {@link #recover()} on this component's recovery thread; the future completes with its report. */
    synchronized CompletableFuture<List<String>> startRecovery() {
        if (recoveryExecutor == null) {
            recoveryExecutor = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "ferry-qemu-recovery");
                t.setDaemon(true);
                return t;
            });
        }
        return CompletableFuture.supplyAsync(this::recover, recoveryExecutor).whenComplete((report, e) -> {
            if (e != null) {
                LOG.error("Recovering the guests and VMs a stopped Ferry left behind failed", e);
            }
        });
    }

    /** Stops a recovery still running (a thaw under way finishes on its own thread). */
    @Deactivate
    synchronized void deactivate() {
        if (recoveryExecutor != null) {
            recoveryExecutor.shutdownNow();
        }
    }

    /**
     * Undoes what a Ferry that died during a backup left in running VMs, from the freeze
     * journal ({@link FreezeJournal}): for every entry no open view of this JVM holds, asks
     * the guest agent {@code guest-fsfreeze-status} and thaws a frozen guest; then, over QMP,
     * removes the NBD exports, copy-before-write jobs, scratch nodes and images of the dead
     * run and gives the disks' changes back to their previous dirty bitmaps. An entry is removed
     * once its guest is known thawed and QEMU is cleaned up (or the VM is not running any more);
     * otherwise it stays for the next start, and the next view of that VM tries again.
     *
     * @return one line per entry, saying what was done
     */
    public List<String> recover() {
        List<String> problems = new ArrayList<>();
        List<String> report = new ArrayList<>();
        for (FreezeJournal.Entry e : journal.stale(problems)) {
            report.add(recover(e));
        }
        problems.forEach(p -> LOG.error("Freeze journal: {}", p));
        report.addAll(problems);
        return report;
    }

    private String recover(FreezeJournal.Entry e) {
        synchronized (recoveryLock) {
            if (FreezeJournal.isLive(e.file()) || !Files.exists(e.file())) {
                return "VM '" + e.vm() + "': nothing to recover";
            }
            if (e.ownedByAnotherLiveProcess()) {
                LOG.warn("VM '{}': freeze journal entry {} left alone, it belongs to process {}, which runs", e.vm(),
                        e.file(), e.pid());
                return "VM '" + e.vm() + "': left alone, its views are held by process " + e.pid() + ", which runs";
            }
            boolean vmRunning = Files.exists(e.qmpSocket()) || e.agentSocket().map(Files::exists).orElse(false);
            List<String> done = new ArrayList<>();
            boolean thawed = true;
            boolean cleaned = true;
            if (e.agentSocket().isPresent() && vmRunning && !Files.exists(e.agentSocket().get())) {
                // QEMU serves no agent there any more (restarted without it): nothing Ferry froze is left frozen
                done.add("the guest agent socket " + e.agentSocket().get() + " is gone");
            } else if (e.agentSocket().isPresent() && vmRunning) {
                try (GuestAgentClient agent = GuestAgentClient.connect(e.agentSocket().get(), qmpTimeout)) {
                    agent.sync(pingTimeout);
                    FreezeStatus status = agent.freezeStatus();
                    if (status == FreezeStatus.FROZEN) {
                        agent.thawWithRetry();
                        done.add("thawed the guest, which was frozen");
                    } else {
                        done.add("guest " + status.name().toLowerCase(java.util.Locale.ROOT));
                    }
                } catch (RuntimeException ex) {
                    thawed = false;
                    done.add("could NOT check that the guest is thawed (" + ex.getMessage() + ")");
                }
            }
            if (Files.exists(e.qmpSocket())) {
                try (QmpClient qmp = QmpClient.connect(e.qmpSocket(), qmpTimeout)) {
                    FleecingBackup fleecing = new FleecingBackup(qmp, Optional.empty(), e.workDir(), qmpTimeout);
                    List<String> removed = new ArrayList<>(fleecing.removeLeftovers());
                    removed.addAll(fleecing.restoreBitmaps(e.disks()));
                    done.add(removed.isEmpty() ? "nothing left in QEMU" : "removed " + removed);
                } catch (RuntimeException ex) {
                    cleaned = false;
                    done.add("could not clean up over QMP (" + ex.getMessage() + ")");
                }
            } else {
                done.add("the VM is not running");
                removeScratchImages(e.workDir(), done);
            }
            QemuPointInTime.removeScratchDirectory(e.vm(), e.workDir(), e.workDir().resolve("nbd.sock"));
            String line = "VM '" + e.vm() + "' (views opened " + e.written() + " by process " + e.pid() + "): "
                    + String.join("; ", done);
            if (thawed && cleaned) {
                journal.remove(e);
                LOG.warn("Recovered after a Ferry that stopped during a backup: {}", line);
            } else {
                LOG.error("Recovering after a Ferry that stopped during a backup is incomplete, tried again at the next"
                        + " start or backup of the VM: {}", line);
            }
            return line;
        }
    }

    private static void removeScratchImages(Path workDir, List<String> done) {
        if (!Files.isDirectory(workDir)) {
            return;
        }
        try (var files = Files.list(workDir)) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                if (name.startsWith(FleecingBackup.FLEECE_PREFIX) && name.endsWith(".qcow2")) {
                    Files.deleteIfExists(f);
                    done.add("removed scratch image " + f);
                }
            }
        } catch (IOException ex) {
            done.add("could not remove the scratch images in " + workDir + " (" + ex + ")");
        }
    }

    private static Path scratchRoot(String configured) {
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured.strip());
        }
        String data = System.getProperty("karaf.data");
        if (data == null) {
            return Path.of(System.getProperty("java.io.tmpdir"), "ferry-fleecing");
        }
        // a VM's NBD socket is <root>/vm-<12 hex>/nbd.sock and unix socket paths have at most 107
        // bytes: below a deep installation directory this is a short per-installation one, which
        // the default socket.roots of io.ferry.paths includes
        Path root = ScratchDirectories.fleecing(Path.of(data));
        if (!root.startsWith(Path.of(data).toAbsolutePath().normalize())) {
            LOG.info("{} is too deep for unix sockets; the scratch directory is {}, private to Ferry's user (set"
                    + " scratch.dir in io.ferry.plugin.proxmox.qemu to choose; the NBD sockets in it must be inside"
                    + " socket.roots of io.ferry.paths)", data, root);
        }
        return root;
    }

    private static Duration positive(String name, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new ValidationException(name, "must be positive, got " + value);
        }
        return value;
    }

    @Override
    public boolean supports(VirtualMachine vm) {
        return QemuVmDisks.applies(vm);
    }

    @Override
    public PointInTime open(VirtualMachine vm, boolean guestProcessing, String guestProxy,
            Map<String, ChangedBlockLedger> ledger) {
        QemuVmDisks disks = QemuVmDisks.of(vm);
        Map<String, ChangedBlockLedger> entries = ledger == null ? Map.of() : ledger;
        Path workDir = workDir(vm);
        Path journalFile = journal.fileOf(shortId(vm.id()));
        List<String> unreadable = new ArrayList<>();
        journal.staleEntry(journalFile, unreadable).ifPresent(this::recover); // a dead run's frozen guest first
        unreadable.forEach(p -> LOG.error("Freeze journal: {}", p));
        QmpClient qmp = connectQmp(disks);
        Agent agent = Agent.NONE;
        FleecingBackup fleecing = null;
        FreezeJournal.Entry intent = null;
        try {
            agent = guestProcessing ? reachAgent(disks, guestProxy) : Agent.NONE;
            fleecing = fleecing(qmp, agent.client(), workDir);
            List<String> leftovers = fleecing.removeLeftovers();
            if (!leftovers.isEmpty()) {
                LOG.warn("VM '{}': removed what an interrupted backup left behind: {}", vm.name(), leftovers);
            }
            List<FleecingRequest> requests = new ArrayList<>();
            List<Decided> decided = new ArrayList<>();
            List<FreezeJournal.Disk> rotations = new ArrayList<>();
            Map<String, String> resolved = new HashMap<>();
            for (QemuVmDisks.Disk named : disks.disks()) {
                QemuVmDisks.Disk d = new QemuVmDisks.Disk(named.label(), fleecing.resolveNode(named.node()));
                String other = resolved.put(d.node(), d.label());
                if (other != null) {
                    throw new ValidationException("location", "disks '" + other + "' and '" + d.label() + "' of VM '"
                            + vm.name() + "' are the same block node " + d.node() + " in QEMU: give each disk its own");
                }
                Decided one = decide(fleecing, vm, d, entries.get(d.label()));
                decided.add(one);
                requests.add(new FleecingRequest(d.node(), one.trust().base(), Optional.of(one.recording())));
                rotations.add(new FreezeJournal.Disk(d.node(), one.trust().base(), one.recording()));
            }
            // durable before the first scratch node is added and before the guest is frozen
            intent = journal.write(journalFile, vm.name(), disks.qmpSocket(),
                    agent.client().map(GuestAgentClient::socket), workDir, rotations);
            String freezeProblem = null;
            FleecingView view;
            try {
                view = fleecing.start(requests);
            } catch (GuestFreezeException e) {
                LOG.warn("VM '{}': {}; taking crash-consistent views instead", vm.name(), e.getMessage());
                freezeProblem = e.getMessage();
                fleecing.close();
                fleecing = fleecing(qmp, Optional.empty(), workDir);
                view = fleecing.start(requests);
            }
            FreezeJournal.Entry held = intent;
            agent.close();
            List<QemuPointInTime.Part> parts = new ArrayList<>();
            for (int i = 0; i < decided.size(); i++) {
                parts.add(decided.get(i).part(view.parts().get(i), view.disks().get(i)));
            }
            GuestRecord guest = guestRecord(vm.name(), guestProcessing, guestProxy, disks, agent, freezeProblem, view);
            return new QemuPointInTime(vm.name(), qmp, fleecing, view, parts, guest, workDir, clock,
                    clean -> ended(held, clean));
        } catch (RuntimeException e) {
            // cleaned up even when the thread was interrupted (a job stopped with shutdownNow)
            boolean[] clean = {true};
            FleecingBackup toClose = fleecing;
            Agent toRelease = agent;
            Interrupts.ignoring(() -> {
                toRelease.close();
                if (toClose != null) {
                    try {
                        toClose.close();
                    } catch (RuntimeException cleanup) {
                        clean[0] = false;
                        e.addSuppressed(cleanup);
                    }
                    QemuPointInTime.removeScratchDirectory(vm.name(), workDir, toClose.nbdSocket());
                }
                qmp.close();
            });
            if (intent != null) {
                ended(intent, clean[0] && !mayBeFrozen(e));
            }
            throw e;
        }
    }

    /** The views of an entry ended: forget it, or keep it for the next start when something may be left. */
    private void ended(FreezeJournal.Entry entry, boolean clean) {
        if (clean) {
            journal.remove(entry);
        } else {
            journal.release(entry);
            LOG.warn("VM '{}': kept the freeze journal entry {}; the next start or backup of the VM checks that the guest"
                    + " is thawed and removes what is left in QEMU", entry.vm(), entry.file());
        }
    }

    private static boolean mayBeFrozen(Throwable e) {
        if (e == null) {
            return false;
        }
        if (e instanceof GuestStillFrozenException) {
            return true;
        }
        for (Throwable s : e.getSuppressed()) {
            if (mayBeFrozen(s)) {
                return true;
            }
        }
        return e.getCause() != e && mayBeFrozen(e.getCause());
    }

    /** What {@link #decide} found for one disk. */
    private record Decided(String label, String ledgerKey, ChangedBlockLedger entry, ChangeTrust trust, String recording,
            long size) {

        QemuPointInTime.Part part(FleecingView.Disk d, DiskView view) {
            return new QemuPointInTime.Part(label, d.node, ledgerKey, entry, trust, recording, size,
                    new io.ferry.api.spi.DiskView(label, view.nbdUri(), size, trust.base().orElse(null), trust.note()));
        }
    }

    private static Decided decide(FleecingBackup fleecing, VirtualMachine vm, QemuVmDisks.Disk d, ChangedBlockLedger entry) {
        long size = fleecing.sizeOf(d.node());
        List<DirtyBitmap> bitmaps = fleecing.bitmaps(d.node());
        ChangeTrust trust = ChangeTrust.decide(entry, bitmaps, size, fleecing.format(d.node()));
        for (DirtyBitmap b : bitmaps) {
            // Ferry's bitmaps other than the trusted base are stale: an untrusted disk starts a fresh chain
            if (b.name().startsWith(ChangeTrust.BITMAP_PREFIX) && !trust.base().equals(Optional.of(b.name()))) {
                fleecing.removeBitmap(d.node(), b.name());
                LOG.info("VM '{}' disk '{}': removed stale dirty bitmap {} of node {} ({})", vm.name(), d.label(), b.name(),
                        d.node(), trust.note() == null ? "not the trusted one" : trust.note());
            }
        }
        long generation = entry == null ? 0 : entry.generation();
        String recording = ChangeTrust.bitmapName(generation + 1);
        if (trust.base().equals(Optional.of(recording))) {
            recording = ChangeTrust.bitmapName(generation + 2); // a hand-edited ledger; never reuse the base's name
        }
        String key = entry == null ? vm.name() + "/" + d.label() : entry.disk();
        return new Decided(d.label(), key, entry, trust, recording, size);
    }

    private FleecingBackup fleecing(QmpClient qmp, Optional<GuestAgentClient> agent, Path workDir) {
        try {
            FleecingBackup f = new FleecingBackup(qmp, agent, workDir, qmpTimeout);
            f.whileFrozen(whileFrozen);
            return f;
        } catch (ValidationException e) {
            throw new ValidationException("scratch.dir", e.getMessage() + " (configuration io.ferry.plugin.proxmox.qemu,"
                    + " scratch.dir)");
        }
    }

    private QmpClient connectQmp(QemuVmDisks disks) {
        try {
            return QmpClient.connect(disks.qmpSocket(), qmpTimeout);
        } catch (QemuChannelException e) {
            throw new FerryException("Cannot take point-in-time views of VM '" + disks.vm() + "': its QMP socket "
                    + disks.qmpSocket() + " does not answer (" + e.getMessage() + "). Is the VM running? QMP serves one"
                    + " client at a time: is another backup of this VM running?", e);
        }
    }

    /** The guest agent, when it answers; otherwise why not. */
    private record Agent(Optional<GuestAgentClient> client, String problem) {
        static final Agent NONE = new Agent(Optional.empty(), null);

        /** The socket, and the Ferry agent it was reached through if any. */
        String where() {
            return client.map(GuestAgentClient::where).orElse("");
        }

        void close() {
            client.ifPresent(GuestAgentClient::close);
        }
    }

    private Agent reachAgent(QemuVmDisks disks, String guestProxy) {
        if (disks.agentSocket().isEmpty()) {
            return new Agent(Optional.empty(), "no guest agent socket is configured for this VM (add"
                    + " &agent=/path/to/qga.sock to its disk locations)");
        }
        Path socket = disks.agentSocket().get();
        GuestChannels channels = guestChannels;
        boolean remote = channels != null && guestProxy != null && !guestProxy.isEmpty()
                && channels.enrolled(guestProxy);
        GuestAgentClient client = null;
        try {
            client = remote
                    ? GuestAgentClient.connect(socket, "the agent of " + guestProxy,
                            () -> channels.open(guestProxy, socket, qmpTimeout), qmpTimeout)
                    : GuestAgentClient.connect(socket, qmpTimeout);
            client.sync(pingTimeout);
            client.ping(pingTimeout);
            return new Agent(Optional.of(client), null);
        } catch (RuntimeException e) {
            if (client != null) {
                client.close();
            }
            LOG.warn("VM '{}': the guest agent at {} does not answer{}: {}", disks.vm(), socket,
                    remote ? " through the agent of " + guestProxy : "", e.getMessage());
            if (remote) {
                // seed 001: the guest interaction proxy cannot reach the guest; the backup server takes over
                throw new FerryException("the guest agent at " + socket + " cannot be reached through the Ferry agent"
                        + " of " + guestProxy + ": " + e.getMessage(), e);
            }
            return new Agent(Optional.empty(), "the guest agent did not answer within " + pingTimeout.toMillis()
                    + " ms: is qemu-guest-agent running in the guest, and no other client connected to " + socket
                    + "? (" + e.getMessage() + ")");
        }
    }

    private static GuestRecord guestRecord(String vm, boolean guestProcessing, String proxy, QemuVmDisks disks, Agent agent,
            String freezeProblem, FleecingView view) {
        String views = view.parts().size() + " point-in-time view(s)";
        if (!guestProcessing) {
            return new GuestRecord(vm, proxy, TaskStatus.SKIPPED, false, CHANNEL,
                    "guest processing is off for this job: " + views + " taken without freezing the guest"
                            + " (crash-consistent)", Duration.ZERO);
        }
        String problem = agent.problem() != null ? agent.problem() : freezeProblem;
        if (problem != null) {
            return new GuestRecord(vm, proxy, TaskStatus.WARNING, true, CHANNEL,
                    problem + "; the backup is crash-consistent (" + views + " taken without freezing the guest)",
                    Duration.ZERO);
        }
        if (!view.guestFrozen()) {
            return new GuestRecord(vm, proxy, TaskStatus.WARNING, true, CHANNEL, "the guest agent at "
                    + agent.where() + " found no file system to freeze; the backup is"
                    + " crash-consistent (" + views + ")", view.frozenFor());
        }
        return new GuestRecord(vm, proxy, TaskStatus.SUCCESS, true, CHANNEL, "froze the guest's file systems through the"
                + " guest agent at " + agent.where() + " for " + view.frozenFor().toMillis()
                + " ms while " + views + " were taken, then thawed", view.frozenFor());
    }

    /** The VM's scratch directory: a short, stable name per VM, as unix socket paths are limited to 107 bytes. */
    Path workDir(VirtualMachine vm) {
        return ScratchDirectory.secure(scratchRoot).resolve(shortId(vm.id()));
    }

    private static String shortId(String vmId) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(vmId.getBytes(StandardCharsets.UTF_8));
            return "vm-" + HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
