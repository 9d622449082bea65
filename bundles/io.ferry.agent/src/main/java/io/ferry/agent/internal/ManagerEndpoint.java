package io.ferry.agent.internal;

import io.ferry.agent.protocol.v1.AgentMessage;
import io.ferry.agent.protocol.v1.ControlGrpc;
import io.ferry.agent.protocol.v1.EnrollReply;
import io.ferry.agent.protocol.v1.EnrollRequest;
import io.ferry.agent.protocol.v1.EnrollmentGrpc;
import io.ferry.agent.protocol.v1.Heartbeat;
import io.ferry.agent.protocol.v1.Hello;
import io.ferry.agent.protocol.v1.ManagerMessage;
import io.ferry.agent.protocol.v1.Welcome;
import io.ferry.api.agent.AgentCapabilities;
import io.ferry.api.agent.AgentRegistry;
import io.ferry.api.agent.EnrollmentRefusedException;
import io.ferry.api.agent.ProtocolVersion;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The manager's agent endpoint: one gRPC server over TLS 1.3 that serves Enrollment (no client
 * certificate: the token is the credential) and Control (mutual TLS: a certificate of the
 * manager's CA that the {@link AgentRegistry} still accepts for the server named in it).
 * Keeps one {@link AgentChannel} per connected agent.
 */
public final class ManagerEndpoint implements AgentConnections, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ManagerEndpoint.class);
    private static final Context.Key<AgentPeer> PEER = Context.key("ferry-agent-peer");

    /**
     * @param host                where to listen (loopback unless configured)
     * @param port                0 for an ephemeral port (tests)
     * @param heartbeat           how often agents send a heartbeat
     * @param lease               a connection without any message for this long is closed
     * @param certificateValidity validity of the agent certificates issued at enrollment
     */
    public record Settings(String host, int port, Duration heartbeat, Duration lease, Duration certificateValidity) {
        public static final String DEFAULT_HOST = "127.0.0.1";
        public static final int DEFAULT_PORT = 8143;

        public Settings {
            Objects.requireNonNull(host, "host");
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("agent endpoint port " + port + " is not 0..65535");
            }
            if (heartbeat.isNegative() || heartbeat.isZero() || heartbeat.toSeconds() < 1) {
                throw new IllegalArgumentException("heartbeat interval " + heartbeat + " must be at least 1 s");
            }
            if (lease.compareTo(heartbeat.multipliedBy(2)) < 0) {
                throw new IllegalArgumentException("lease " + lease + " must be at least two heartbeats ("
                        + heartbeat.multipliedBy(2) + ")");
            }
            if (certificateValidity.toDays() < 1) {
                throw new IllegalArgumentException("agent certificate validity " + certificateValidity
                        + " must be at least one day");
            }
        }

        public static Settings defaults() {
            return new Settings(DEFAULT_HOST, DEFAULT_PORT, Duration.ofSeconds(10), Duration.ofSeconds(30),
                    Duration.ofDays(365));
        }

        public Settings withPort(int newPort) {
            return new Settings(host, newPort, heartbeat, lease, certificateValidity);
        }

        public Settings withTimes(Duration newHeartbeat, Duration newLease) {
            return new Settings(host, port, newHeartbeat, newLease, certificateValidity);
        }
    }

    private record AgentPeer(String server, String fingerprint, String address) {
    }

    private final Settings settings;
    private final ManagerTls tls;
    private final AgentRegistry registry;
    private final ProtocolVersion protocol;
    private final Map<String, Connection> connections = new ConcurrentHashMap<>();
    private final List<AgentListener> listeners = new CopyOnWriteArrayList<>();
    private Server server;
    private EventLoopGroup boss;
    private EventLoopGroup workers;
    private ExecutorService executor;
    private ScheduledExecutorService watchdog;

    public ManagerEndpoint(Settings settings, ManagerTls tls, AgentRegistry registry) {
        this(settings, tls, registry, Protocol.CURRENT);
    }

    /** With another protocol version than this build's: for tests of version negotiation. */
    ManagerEndpoint(Settings settings, ManagerTls tls, AgentRegistry registry, ProtocolVersion protocol) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.tls = Objects.requireNonNull(tls, "tls");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.protocol = Objects.requireNonNull(protocol, "protocol");
    }

    private final List<io.grpc.BindableService> agentServices = new java.util.concurrent.CopyOnWriteArrayList<>();

    /**
     * Serves {@code service} to enrolled agents too, behind the same check as the control
     * channel (a certificate of the CA that the registry still accepts); in its calls
     * {@link #callerServer()} names the calling agent's server. Before {@link #start()}.
     */
    public synchronized ManagerEndpoint withAgentService(io.grpc.BindableService service) {
        if (server != null) {
            throw new IllegalStateException("add agent services before the endpoint starts");
        }
        agentServices.add(Objects.requireNonNull(service, "service"));
        return this;
    }

    /** The managed server of the agent whose call runs on this thread (its certificate's CN). */
    public static String callerServer() {
        AgentPeer peer = PEER.get();
        if (peer == null) {
            throw Status.UNAUTHENTICATED.withDescription("no agent certificate on this call").asRuntimeException();
        }
        return peer.server();
    }

    /** Starts listening. */
    public synchronized ManagerEndpoint start() throws IOException {
        if (server != null) {
            throw new IllegalStateException("the agent endpoint is already started");
        }
        boss = NettyResources.eventLoops(1, "ferry-agent-endpoint-accept");
        workers = NettyResources.eventLoops(2, "ferry-agent-endpoint-io");
        executor = Executors.newFixedThreadPool(4, NettyResources.daemonThreads("ferry-agent-endpoint"));
        watchdog = Executors.newSingleThreadScheduledExecutor(NettyResources.daemonThreads("ferry-agent-lease"));
        try {
            NettyServerBuilder builder = NettyResources.server(settings.host(), settings.port(), boss, workers,
                    executor, TlsContexts.manager(tls));
            for (io.grpc.BindableService service : agentServices) {
                builder.addService(ServerInterceptors.intercept(service, new AgentCertificateCheck()));
            }
            server = builder
                    .addService(ServerInterceptors.intercept(new EnrollmentService(), new RemoteAddress()))
                    .addService(ServerInterceptors.intercept(new ControlService(), new AgentCertificateCheck()))
                    .build()
                    .start();
        } catch (IOException | RuntimeException e) {
            releaseResources();
            throw new IOException("cannot listen for agents on " + settings.host() + ":" + settings.port() + ": "
                    + e.getMessage(), e);
        }
        long check = Math.max(200, settings.heartbeat().toMillis() / 4);
        watchdog.scheduleWithFixedDelay(this::closeSilentConnections, check, check, TimeUnit.MILLISECONDS);
        LOG.info("Agent endpoint listening on {}:{} (TLS 1.3 by {}, protocol {})", settings.host(), port(),
                TlsContexts.implementation(), protocol);
        return this;
    }

    /** The port it listens on (the ephemeral one when configured with 0). */
    public synchronized int port() {
        if (server == null) {
            throw new IllegalStateException("the agent endpoint is not started");
        }
        for (SocketAddress address : server.getListenSockets()) {
            if (address instanceof InetSocketAddress inet) {
                return inet.getPort();
            }
        }
        return settings.port();
    }

    public Settings settings() {
        return settings;
    }

    @Override
    public synchronized void close() {
        if (server == null) {
            return;
        }
        for (Connection c : List.copyOf(connections.values())) {
            c.close("the manager's agent endpoint is stopping");
        }
        server.shutdown();
        try {
            if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
                server.shutdownNow();
                server.awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        }
        server = null;
        releaseResources();
        LOG.info("Agent endpoint stopped");
    }

    private void releaseResources() {
        if (watchdog != null) {
            watchdog.shutdownNow();
        }
        if (executor != null) {
            executor.shutdownNow();
        }
        NettyResources.shutdown(boss);
        NettyResources.shutdown(workers);
        watchdog = null;
        executor = null;
        boss = null;
        workers = null;
    }

    @Override
    public Optional<AgentChannel> connection(String serverName) {
        return Optional.ofNullable(connections.get(serverName)).filter(Connection::isOpen).map(c -> c);
    }

    @Override
    public List<String> connected() {
        return connections.values().stream().filter(Connection::isOpen).map(Connection::server).sorted().toList();
    }

    @Override
    public void addListener(AgentListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    @Override
    public void removeListener(AgentListener listener) {
        listeners.remove(listener);
    }

    private void closeSilentConnections() {
        long now = System.nanoTime();
        for (Connection c : connections.values()) {
            if (now - c.lastSeen > settings.lease().toNanos()) {
                c.close("no heartbeat from the agent of " + c.server + " for " + settings.lease().toSeconds() + " s");
            }
        }
    }

    private void notifyListeners(String what, Connection c, Consumer<AgentListener> call) {
        for (AgentListener l : listeners) {
            try {
                call.accept(l);
            } catch (RuntimeException e) {
                LOG.warn("An agent listener failed on {} of the agent of {}", what, c.server, e);
            }
        }
    }

    // ---- enrollment ----

    private final class EnrollmentService extends EnrollmentGrpc.EnrollmentImplBase {
        @Override
        public void enroll(EnrollRequest request, StreamObserver<EnrollReply> reply) {
            String refusal = Protocol.incompatibility(Protocol.fromProto(request.getProtocol()), protocol);
            if (refusal != null) {
                LOG.warn("Refused an enrollment: {}", refusal);
                reply.onError(Status.FAILED_PRECONDITION.withDescription(refusal).asRuntimeException());
                return;
            }
            byte[] csr = request.getCsrDer().toByteArray();
            try {
                CertificateRequests.check(csr);
            } catch (IllegalArgumentException e) {
                reply.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
                return;
            }
            String serverName;
            try {
                serverName = registry.redeem(request.getToken());
            } catch (EnrollmentRefusedException e) {
                LOG.warn("Refused an enrollment from {}: {}", remoteAddress(), e.getMessage());
                reply.onError(Status.PERMISSION_DENIED.withDescription(e.getMessage()).asRuntimeException());
                return;
            } catch (RuntimeException e) {
                LOG.error("Enrollment failed while checking the token", e);
                reply.onError(Status.INTERNAL.withDescription("the manager could not check the token (see its log)")
                        .asRuntimeException());
                return;
            }
            try {
                X509Certificate certificate = tls.issueAgentCertificate(csr, serverName, settings.certificateValidity());
                String fingerprint = io.ferry.pki.Fingerprints.sha256(certificate);
                registry.enrolled(serverName, fingerprint, certificate.getNotAfter().toInstant());
                LOG.info("Enrolled the agent of {} (certificate {}, from {})", serverName, fingerprint,
                        remoteAddress());
                reply.onNext(EnrollReply.newBuilder()
                        .setProtocol(Protocol.toProto(protocol))
                        .setServer(serverName)
                        .setCertificateDer(ByteString.copyFrom(certificate.getEncoded()))
                        .setCaCertificateDer(ByteString.copyFrom(tls.caCertificate().getEncoded()))
                        .build());
                reply.onCompleted();
            } catch (GeneralSecurityException | RuntimeException e) {
                LOG.error("Enrollment of the agent of {} failed", serverName, e);
                reply.onError(Status.INTERNAL.withDescription("the manager could not issue the agent's certificate"
                        + " (see its log); the token is used up, create a new one").asRuntimeException());
            }
        }
    }

    private static final Context.Key<String> REMOTE = Context.key("ferry-agent-remote");

    private static String remoteAddress() {
        String address = REMOTE.get();
        return address == null ? "an unknown address" : address;
    }

    private static String address(ServerCall<?, ?> call) {
        SocketAddress remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
        return remote instanceof InetSocketAddress inet ? inet.getAddress().getHostAddress() : String.valueOf(remote);
    }

    /** Puts the caller's address in the context, for the log. */
    private static final class RemoteAddress implements ServerInterceptor {
        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                ServerCallHandler<Q, R> next) {
            return Contexts.interceptCall(Context.current().withValue(REMOTE, address(call)), call, headers, next);
        }
    }

    // ---- control ----

    /** Control needs a client certificate of the CA that the registry still accepts. */
    private final class AgentCertificateCheck implements ServerInterceptor {
        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                ServerCallHandler<Q, R> next) {
            X509Certificate certificate = PeerCertificates.of(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
            if (certificate == null || !PeerCertificates.issuedBy(certificate, tls.caCertificate())) {
                call.close(Status.UNAUTHENTICATED.withDescription("the control channel needs the agent's certificate"
                        + " from this manager's CA (mutual TLS): enroll the agent first"), new Metadata());
                return new ServerCall.Listener<>() {
                };
            }
            String serverName = io.ferry.pki.Certificates.commonName(certificate).orElse("");
            String fingerprint = io.ferry.pki.Fingerprints.sha256(certificate);
            boolean accepted;
            try {
                accepted = registry.accepted(serverName, fingerprint).isPresent();
            } catch (RuntimeException e) {
                LOG.error("Cannot check the certificate of the agent of {}", serverName, e);
                call.close(Status.UNAVAILABLE.withDescription("the manager cannot check the agent's certificate"
                        + " right now"), new Metadata());
                return new ServerCall.Listener<>() {
                };
            }
            if (!accepted) {
                LOG.warn("Refused an agent connection for {}: certificate {} no longer stands for its agent",
                        serverName, fingerprint);
                call.close(Status.PERMISSION_DENIED.withDescription(revoked(serverName, fingerprint)), new Metadata());
                return new ServerCall.Listener<>() {
                };
            }
            String address = address(call);
            Context context = Context.current().withValue(PEER, new AgentPeer(serverName, fingerprint, address));
            return Contexts.interceptCall(context, call, headers, next);
        }
    }

    private static String revoked(String serverName, String fingerprint) {
        return "the certificate " + fingerprint.substring(0, 16) + "... no longer stands for the agent of '"
                + serverName + "' (the agent was removed or enrolled again): enroll this agent with a new token";
    }

    private final class ControlService extends ControlGrpc.ControlImplBase {
        @Override
        public StreamObserver<AgentMessage> connect(StreamObserver<ManagerMessage> out) {
            AgentPeer peer = PEER.get();
            return new ControlStream(peer, (ServerCallStreamObserver<ManagerMessage>) out);
        }
    }

    private final class ControlStream implements StreamObserver<AgentMessage> {
        private final AgentPeer peer;
        private final ServerCallStreamObserver<ManagerMessage> out;
        private volatile Connection connection;

        ControlStream(AgentPeer peer, ServerCallStreamObserver<ManagerMessage> out) {
            this.peer = peer;
            this.out = out;
            // only settable before connect() returns; the connection exists from the Hello on
            out.setOnCancelHandler(() -> {
                Connection c = connection;
                if (c != null) {
                    ended(c, "the agent of " + peer.server + " disconnected");
                }
            });
        }

        @Override
        public void onNext(AgentMessage message) {
            if (connection == null) {
                hello(message);
                return;
            }
            connection.lastSeen = System.nanoTime();
            switch (message.getBodyCase()) {
                case HEARTBEAT -> heartbeat(message.getHeartbeat());
                case PROGRESS -> notifyListeners("progress", connection,
                        l -> l.progress(connection, message.getProgress()));
                case RESULT -> notifyListeners("result", connection, l -> l.result(connection, message.getResult()));
                case GUEST_OPENED -> notifyListeners("guest opened", connection,
                        l -> l.guestOpened(connection, message.getGuestOpened()));
                case GUEST_DATA -> notifyListeners("guest data", connection,
                        l -> l.guestData(connection, message.getGuestData()));
                case GUEST_CLOSE -> notifyListeners("guest close", connection,
                        l -> l.guestClosed(connection, message.getGuestClose()));
                case HELLO -> connection.close("the agent of " + peer.server + " said Hello twice");
                default -> LOG.warn("Ignored an empty message from the agent of {}", peer.server);
            }
        }

        private void hello(AgentMessage message) {
            if (!message.hasHello()) {
                out.onError(Status.FAILED_PRECONDITION.withDescription("the agent's first message must be a Hello")
                        .asRuntimeException());
                return;
            }
            Hello hello = message.getHello();
            String refusal = Protocol.incompatibility(Protocol.fromProto(hello.getProtocol()), protocol);
            if (refusal != null) {
                LOG.warn("Refused the agent of {} from {}: {}", peer.server, peer.address, refusal);
                out.onError(Status.FAILED_PRECONDITION.withDescription(refusal).asRuntimeException());
                return;
            }
            connection = new Connection(peer, hello, out);
            Connection replaced = connections.put(peer.server, connection);
            if (replaced != null) {
                replaced.close("replaced by a newer connection of the agent of " + peer.server);
            }
            connection.send(ManagerMessage.newBuilder().setWelcome(Welcome.newBuilder()
                    .setProtocol(Protocol.toProto(protocol))
                    .setServer(peer.server)
                    .setHeartbeatSeconds((int) settings.heartbeat().toSeconds())
                    .setLeaseSeconds((int) settings.lease().toSeconds())).build());
            LOG.info("Agent of {} connected from {} (protocol {}, Ferry {})", peer.server, peer.address,
                    Protocol.fromProto(hello.getProtocol()), hello.getCapabilities().getFerryVersion());
            record(hello.getCapabilities(), hello.getRunningCount());
            notifyListeners("connect", connection, l -> l.connected(connection));
        }

        private void heartbeat(Heartbeat heartbeat) {
            if (!stillAccepted()) {
                connection.refuse(Status.PERMISSION_DENIED.withDescription(revoked(peer.server, peer.fingerprint)));
                return;
            }
            record(heartbeat.hasCapabilities() ? heartbeat.getCapabilities() : connection.hello.getCapabilities(),
                    heartbeat.getRunningCount());
        }

        /** Whether the registry still accepts the certificate (true when it cannot tell: a catalog hiccup
         *  must not drop every agent; the next heartbeat asks again). */
        private boolean stillAccepted() {
            try {
                return registry.accepted(peer.server, peer.fingerprint).isPresent();
            } catch (RuntimeException e) {
                LOG.warn("Cannot check the certificate of the agent of {}", peer.server, e);
                return true;
            }
        }

        private void record(io.ferry.agent.protocol.v1.Capabilities capabilities, int running) {
            try {
                AgentCapabilities c = Protocol.fromProto(capabilities);
                registry.heartbeat(peer.server, peer.address, c, running, Instant.now());
            } catch (RuntimeException e) {
                LOG.warn("Could not record the heartbeat of the agent of {}", peer.server, e);
            }
        }

        @Override
        public void onError(Throwable t) {
            if (connection != null) {
                ended(connection, "the agent of " + peer.server + " disconnected: " + Status.fromThrowable(t));
            }
        }

        @Override
        public void onCompleted() {
            if (connection != null) {
                connection.complete();
                ended(connection, "the agent of " + peer.server + " closed its connection");
            }
        }
    }

    private void ended(Connection c, String reason) {
        if (!c.ended.compareAndSet(false, true)) {
            return;
        }
        c.open = false;
        connections.remove(c.server, c);
        LOG.info("Agent connection ended: {}", reason);
        notifyListeners("disconnect", c, l -> l.disconnected(c, reason));
    }

    private final class Connection implements AgentChannel {
        private final String server;
        private final String fingerprint;
        private final String address;
        private final Hello hello;
        private final ServerCallStreamObserver<ManagerMessage> out;
        private final AtomicBoolean ended = new AtomicBoolean();
        private volatile boolean open = true;
        private volatile long lastSeen = System.nanoTime();

        Connection(AgentPeer peer, Hello hello, ServerCallStreamObserver<ManagerMessage> out) {
            this.server = peer.server;
            this.fingerprint = peer.fingerprint;
            this.address = peer.address;
            this.hello = hello;
            this.out = out;
        }

        @Override
        public String server() {
            return server;
        }

        @Override
        public String fingerprint() {
            return fingerprint;
        }

        @Override
        public String address() {
            return address;
        }

        @Override
        public Hello hello() {
            return hello;
        }

        @Override
        public void send(ManagerMessage message) {
            synchronized (this) {
                if (!open) {
                    throw new IllegalStateException("the agent of " + server + " is not connected");
                }
                out.onNext(message);
            }
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public void close(String reason) {
            refuse(Status.UNAVAILABLE.withDescription(reason));
        }

        void refuse(Status status) {
            synchronized (this) {
                if (!open) {
                    return;
                }
                open = false;
                try {
                    out.onError(status.asRuntimeException());
                } catch (RuntimeException e) {
                    LOG.debug("Closing the stream of the agent of {} failed", server, e);
                }
            }
            ended(this, status.getDescription());
        }

        void complete() {
            synchronized (this) {
                if (open) {
                    open = false;
                    try {
                        out.onCompleted();
                    } catch (RuntimeException e) {
                        LOG.debug("Completing the stream of the agent of {} failed", server, e);
                    }
                }
            }
        }
    }
}
