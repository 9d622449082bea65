package io.ferry.agent.internal;

import com.google.protobuf.ByteString;
import io.ferry.agent.internal.store.StoreGrants;
import io.ferry.agent.protocol.v1.CancelTask;
import io.ferry.agent.protocol.v1.DiskBackupTask;
import io.ferry.agent.protocol.v1.ManagerMessage;
import io.ferry.agent.protocol.v1.RepositoryEndpoint;
import io.ferry.agent.protocol.v1.StoreGrant;
import io.ferry.agent.protocol.v1.StoreRevoke;
import io.ferry.agent.protocol.v1.TaskAssignment;
import io.ferry.agent.protocol.v1.TaskProgress;
import io.ferry.agent.protocol.v1.TaskRef;
import io.ferry.agent.protocol.v1.TaskResult;
import io.ferry.api.FerryException;
import io.ferry.api.NotFoundException;
import io.ferry.api.agent.AgentInfo;
import io.ferry.api.agent.AgentLostException;
import io.ferry.api.agent.AgentRegistry;
import io.ferry.api.agent.AgentTasks;
import io.ferry.api.agent.DiskBackupOrder;
import io.ferry.api.repository.BackupInfo;
import io.ferry.api.repository.Progress;
import io.ferry.api.repository.ProgressListener;
import io.ferry.api.repository.Repository;
import io.ferry.api.repository.RepositoryException;
import io.ferry.api.security.Caller;
import io.ferry.repository.remote.KeyMaterial;
import io.ferry.repository.remote.RepositoryStores;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The manager's side of running a task on an agent ({@link AgentTasks}): grants the task's
 * repository to the agent, sends the assignment with the repository's key material, relays
 * progress, passes a stop on, and waits for the result. The repository is served either by
 * this manager's store service (a local repository: the grant is kept here) or by a repository
 * agent (opened through {@link AgentRepositories}: the grant is sent to that agent, naming the
 * proxy's certificate, and renewed while the task runs).
 *
 * <p>The task's lease: while the agent's connection is open the task is alive (the endpoint
 * closes a connection that sends nothing, heartbeats included, for the lease time). When the
 * connection ends, the agent has the lease time to come back and say in its Hello that it still
 * runs the task; otherwise the task fails with {@link AgentLostException}. A result is applied
 * once per task and attempt; a late or repeated one is ignored.
 */
public final class TaskDispatcher implements AgentTasks, AgentListener {

    private static final Logger LOG = LoggerFactory.getLogger(TaskDispatcher.class);
    /** How long a stopped task may take to confirm on the agent before the manager gives up on it. */
    static final Duration STOP_CONFIRMATION = Duration.ofSeconds(12);
    private static final long POLL_MILLIS = 200;

    private final AgentConnections connections;
    private final AgentRegistry registry;
    private final StoreGrants grants;
    private final RepositoryStores stores;
    private final AgentRepositories repositoryAgents;
    private final Supplier<String> storeAddress;
    private final Duration lease;
    private final Clock clock;
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();

    /**
     * @param storeAddress {@code HOST:PORT} where agents reach this manager's repository store service
     * @param lease        how long a task survives its agent's lost connection
     */
    public TaskDispatcher(AgentConnections connections, AgentRegistry registry, StoreGrants grants,
            RepositoryStores stores, AgentRepositories repositoryAgents, Supplier<String> storeAddress,
            Duration lease, Clock clock) {
        this.connections = Objects.requireNonNull(connections, "connections");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.grants = Objects.requireNonNull(grants, "grants");
        this.stores = Objects.requireNonNull(stores, "stores");
        this.repositoryAgents = Objects.requireNonNull(repositoryAgents, "repositoryAgents");
        this.storeAddress = Objects.requireNonNull(storeAddress, "storeAddress");
        this.lease = Objects.requireNonNull(lease, "lease");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** One task waiting for its agent. */
    private static final class Pending {
        final String server;
        final DiskBackupOrder order;
        final ProgressListener listener;
        final LinkedBlockingQueue<TaskResult> results = new LinkedBlockingQueue<>(1);
        volatile Instant disconnected;
        volatile String disconnectReason;
        volatile String lost;

        Pending(String server, DiskBackupOrder order, ProgressListener listener) {
            this.server = server;
            this.order = order;
            this.listener = listener;
        }
    }

    private static String key(String taskId, int attempt) {
        return taskId + "#" + attempt;
    }

    private static String norm(String server) {
        return server.toLowerCase(Locale.ROOT);
    }

    @Override
    public boolean enrolled(String server) {
        return agent(server).isPresent();
    }

    private Optional<AgentInfo> agent(String server) {
        return Caller.asSystem(() -> registry.agents()).stream()
                .filter(a -> norm(a.server()).equals(norm(server))).findFirst();
    }

    @Override
    public boolean connected(String server) {
        return connections.connection(server).filter(AgentChannel::isOpen).isPresent();
    }

    @Override
    public BackupInfo backUpDisk(String server, DiskBackupOrder order, Repository repository,
            ProgressListener listener) {
        AgentChannel channel = connections.connection(server).filter(AgentChannel::isOpen)
                .orElseThrow(() -> new AgentLostException(notConnected(server)));
        String key = key(order.taskId(), order.attempt());
        Pending task = new Pending(channel.server(), order, listener);
        if (pending.putIfAbsent(key, task) != null) {
            throw new IllegalStateException("task " + order.taskId() + " attempt " + order.attempt() + " already runs");
        }
        StoreTicket ticket = null;
        try {
            ticket = ticket(channel, repository);
            send(channel, order, ticket);
            TaskResult result = await(task, channel.server(), ticket);
            return outcome(server, result, repository);
        } finally {
            pending.remove(key, task);
            if (ticket != null) {
                ticket.revoke();
            }
        }
    }

    /** The repository a task writes to, as the proxy's agent reaches it, for the task's life. */
    private interface StoreTicket {
        /** {@code HOST:PORT} of the store serving it. */
        String address();

        /** The repository agent's server serving it; empty: the manager. */
        default String server() {
            return "";
        }

        /** The handle the agent names in its store calls. */
        String handle();

        /** A copy of the repository's key material (the caller zeroes it). */
        byte[] keyMaterial();

        /** Keeps the grant alive (a repository agent's grants expire unless renewed). */
        void renew();

        void revoke();
    }

    private StoreTicket ticket(AgentChannel proxy, Repository repository) {
        Optional<AgentRepositories.Target> remote = repositoryAgents.target(repository);
        if (remote.isPresent()) {
            return new RepositoryAgentTicket(proxy, remote.get());
        }
        StoreGrants.Grant grant = grants.grant(proxy.server(), repository.info().path());
        return new StoreTicket() {
            @Override
            public String address() {
                return storeAddress.get();
            }

            @Override
            public String handle() {
                return grant.handle();
            }

            @Override
            public byte[] keyMaterial() {
                try (KeyMaterial keys = stores.exportKey(repository)) {
                    return keys.toBytes();
                }
            }

            @Override
            public void renew() {
                // the manager's own grants last until revoked
            }

            @Override
            public void revoke() {
                grants.revoke(grant);
            }
        };
    }

    /**
     * A repository held by a repository agent: the manager grants it to the proxy's agent
     * (named by server and certificate fingerprint) on the repository agent's control channel,
     * for the lease time, renewed while the task runs; the proxy's agent then talks to the
     * repository agent directly.
     */
    private final class RepositoryAgentTicket implements StoreTicket {
        private final AgentChannel proxy;
        private final AgentRepositories.Target target;
        private final String handle;

        RepositoryAgentTicket(AgentChannel proxy, AgentRepositories.Target target) {
            this.proxy = proxy;
            this.target = target;
            this.handle = StoreGrants.newHandle();
            AgentChannel repositoryAgent = connections.connection(target.server()).filter(AgentChannel::isOpen)
                    .orElseThrow(() -> new RepositoryException(RepositoryException.Reason.IO, "the repository agent"
                            + " of " + target.server() + " is not connected: start it (./ferry agent start "
                            + target.server() + " on that machine) and retry the session"));
            try {
                repositoryAgent.send(ManagerMessage.newBuilder().setGrant(grant()).build());
            } catch (IllegalStateException e) {
                throw new RepositoryException(RepositoryException.Reason.IO, "the repository agent of "
                        + target.server() + " disconnected as the manager granted its repository to the agent of "
                        + proxy.server() + ": retry the session");
            }
        }

        private StoreGrant grant() {
            return StoreGrant.newBuilder().setHandle(handle).setServer(proxy.server())
                    .setCertificateSha256(proxy.fingerprint()).setRepository(target.name())
                    .setValidForMillis(lease.toMillis()).build();
        }

        @Override
        public String address() {
            return target.address();
        }

        @Override
        public String server() {
            return target.server();
        }

        @Override
        public String handle() {
            return handle;
        }

        @Override
        public byte[] keyMaterial() {
            return target.keys().toBytes();
        }

        @Override
        public void renew() {
            tell(ManagerMessage.newBuilder().setGrant(grant()).build());
        }

        @Override
        public void revoke() {
            tell(ManagerMessage.newBuilder().setRevoke(StoreRevoke.newBuilder().setHandle(handle)).build());
        }

        /** Sends to the repository agent if it is connected; otherwise the grant lapses by itself. */
        private void tell(ManagerMessage message) {
            connections.connection(target.server()).filter(AgentChannel::isOpen).ifPresent(c -> {
                try {
                    c.send(message);
                } catch (IllegalStateException e) {
                    LOG.debug("The repository agent of {} is gone; the grant of {} lapses", target.server(), handle);
                }
            });
        }
    }

    private void send(AgentChannel channel, DiskBackupOrder order, StoreTicket ticket) {
        byte[] material = ticket.keyMaterial();
        try {
            DiskBackupTask.Builder work = DiskBackupTask.newBuilder().setLocation(order.location())
                    .setChainKey(order.disk()).putAllLabels(order.labels())
                    .setRepository(RepositoryEndpoint.newBuilder().setAddress(ticket.address())
                            .setServer(ticket.server())
                            .setRepository(ticket.handle()).setKeyMaterial(ByteString.copyFrom(material)));
            if (order.dirtyBitmap() != null) {
                work.setDirtyBitmap(order.dirtyBitmap());
            }
            if (order.parent() != null) {
                work.setParentBackup(order.parent());
            }
            TaskAssignment assignment = TaskAssignment.newBuilder().setTask(ref(order))
                    .setLeaseExpiresUnixMillis(clock.millis() + lease.toMillis()).setDiskBackup(work).build();
            channel.send(ManagerMessage.newBuilder().setAssign(assignment).build());
        } catch (IllegalStateException e) {
            throw new AgentLostException("the agent of " + channel.server() + " disconnected as task "
                    + order.taskId() + " was sent to it: " + e.getMessage());
        } finally {
            Arrays.fill(material, (byte) 0);
        }
        LOG.info("Task {} (attempt {}, {}) sent to the agent of {} (repository at {})", order.taskId(),
                order.attempt(), order.disk(), channel.server(), ticket.address());
    }

    private TaskResult await(Pending task, String server, StoreTicket ticket) {
        Instant cancelSent = null;
        Instant renewed = clock.instant();
        Duration renewEvery = lease.dividedBy(3);
        while (true) {
            TaskResult result;
            try {
                result = task.results.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                cancel(task, "the manager's task thread was interrupted");
                throw new RepositoryException(RepositoryException.Reason.CANCELLED, "task " + task.order.taskId()
                        + " was interrupted on the manager");
            }
            if (result != null) {
                return result;
            }
            Instant now = clock.instant();
            if (now.isAfter(renewed.plus(renewEvery))) {
                ticket.renew();
                renewed = now;
            }
            if (cancelSent == null && task.listener.cancelRequested()) {
                cancel(task, "stopped by an operator");
                cancelSent = now;
            }
            if (cancelSent != null && now.isAfter(cancelSent.plus(STOP_CONFIRMATION))) {
                throw new RepositoryException(RepositoryException.Reason.CANCELLED, "stopped; the agent of " + server
                        + " did not confirm the stop within " + STOP_CONFIRMATION.toSeconds() + " s");
            }
            Instant gone = task.disconnected;
            if (task.lost != null) {
                throw new AgentLostException(task.lost);
            }
            if (gone != null && now.isAfter(gone.plus(lease)) && !connected(server)) {
                throw new AgentLostException("the agent of " + server + " lost its connection at " + gone + " ("
                        + task.disconnectReason + ") and did not come back within " + lease.toSeconds() + " s: the lease"
                        + " of task " + task.order.taskId() + " expired; nothing of this backup is visible in the"
                        + " repository (retry the session)");
            }
        }
    }

    private void cancel(Pending task, String reason) {
        connections.connection(task.server).filter(AgentChannel::isOpen).ifPresent(c -> {
            try {
                c.send(ManagerMessage.newBuilder().setCancel(CancelTask.newBuilder().setTask(ref(task.order))
                        .setReason(reason)).build());
            } catch (IllegalStateException e) {
                LOG.debug("The agent of {} is gone; its task {} ends with its lease", task.server, task.order.taskId());
            }
        });
    }

    private BackupInfo outcome(String server, TaskResult result, Repository repository) {
        if (result.hasBackup()) {
            return repository.backup(result.getBackup().getBackupId());
        }
        String kind = result.getFailure().getKind();
        String message = result.getFailure().getMessage();
        switch (kind) {
            case "CANCELLED":
                throw new RepositoryException(RepositoryException.Reason.CANCELLED, message);
            case "NOT_FOUND":
                throw new NotFoundException(message);
            case "CORRUPT":
                throw new RepositoryException(RepositoryException.Reason.CORRUPT, message);
            default:
                throw new FerryException("on the agent of " + server + ": " + message);
        }
    }

    private static TaskRef ref(DiskBackupOrder order) {
        return TaskRef.newBuilder().setTaskId(order.taskId()).setAttempt(order.attempt()).build();
    }

    private String notConnected(String server) {
        Optional<AgentInfo> agent = agent(server);
        return "the agent of proxy " + server + " is not connected" + agent.flatMap(AgentInfo::lastHeartbeat)
                .map(t -> " (last heartbeat " + t + ")").orElse(" (it never sent a heartbeat)")
                + ": start it (./ferry agent start " + server + " on that machine) and retry the session";
    }

    // ---- what the endpoint tells ----

    @Override
    public void connected(AgentChannel channel) {
        for (Pending task : pending.values()) {
            if (!norm(task.server).equals(norm(channel.server())) || task.disconnected == null) {
                continue;
            }
            boolean stillRuns = channel.hello().getRunningList().stream().anyMatch(r -> r.getTaskId().equals(
                    task.order.taskId()) && r.getAttempt() == task.order.attempt());
            if (stillRuns) {
                task.disconnected = null;
            } else {
                task.lost = "the agent of " + channel.server() + " reconnected without task " + task.order.taskId()
                        + " (it was restarted): the task is lost; nothing of its backup is visible in the repository"
                        + " (retry the session)";
            }
        }
    }

    @Override
    public void progress(AgentChannel channel, TaskProgress progress) {
        Pending task = pending.get(key(progress.getTask().getTaskId(), progress.getTask().getAttempt()));
        if (task == null || !norm(task.server).equals(norm(channel.server()))) {
            return;
        }
        try {
            task.listener.progress(new Progress(progress.getPhase().isEmpty() ? "backup" : progress.getPhase(),
                    Math.max(0, progress.getDoneBytes()), Math.max(0, progress.getTotalBytes()),
                    Math.max(0, progress.getReadBytes()), Math.max(0, progress.getStoredBytes()),
                    Duration.ofMillis(Math.max(0, progress.getElapsedMillis()))));
        } catch (RuntimeException e) {
            LOG.debug("Progress of task {} not taken: {}", progress.getTask().getTaskId(), e.toString());
        }
    }

    @Override
    public void result(AgentChannel channel, TaskResult result) {
        Pending task = pending.get(key(result.getTask().getTaskId(), result.getTask().getAttempt()));
        if (task == null || !norm(task.server).equals(norm(channel.server()))) {
            LOG.info("Ignored a result of task {} attempt {} from the agent of {}: no such task waits for it (late or"
                    + " repeated)", result.getTask().getTaskId(), result.getTask().getAttempt(), channel.server());
            return;
        }
        task.results.offer(result); // a second result of the same attempt finds the queue full: ignored
    }

    @Override
    public void disconnected(AgentChannel channel, String reason) {
        Instant now = clock.instant();
        for (Pending task : pending.values()) {
            if (norm(task.server).equals(norm(channel.server())) && task.disconnected == null) {
                task.disconnectReason = reason;
                task.disconnected = now;
            }
        }
    }
}
