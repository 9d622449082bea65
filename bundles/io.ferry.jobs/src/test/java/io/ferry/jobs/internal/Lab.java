package io.ferry.jobs.internal;

import io.ferry.api.inventory.DiskFormat;
import io.ferry.api.inventory.OsInfo;
import io.ferry.api.inventory.RoleType;
import io.ferry.api.inventory.VirtualDisk;
import io.ferry.api.mover.DataMover;
import io.ferry.api.mover.DiskSource;
import io.ferry.api.mover.DiskSources;
import io.ferry.api.mover.DiskTarget;
import io.ferry.api.mover.Extent;
import io.ferry.api.mover.RestoreResult;
import io.ferry.api.mover.SourceOptions;
import io.ferry.api.repository.BackupInfo;
import io.ferry.api.repository.BackupRequest;
import io.ferry.api.repository.InitOptions;
import io.ferry.api.repository.ProgressListener;
import io.ferry.api.repository.Repository;
import io.ferry.api.session.Session;
import io.ferry.api.spi.PointInTimeProvider;
import io.ferry.mover.internal.DataMoverImpl;
import io.ferry.mover.internal.source.DiskSourcesImpl;
import io.ferry.repository.internal.RepositoryServiceImpl;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A job runner on real parts where they run here (the data mover, disk sources and an
 * encrypted repository on small images made in a temporary directory) and fakes for the
 * inventory, jobs, the planner and the session store. The mover is observed: {@link #peak}
 * is the most backups that ran at once through one proxy. Disk sources can be gated:
 * reads of a gated location wait until the test opens the gate.
 */
final class Lab implements AutoCloseable {

    /** One event the runner posted. */
    record Posted(String topic, Map<String, Object> properties) {
    }

    final Path dir;
    final FakeInventory inventory = new FakeInventory();
    final FakeJobService jobs = new FakeJobService();
    final InMemorySessionStore store = new InMemorySessionStore();
    final FakeSelection selection = new FakeSelection(jobs, inventory);
    final RepositoryServiceImpl repositoryService = new RepositoryServiceImpl();
    final List<PointInTimeProvider> providers = new CopyOnWriteArrayList<>();
    final List<Posted> events = new CopyOnWriteArrayList<>();
    final JobRepositories repositories;
    final JobSessions sessions;

    private final DiskSourcesImpl realSources;
    private final DataMoverImpl realMover = new DataMoverImpl(2);
    private final Map<String, AtomicInteger> running = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> peaks = new ConcurrentHashMap<>();
    private final AtomicLong moverNanos = new AtomicLong();
    private final Map<String, Gate> gates = new ConcurrentHashMap<>();
    private final List<AutoCloseable> servers = new ArrayList<>();
    private final Map<String, QemuNbd> nbd = new ConcurrentHashMap<>();

    Lab(Path dir) {
        this(dir, Duration.ofSeconds(120));
    }

    /** {@code nbdRequestTimeout}: the deadline of each NBD request of the real disk sources. */
    Lab(Path dir, Duration nbdRequestTimeout) {
        this.dir = dir;
        this.realSources = new DiskSourcesImpl(nbdRequestTimeout);
        inventory.addServer("bk-01", 4, RoleType.BACKUP_SERVER);
        inventory.addServer("repo-01", 4, RoleType.REPOSITORY);
        repositories = new JobRepositories(repositoryService, dir.resolve("repositories"),
                dir.resolve("etc/ferry-repository.password"),
                InitOptions.defaults().withKdfIterations(100_000).withChunkSize(1 << 20));
        sessions = new JobSessions(jobs, inventory, selection, store, new ObservedSources(), new ObservedMover(),
                repositories, () -> List.copyOf(providers), (topic, props) -> events.add(new Posted(topic, props)),
                Clock.systemUTC(), Duration.ofMillis(50));
    }

    /** A raw disk of {@code size} bytes as a VirtualDisk at its path. */
    VirtualDisk rawDisk(String label, String file, long size, long seed) {
        Path raw = Images.raw(dir.resolve(file), size, seed);
        return new VirtualDisk(label, size, DiskFormat.RAW, raw.toString(), Optional.empty());
    }

    /** A qcow2 disk served by qemu-nbd (read-only, on a unix socket); its raw twin is {@code file}.raw. */
    VirtualDisk qcow2Disk(String label, String file, long size, long seed) {
        Path raw = Images.raw(dir.resolve(file + ".raw"), size, seed);
        Path qcow2 = Images.convert(raw, "qcow2", dir.resolve(file + ".qcow2"));
        QemuNbd server = QemuNbd.serve(qcow2, "qcow2", dir.resolve(file + ".sock"), null);
        servers.add(server);
        nbd.put(file, server);
        return new VirtualDisk(label, size, DiskFormat.QCOW2, server.uri(), Optional.empty());
    }

    /** A raw disk served by an nbdkit that never answers reads (delay filter, {@code rdelay=600}). */
    VirtualDisk stalledDisk(String label, String file, long size, long seed) {
        Path raw = Images.raw(dir.resolve(file + ".raw"), size, seed);
        QemuNbd server = QemuNbd.stalled(raw, dir.resolve(file + ".sock"));
        servers.add(server);
        nbd.put(file, server);
        return new VirtualDisk(label, size, DiskFormat.RAW, server.uri(), Optional.empty());
    }

    /** True while the NBD server of {@code file} runs. */
    boolean nbdAlive(String file) {
        return nbd.get(file).isAlive();
    }

    /** Kills the qemu-nbd of a {@link #qcow2Disk} at once (SIGKILL). */
    void killNbd(String file) {
        nbd.get(file).kill();
    }

    /** Serves a {@link #qcow2Disk} again on the same socket. */
    void restartNbd(String file) {
        QemuNbd server = QemuNbd.serve(dir.resolve(file + ".qcow2"), "qcow2", dir.resolve(file + ".sock"), null);
        servers.add(server);
        nbd.put(file, server);
    }

    void addVm(String name, VirtualDisk... disks) {
        inventory.addVm(name, OsInfo.linux("debian", "12"), List.of(disks));
    }

    Session run(String job) throws InterruptedException {
        Session started = sessions.start(job, "manual");
        return sessions.await(started.id(), Duration.ofSeconds(Long.getLong("lab.await.seconds", 180)));
    }

    Session await(Session session) throws InterruptedException {
        return sessions.await(session.id(), Duration.ofSeconds(Long.getLong("lab.await.seconds", 180)));
    }

    Repository repository() {
        return repositories.open("repo-01");
    }

    /** Restores a backup to a new file and returns the file's sha256. */
    String restoredSha256(String backupId, String file) {
        Repository repo = repository();
        Path target = dir.resolve(file);
        try (DiskTarget out = realSources.create(target.toString(), repo.backup(backupId).size(), false,
                SourceOptions.defaults())) {
            realMover.restore(repo, backupId, out, ProgressListener.NONE);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return Images.sha256(target);
    }

    /** The most backups that ran at once through {@code proxy}. */
    int peak(String proxy) {
        return peaks.getOrDefault(proxy, new AtomicInteger()).get();
    }

    /** Time spent in the data mover's backups, summed over all tasks. */
    long moverMillis() {
        return moverNanos.get() / 1_000_000;
    }

    /** Makes reads of {@code location} wait until {@link Gate#open()}. */
    Gate gate(String location) {
        Gate gate = new Gate();
        gates.put(location, gate);
        return gate;
    }

    List<String> topics() {
        return events.stream().map(Posted::topic).toList();
    }

    @Override
    public void close() {
        gates.values().forEach(Gate::open);
        sessions.close();
        repositoryService.close();
        for (AutoCloseable s : servers) {
            try {
                s.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Holds the reads of one disk until opened; {@link #awaitEntered} waits for the first read to arrive. */
    static final class Gate {
        private final CountDownLatch entered = new CountDownLatch(1);
        private final CountDownLatch open = new CountDownLatch(1);

        void open() {
            open.countDown();
        }

        void awaitEntered() throws InterruptedException {
            if (!entered.await(2, TimeUnit.MINUTES)) {
                throw new IllegalStateException("the gated disk was never read");
            }
        }

        void pass() throws IOException {
            entered.countDown();
            try {
                if (!open.await(2, TimeUnit.MINUTES)) {
                    throw new IOException("gate never opened");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted at the gate", e);
            }
        }
    }

    /** The real mover, counting the backups running through each proxy. */
    private final class ObservedMover implements DataMover {
        @Override
        public BackupInfo backup(DiskSource source, Repository repository, BackupRequest request,
                ProgressListener listener) {
            String proxy = request.labels().getOrDefault("proxy", "?");
            int now = running.computeIfAbsent(proxy, k -> new AtomicInteger()).incrementAndGet();
            peaks.computeIfAbsent(proxy, k -> new AtomicInteger()).accumulateAndGet(now, Math::max);
            long start = System.nanoTime();
            try {
                return realMover.backup(source, repository, request, listener);
            } finally {
                moverNanos.addAndGet(System.nanoTime() - start);
                running.get(proxy).decrementAndGet();
            }
        }

        @Override
        public RestoreResult restore(Repository repository, String backupId, DiskTarget target,
                ProgressListener listener) {
            return realMover.restore(repository, backupId, target, listener);
        }
    }

    /** The real disk sources; reads of gated locations wait at their gate. */
    private final class ObservedSources implements DiskSources {
        @Override
        public DiskSource open(String location, SourceOptions options) {
            DiskSource source = realSources.open(location, options);
            Gate gate = gates.get(location);
            return gate == null ? source : new GatedSource(source, gate);
        }

        @Override
        public DiskTarget create(String location, long size, boolean overwrite, SourceOptions options) {
            return realSources.create(location, size, overwrite, options);
        }
    }

    private record GatedSource(DiskSource source, Gate gate) implements DiskSource {
        @Override
        public String description() {
            return source.description();
        }

        @Override
        public long size() {
            return source.size();
        }

        @Override
        public List<Extent> extents(long offset, long length) throws IOException {
            return source.extents(offset, length);
        }

        @Override
        public Optional<String> changedBlockTracking() {
            return source.changedBlockTracking();
        }

        @Override
        public List<Extent> changed(long offset, long length) throws IOException {
            return source.changed(offset, length);
        }

        @Override
        public void read(ByteBuffer dst, long offset) throws IOException {
            gate.pass();
            source.read(dst, offset);
        }

        @Override
        public int maxParallelReads() {
            return source.maxParallelReads();
        }

        @Override
        public void close() throws IOException {
            source.close();
        }
    }
}
