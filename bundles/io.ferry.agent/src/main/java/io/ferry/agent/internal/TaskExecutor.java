package io.ferry.agent.internal;

import io.ferry.agent.internal.store.GrpcStoreLink;
import io.ferry.agent.protocol.v1.AgentMessage;
import io.ferry.agent.protocol.v1.BackupDone;
import io.ferry.agent.protocol.v1.CancelTask;
import io.ferry.agent.protocol.v1.DiskBackupTask;
import io.ferry.agent.protocol.v1.TaskAssignment;
import io.ferry.agent.protocol.v1.TaskFailure;
import io.ferry.agent.protocol.v1.TaskProgress;
import io.ferry.agent.protocol.v1.TaskRef;
import io.ferry.agent.protocol.v1.TaskResult;
import io.ferry.agent.protocol.v1.Welcome;
import io.ferry.api.NotFoundException;
import io.ferry.api.mover.DataMover;
import io.ferry.api.mover.DiskSource;
import io.ferry.api.mover.DiskSources;
import io.ferry.api.mover.SourceOptions;
import io.ferry.api.repository.BackupInfo;
import io.ferry.api.repository.BackupRequest;
import io.ferry.api.repository.BackupStats;
import io.ferry.api.repository.Progress;
import io.ferry.api.repository.ProgressListener;
import io.ferry.api.repository.Repository;
import io.ferry.api.repository.RepositoryException;
import io.ferry.repository.remote.KeyMaterial;
import io.ferry.repository.remote.RemoteRepositories;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the manager's tasks on an agent: a disk backup reads the disk here with the local data
 * mover and writes it to the repository the task names, through that repository's store
 * service (chunks hashed, compressed and encrypted here with the task's key; only missing
 * chunks uploaded). Progress goes to the manager at most twice a second; a stop from the
 * manager cancels the mover. A result that cannot be sent (the connection is down) is kept and
 * sent again after the next Welcome; the manager applies it once.
 */
public final class TaskExecutor implements ManagerMessageHandler, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TaskExecutor.class);
    private static final long PROGRESS_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    /** The longest one call to the repository's store may take. */
    static final Duration STORE_DEADLINE = Duration.ofMinutes(2);

    private final DataMover mover;
    private final DiskSources sources;
    private final AgentIdentity identity;
    private final Predicate<AgentMessage> sender;
    private final ExecutorService workers;
    private final io.grpc.netty.shaded.io.netty.channel.EventLoopGroup eventLoops =
            NettyResources.eventLoops(1, "ferry-agent-store-io");
    private final Map<String, Running> running = new ConcurrentHashMap<>();
    private final Queue<AgentMessage> unsent = new ConcurrentLinkedQueue<>();
    private final String sourceAddress;

    /**
     * @param sender sends a message to the manager; false when it could not (not connected)
     * @param slots  tasks run at once
     */
    public TaskExecutor(DataMover mover, DiskSources sources, AgentIdentity identity, Predicate<AgentMessage> sender,
            int slots) {
        this(mover, sources, identity, sender, slots, "");
    }

    /** @param sourceAddress the address of this machine its store connections come from (blank: any) */
    public TaskExecutor(DataMover mover, DiskSources sources, AgentIdentity identity, Predicate<AgentMessage> sender,
            int slots, String sourceAddress) {
        this.sourceAddress = sourceAddress == null ? "" : sourceAddress;
        this.mover = Objects.requireNonNull(mover, "mover");
        this.sources = Objects.requireNonNull(sources, "sources");
        this.identity = Objects.requireNonNull(identity, "identity");
        this.sender = Objects.requireNonNull(sender, "sender");
        this.workers = Executors.newFixedThreadPool(Math.max(1, slots), NettyResources.daemonThreads("ferry-agent-task"));
    }

    private static final class Running {
        final TaskRef ref;
        volatile boolean cancelled;
        volatile String cancelReason;

        Running(TaskRef ref) {
            this.ref = ref;
        }
    }

    private static String key(TaskRef ref) {
        return ref.getTaskId() + "#" + ref.getAttempt();
    }

    @Override
    public void assigned(TaskAssignment assignment) {
        TaskRef ref = assignment.getTask();
        Running task = new Running(ref);
        if (running.putIfAbsent(key(ref), task) != null) {
            LOG.info("Task {} attempt {} runs already; the repeated assignment is ignored", ref.getTaskId(),
                    ref.getAttempt());
            return;
        }
        workers.execute(() -> {
            AgentMessage result;
            try {
                result = AgentMessage.newBuilder().setResult(run(task, assignment)).build();
            } finally {
                running.remove(key(ref), task);
            }
            deliver(result);
        });
    }

    private TaskResult run(Running task, TaskAssignment assignment) {
        TaskResult.Builder result = TaskResult.newBuilder().setTask(task.ref);
        if (!assignment.hasDiskBackup()) {
            return result.setFailure(failure("INTERNAL", "this agent does not know the work of task "
                    + task.ref.getTaskId() + " (a newer manager?)")).build();
        }
        DiskBackupTask work = assignment.getDiskBackup();
        long t0 = System.nanoTime();
        try {
            BackupInfo info = backUp(task, work);
            BackupStats s = info.stats();
            LOG.info("Task {}: backed up {} from {} as {} in {} ms ({} bytes read, {} new)", task.ref.getTaskId(),
                    work.getChainKey(), work.getLocation(), info.id(), (System.nanoTime() - t0) / 1_000_000,
                    s.readBytes(), s.newBytes());
            return result.setBackup(BackupDone.newBuilder().setBackupId(info.id()).setSize(info.size())
                    .setReadBytes(s.readBytes()).setDataBytes(s.dataBytes()).setNewBytes(s.newBytes())
                    .setStoredBytes(s.storedBytes()).setChangeTracking(s.changeTracking())).build();
        } catch (RepositoryException e) {
            String kind = switch (e.reason()) {
                case CANCELLED -> "CANCELLED";
                case CORRUPT -> "CORRUPT";
                default -> "REPOSITORY";
            };
            String message = e.reason() == RepositoryException.Reason.CANCELLED && task.cancelReason != null
                    ? task.cancelReason : e.getMessage();
            LOG.warn("Task {} failed: {}", task.ref.getTaskId(), e.getMessage());
            return result.setFailure(failure(kind, message)).build();
        } catch (NotFoundException e) {
            return result.setFailure(failure("NOT_FOUND", e.getMessage())).build();
        } catch (RuntimeException e) {
            LOG.warn("Task {} failed", task.ref.getTaskId(), e);
            return result.setFailure(failure("SOURCE", e.getMessage() == null ? e.toString() : e.getMessage()))
                    .build();
        }
    }

    private BackupInfo backUp(Running task, DiskBackupTask work) {
        HostPort store = HostPort.parse(work.getRepository().getAddress());
        byte[] material = work.getRepository().getKeyMaterial().toByteArray();
        ManagedChannel channel;
        try {
            channel = NettyResources.storeChannel(store, eventLoops, TlsContexts.agent(identity.key(),
                    List.of(identity.certificate()), work.getRepository().getServer().isEmpty()
                            ? ManagerTrust.anchoredAt(identity.ca())
                            : ManagerTrust.repositoryAgent(identity.ca(), work.getRepository().getServer())),
                    sourceAddress).build();
        } catch (javax.net.ssl.SSLException e) {
            throw new RepositoryException(RepositoryException.Reason.IO, "cannot set up TLS to the repository at "
                    + store + ": " + e.getMessage(), e);
        }
        GrpcStoreLink link = new GrpcStoreLink(channel, true, work.getRepository().getRepository(), STORE_DEADLINE);
        try (KeyMaterial keys = KeyMaterial.fromBytes(material)) {
            Arrays.fill(material, (byte) 0);
            try (Repository repository = RemoteRepositories.open(link, keys)) {
                SourceOptions options = SourceOptions.defaults().withDirtyBitmap(
                        work.getDirtyBitmap().isEmpty() ? null : work.getDirtyBitmap());
                try (DiskSource source = sources.open(work.getLocation(), options)) {
                    String parent = work.getParentBackup().isEmpty() ? null : work.getParentBackup();
                    BackupRequest request = new BackupRequest(work.getChainKey(), source.description(), source.size(),
                            parent == null, work.getLabelsMap(), parent);
                    return mover.backup(source, repository, request, new Relay(task));
                } catch (java.io.IOException e) {
                    throw new RepositoryException(RepositoryException.Reason.IO, "closing the disk source "
                            + work.getLocation() + " failed: " + e.getMessage(), e);
                }
            }
        } finally {
            link.close();
        }
    }

    /** Sends the mover's progress to the manager (throttled) and tells it about a stop. */
    private final class Relay implements ProgressListener {
        private final Running task;
        private long last;

        Relay(Running task) {
            this.task = task;
        }

        @Override
        public void progress(Progress p) {
            long now = System.nanoTime();
            if (now - last < PROGRESS_INTERVAL_NANOS && p.done() < p.total()) {
                return;
            }
            last = now;
            sender.test(AgentMessage.newBuilder().setProgress(TaskProgress.newBuilder().setTask(task.ref)
                    .setPhase(p.phase()).setDoneBytes(p.done()).setTotalBytes(p.total()).setReadBytes(p.read())
                    .setStoredBytes(p.stored()).setElapsedMillis(p.elapsed().toMillis())).build());
        }

        @Override
        public boolean cancelRequested() {
            return task.cancelled;
        }
    }

    private static TaskFailure failure(String kind, String message) {
        return TaskFailure.newBuilder().setKind(kind).setMessage(message == null ? kind : message).build();
    }

    private void deliver(AgentMessage result) {
        if (!sender.test(result)) {
            LOG.info("Task {}: the manager is not connected; the result is sent when it is", result.getResult()
                    .getTask().getTaskId());
            unsent.add(result);
        }
    }

    @Override
    public void cancelled(CancelTask cancel) {
        Running task = running.get(key(cancel.getTask()));
        if (task != null) {
            LOG.info("Task {} stopped by the manager: {}", cancel.getTask().getTaskId(), cancel.getReason());
            task.cancelReason = cancel.getReason();
            task.cancelled = true;
        }
    }

    @Override
    public List<TaskRef> running() {
        List<TaskRef> refs = new ArrayList<>();
        running.values().forEach(r -> refs.add(r.ref));
        return refs;
    }

    @Override
    public void welcomed(Welcome welcome) {
        for (AgentMessage m = unsent.poll(); m != null; m = unsent.poll()) {
            if (!sender.test(m)) {
                unsent.add(m);
                return;
            }
        }
    }

    @Override
    public void disconnected(String reason) {
        // tasks go on: the manager keeps their leases for a while and takes their results after a reconnect
    }

    @Override
    public void close() {
        running.values().forEach(r -> {
            r.cancelReason = "the agent is stopping";
            r.cancelled = true;
        });
        workers.shutdown();
        try {
            workers.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        eventLoops.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    }
}
