package io.ferry.agent.internal;

import io.ferry.agent.protocol.v1.AgentMessage;
import io.ferry.agent.protocol.v1.Capabilities;
import io.ferry.agent.protocol.v1.ControlGrpc;
import io.ferry.agent.protocol.v1.Heartbeat;
import io.ferry.agent.protocol.v1.Hello;
import io.ferry.agent.protocol.v1.ManagerMessage;
import io.ferry.agent.protocol.v1.Welcome;
import io.ferry.api.agent.ProtocolVersion;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's side of the control channel: dials the manager with mutual TLS, says Hello,
 * sends heartbeats at the interval the manager's Welcome asks for, hands the manager's
 * messages to a {@link ManagerMessageHandler}, and reconnects after any failure with
 * exponential backoff (1 s doubling to 30 s, with jitter). A refusal (incompatible protocol,
 * a certificate the manager no longer accepts, a TLS refusal) is logged as such and waits the
 * longest backoff: an operator has to act, hammering the manager would not help.
 */
public final class AgentClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AgentClient.class);

    /**
     * @param scratchDir     the directory whose free space the agent reports
     * @param taskSlots      how many tasks the agent runs at once
     * @param ferryVersion   the Ferry version the agent runs
     * @param platforms      the platform plugins active on the agent
     * @param initialBackoff first wait after a failure
     * @param maxBackoff     longest wait, and the wait after a refusal
     * @param welcomeTimeout how long to wait for the manager's Welcome after the Hello
     */
    public record Settings(Path scratchDir, int taskSlots, String ferryVersion, List<String> platforms,
            Duration initialBackoff, Duration maxBackoff, Duration welcomeTimeout, String storeAddress,
            String sourceAddress) {
        public Settings(Path scratchDir, int taskSlots, String ferryVersion, List<String> platforms,
                Duration initialBackoff, Duration maxBackoff, Duration welcomeTimeout) {
            this(scratchDir, taskSlots, ferryVersion, platforms, initialBackoff, maxBackoff, welcomeTimeout, "", "");
        }

        public Settings {
            storeAddress = storeAddress == null ? "" : storeAddress;
            sourceAddress = sourceAddress == null ? "" : sourceAddress.strip();
            Objects.requireNonNull(ferryVersion, "ferryVersion");
            platforms = List.copyOf(platforms);
            if (taskSlots < 1) {
                throw new IllegalArgumentException("task slots " + taskSlots + " must be at least 1");
            }
            if (initialBackoff.isNegative() || initialBackoff.isZero() || maxBackoff.compareTo(initialBackoff) < 0) {
                throw new IllegalArgumentException("backoff " + initialBackoff + ".." + maxBackoff
                        + " must be positive and growing");
            }
        }

        public static Settings defaults(Path scratchDir, String ferryVersion) {
            return new Settings(scratchDir, 2, ferryVersion, List.of(), Duration.ofSeconds(1), Duration.ofSeconds(30),
                    Duration.ofSeconds(30));
        }

        public Settings withBackoff(Duration initial, Duration max) {
            return new Settings(scratchDir, taskSlots, ferryVersion, platforms, initial, max, welcomeTimeout,
                    storeAddress, sourceAddress);
        }

        /** A repository agent's: where it serves its repositories. */
        public Settings withStoreAddress(String address) {
            return new Settings(scratchDir, taskSlots, ferryVersion, platforms, initialBackoff, maxBackoff,
                    welcomeTimeout, address, sourceAddress);
        }

        /** Connections to the manager from this address of the machine (blank: the system's choice). */
        public Settings withSourceAddress(String address) {
            return new Settings(scratchDir, taskSlots, ferryVersion, platforms, initialBackoff, maxBackoff,
                    welcomeTimeout, storeAddress, address);
        }
    }

    private final AgentIdentity identity;
    private final Settings settings;
    private final ManagerMessageHandler handler;
    private final ProtocolVersion protocol;
    private final ScheduledExecutorService scheduler;
    private EventLoopGroup eventLoops;
    private ManagedChannel channel;
    private Session session;
    private Duration backoff;
    private volatile String lastFailure;
    private volatile Duration lastWait;
    private volatile Welcome welcome;
    private boolean closed;
    private String qemuVersion = "";
    private String libnbdVersion = "";

    public AgentClient(AgentIdentity identity, Settings settings, ManagerMessageHandler handler) {
        this(identity, settings, handler, Protocol.CURRENT);
    }

    /** Speaking another protocol version than this build's: for tests of version negotiation. */
    AgentClient(AgentIdentity identity, Settings settings, ManagerMessageHandler handler, ProtocolVersion protocol) {
        this.identity = Objects.requireNonNull(identity, "identity");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.handler = Objects.requireNonNull(handler, "handler");
        this.protocol = Objects.requireNonNull(protocol, "protocol");
        this.backoff = settings.initialBackoff();
        this.scheduler = Executors.newSingleThreadScheduledExecutor(NettyResources.daemonThreads("ferry-agent-client"));
    }

    /** Starts connecting (in the background); returns at once. */
    public synchronized AgentClient start() throws SSLException {
        if (channel != null) {
            throw new IllegalStateException("the agent client is already started");
        }
        eventLoops = NettyResources.eventLoops(1, "ferry-agent-client-io");
        channel = NettyResources.fromSource(NettyChannelBuilder.forAddress(identity.managerHost(),
                identity.managerPort()), settings.sourceAddress())
                .channelType(NioSocketChannel.class)
                .eventLoopGroup(eventLoops)
                .executor(scheduler)
                .sslContext(TlsContexts.agent(identity.key(), List.of(identity.certificate()),
                        ManagerTrust.anchoredAt(identity.ca())))
                // the stream stays open for days: pings find a dead manager or a silent NAT drop
                .keepAliveTime(30, TimeUnit.SECONDS)
                .keepAliveTimeout(10, TimeUnit.SECONDS)
                .build();
        scheduler.execute(this::probeMachine);
        scheduler.execute(this::connect);
        return this;
    }

    /** Whether the manager welcomed the current connection. */
    public synchronized boolean isConnected() {
        return session != null && session.welcomed;
    }

    /** The manager's Welcome of the current connection. */
    public Optional<Welcome> welcome() {
        return Optional.ofNullable(welcome);
    }

    /** Why the last connection failed or was refused, if one did. */
    public Optional<String> lastFailure() {
        return Optional.ofNullable(lastFailure);
    }

    /** How long the client waited (or waits) before its latest reconnection attempt. */
    Optional<Duration> lastWait() {
        return Optional.ofNullable(lastWait);
    }

    /**
     * Sends a TaskProgress or TaskResult to the manager. Thread-safe.
     *
     * @return false when not connected (the manager learns the task's state from the next Hello
     *         or heartbeat, or its lease expires)
     */
    public synchronized boolean send(AgentMessage message) {
        if (session == null || !session.welcomed) {
            return false;
        }
        session.requests.onNext(message);
        return true;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            if (session != null) {
                session.requests.onCompleted();
                session.stopHeartbeats();
                session = null;
            }
        }
        if (channel != null) {
            channel.shutdown();
            try {
                if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
                    channel.shutdownNow();
                }
            } catch (InterruptedException e) {
                channel.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
        scheduler.shutdownNow();
        NettyResources.shutdown(eventLoops);
    }

    private void probeMachine() {
        qemuVersion = MachineFacts.qemuVersion();
        libnbdVersion = MachineFacts.libnbdVersion();
    }

    private Capabilities capabilities() {
        return Capabilities.newBuilder()
                .setFerryVersion(settings.ferryVersion())
                .setProtocol(Protocol.toProto(protocol))
                .setOs(MachineFacts.os())
                .setQemuVersion(qemuVersion)
                .setLibnbdVersion(libnbdVersion)
                .addAllPlatforms(settings.platforms())
                .setScratchFreeBytes(MachineFacts.freeBytes(settings.scratchDir()))
                .setTaskSlots(settings.taskSlots())
                .setStoreAddress(settings.storeAddress())
                .build();
    }

    private synchronized void connect() {
        if (closed) {
            return;
        }
        channel.resetConnectBackoff();
        Session s = new Session();
        session = s;
        s.requests = ControlGrpc.newStub(channel).connect(s);
        s.requests.onNext(AgentMessage.newBuilder().setHello(Hello.newBuilder()
                .setProtocol(Protocol.toProto(protocol))
                .setCapabilities(capabilities())
                .addAllRunning(handler.running())).build());
        s.welcomeCheck = scheduler.schedule(() -> noWelcome(s), settings.welcomeTimeout().toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private synchronized void noWelcome(Session s) {
        if (session == s && !s.welcomed) {
            s.requests.onError(Status.DEADLINE_EXCEEDED.withDescription("the manager did not answer the Hello within "
                    + settings.welcomeTimeout().toSeconds() + " s").asRuntimeException());
        }
    }

    private synchronized void heartbeat(Session s) {
        if (session != s || closed) {
            return;
        }
        s.requests.onNext(AgentMessage.newBuilder().setHeartbeat(Heartbeat.newBuilder()
                .setSentUnixMillis(System.currentTimeMillis())
                .addAllRunning(handler.running())
                .setCapabilities(capabilities())).build());
    }

    private synchronized void welcomed(Session s, Welcome w) {
        if (session != s) {
            return;
        }
        s.welcomed = true;
        s.welcomeCheck.cancel(false);
        welcome = w;
        backoff = settings.initialBackoff();
        lastFailure = null;
        long every = Math.max(1, w.getHeartbeatSeconds());
        s.heartbeats = scheduler.scheduleAtFixedRate(() -> heartbeat(s), every, every, TimeUnit.SECONDS);
        LOG.info("Connected to the manager at {}:{} as the agent of {} (heartbeat every {} s, TLS 1.3 by {})",
                identity.managerHost(), identity.managerPort(), w.getServer(), every, TlsContexts.implementation());
    }

    private void ended(Session s, Throwable error) {
        Duration wait;
        String reason;
        synchronized (this) {
            if (session != s) {
                return;
            }
            session = null;
            welcome = null;
            s.stopHeartbeats();
            if (closed) {
                return;
            }
            Status status = error == null ? Status.UNAVAILABLE.withDescription("the manager closed the connection")
                    : Status.fromThrowable(error);
            String refusal = refusal(status);
            if (refusal != null) {
                reason = refusal;
                wait = settings.maxBackoff();
                LOG.error("The manager at {}:{} refused this agent: {}. Retrying in {} s.", identity.managerHost(),
                        identity.managerPort(), refusal, wait.toSeconds());
            } else {
                reason = describe(status);
                wait = jittered(backoff);
                backoff = backoff.multipliedBy(2).compareTo(settings.maxBackoff()) > 0 ? settings.maxBackoff()
                        : backoff.multipliedBy(2);
                LOG.warn("Connection to the manager at {}:{} {}: {}; reconnecting in {} ms", identity.managerHost(),
                        identity.managerPort(), s.welcomed ? "lost" : "failed", reason, wait.toMillis());
            }
            lastFailure = reason;
            lastWait = wait;
            scheduler.schedule(this::connect, wait.toMillis(), TimeUnit.MILLISECONDS);
        }
        try {
            handler.disconnected(reason);
        } catch (RuntimeException e) {
            LOG.warn("The task handler failed on a disconnect", e);
        }
    }

    /** A refusal an operator must act on, or null for a failure that may pass. */
    static String refusal(Status status) {
        switch (status.getCode()) {
            case FAILED_PRECONDITION, PERMISSION_DENIED, UNAUTHENTICATED:
                return status.getDescription();
            default:
                break;
        }
        for (Throwable t = status.getCause(); t != null; t = t.getCause()) {
            if (t instanceof SSLException) {
                return "the TLS connection was refused (" + t.getMessage() + "): this agent's certificate is not"
                        + " accepted by the manager, or the manager's certificate is not from the agent's CA; enroll"
                        + " the agent again";
            }
        }
        return null;
    }

    private static String describe(Status status) {
        String text = status.getCode().toString();
        if (status.getDescription() != null) {
            text += " " + status.getDescription();
        }
        if (status.getCause() != null && status.getCause().getMessage() != null) {
            text += " (" + status.getCause().getMessage() + ")";
        }
        return text;
    }

    private Duration jittered(Duration base) {
        double factor = 0.8 + 0.4 * ThreadLocalRandom.current().nextDouble();
        long millis = Math.min((long) (base.toMillis() * factor), settings.maxBackoff().toMillis());
        return Duration.ofMillis(Math.max(1, millis));
    }

    private final class Session implements StreamObserver<ManagerMessage> {
        private StreamObserver<AgentMessage> requests;
        private volatile boolean welcomed;
        private ScheduledFuture<?> welcomeCheck;
        private ScheduledFuture<?> heartbeats;

        @Override
        public void onNext(ManagerMessage message) {
            try {
                switch (message.getBodyCase()) {
                    case WELCOME -> {
                        welcomed(this, message.getWelcome());
                        handler.welcomed(message.getWelcome());
                    }
                    case ASSIGN -> handler.assigned(message.getAssign());
                    case CANCEL -> handler.cancelled(message.getCancel());
                    case GRANT -> handler.granted(message.getGrant());
                    case REVOKE -> handler.revoked(message.getRevoke());
                    case GUEST_OPEN -> handler.guestOpen(message.getGuestOpen());
                    case GUEST_DATA -> handler.guestData(message.getGuestData());
                    case GUEST_CLOSE -> handler.guestClose(message.getGuestClose());
                    default -> LOG.warn("Ignored an empty message from the manager");
                }
            } catch (RuntimeException e) {
                // the handler's failure is the task's business, not the connection's
                LOG.error("The task handler failed on a {} from the manager", message.getBodyCase(), e);
            }
        }

        @Override
        public void onError(Throwable t) {
            ended(this, t);
        }

        @Override
        public void onCompleted() {
            ended(this, null);
        }

        void stopHeartbeats() {
            if (heartbeats != null) {
                heartbeats.cancel(false);
            }
            if (welcomeCheck != null) {
                welcomeCheck.cancel(false);
            }
        }
    }
}
