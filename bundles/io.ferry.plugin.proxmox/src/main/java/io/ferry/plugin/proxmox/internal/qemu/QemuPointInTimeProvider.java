package io.ferry.plugin.proxmox.internal.qemu;

import io.ferry.api.FerryException;
import io.ferry.api.ValidationException;
import io.ferry.api.inventory.VirtualMachine;
import io.ferry.api.session.ChangedBlockLedger;
import io.ferry.api.session.GuestRecord;
import io.ferry.api.session.TaskStatus;
import io.ferry.api.spi.PointInTime;
import io.ferry.api.spi.PointInTimeProvider;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
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

    @Activate
    public QemuPointInTimeProvider(QemuPointInTimeConfig config) {
        this(scratchRoot(config.scratch_dir()), Duration.ofSeconds(config.qmp_timeout_seconds()),
                Duration.ofMillis(config.agent_ping_timeout_millis()), Clock.systemUTC());
    }

    QemuPointInTimeProvider(Path scratchRoot, Duration qmpTimeout, Duration pingTimeout, Clock clock) {
        this.scratchRoot = Objects.requireNonNull(scratchRoot, "scratchRoot").toAbsolutePath();
        this.qmpTimeout = positive("qmp.timeout.seconds", qmpTimeout);
        this.pingTimeout = positive("agent.ping.timeout.millis", pingTimeout);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    private static Path scratchRoot(String configured) {
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured.strip());
        }
        String data = System.getProperty("karaf.data");
        Path root = data != null ? Path.of(data, "ferry", "fleecing")
                : Path.of(System.getProperty("java.io.tmpdir"), "ferry-fleecing");
        // a VM's NBD socket is <root>/vm-<12 hex>/nbd.sock and unix socket paths have at most
        // 107 bytes: below a deep installation directory, use a short per-installation one
        if (root.toAbsolutePath().toString().length() + "/vm-000000000000/nbd.sock".length() > 107) {
            Path shorter = Path.of("/tmp", "ferry-fleecing-" + shortId(root.toAbsolutePath().toString()).substring(3));
            LOG.info("Scratch directory {} is too deep for unix sockets; using {}, private to Ferry's user (set"
                    + " scratch.dir in io.ferry.plugin.proxmox.qemu to choose; the NBD sockets in it must be inside"
                    + " socket.roots of io.ferry.paths)", root, shorter);
            return shorter;
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
        QmpClient qmp = connectQmp(disks);
        Agent agent = Agent.NONE;
        FleecingBackup fleecing = null;
        try {
            agent = guestProcessing ? reachAgent(disks) : Agent.NONE;
            fleecing = fleecing(qmp, agent.client(), workDir);
            List<String> leftovers = fleecing.removeLeftovers();
            if (!leftovers.isEmpty()) {
                LOG.warn("VM '{}': removed what an interrupted backup left behind: {}", vm.name(), leftovers);
            }
            List<FleecingRequest> requests = new ArrayList<>();
            List<Decided> decided = new ArrayList<>();
            for (QemuVmDisks.Disk d : disks.disks()) {
                Decided one = decide(fleecing, vm, d, entries.get(d.label()));
                decided.add(one);
                requests.add(new FleecingRequest(d.node(), one.trust().base(), Optional.of(one.recording())));
            }
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
            agent.close();
            List<QemuPointInTime.Part> parts = new ArrayList<>();
            for (int i = 0; i < decided.size(); i++) {
                parts.add(decided.get(i).part(view.parts().get(i), view.disks().get(i)));
            }
            GuestRecord guest = guestRecord(vm.name(), guestProcessing, guestProxy, disks, agent, freezeProblem, view);
            return new QemuPointInTime(vm.name(), qmp, fleecing, view, parts, guest, workDir, clock);
        } catch (RuntimeException e) {
            agent.close();
            if (fleecing != null) {
                try {
                    fleecing.close();
                } catch (RuntimeException cleanup) {
                    e.addSuppressed(cleanup);
                }
                QemuPointInTime.removeScratchDirectory(vm.name(), workDir, fleecing.nbdSocket());
            }
            qmp.close();
            throw e;
        }
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
            return new FleecingBackup(qmp, agent, workDir, qmpTimeout);
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

        void close() {
            client.ifPresent(GuestAgentClient::close);
        }
    }

    private Agent reachAgent(QemuVmDisks disks) {
        if (disks.agentSocket().isEmpty()) {
            return new Agent(Optional.empty(), "no guest agent socket is configured for this VM (add"
                    + " &agent=/path/to/qga.sock to its disk locations)");
        }
        Path socket = disks.agentSocket().get();
        GuestAgentClient client = null;
        try {
            client = GuestAgentClient.connect(socket, qmpTimeout);
            client.sync(pingTimeout);
            client.ping(pingTimeout);
            return new Agent(Optional.of(client), null);
        } catch (RuntimeException e) {
            if (client != null) {
                client.close();
            }
            LOG.warn("VM '{}': the guest agent at {} does not answer: {}", disks.vm(), socket, e.getMessage());
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
                    + disks.agentSocket().orElseThrow() + " found no file system to freeze; the backup is"
                    + " crash-consistent (" + views + ")", view.frozenFor());
        }
        return new GuestRecord(vm, proxy, TaskStatus.SUCCESS, true, CHANNEL, "froze the guest's file systems through the"
                + " guest agent at " + disks.agentSocket().orElseThrow() + " for " + view.frozenFor().toMillis()
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
