package io.ferry.agent.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.ferry.agent.protocol.v1.AgentMessage;
import io.ferry.agent.protocol.v1.CancelTask;
import io.ferry.agent.protocol.v1.ControlGrpc;
import io.ferry.agent.protocol.v1.ManagerMessage;
import io.ferry.agent.protocol.v1.TaskAssignment;
import io.ferry.agent.protocol.v1.TaskProgress;
import io.ferry.agent.protocol.v1.TaskRef;
import io.ferry.api.agent.ProtocolVersion;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent transport end to end on 127.0.0.1: a real manager endpoint (TLS 1.3, ephemeral
 * port), the enrollment tool, and agent clients, with certificates of a BouncyCastle test CA.
 */
class AgentTransportTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path tmp;

    private final TestCa ca = new TestCa("Test manager CA");
    private final InMemoryAgentRegistry registry = new InMemoryAgentRegistry();
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private ManagerEndpoint endpoint(int port, ProtocolVersion protocol) throws Exception {
        ManagerEndpoint.Settings settings = ManagerEndpoint.Settings.defaults().withPort(port)
                .withTimes(Duration.ofSeconds(1), Duration.ofSeconds(5));
        ManagerEndpoint endpoint = new ManagerEndpoint(settings, ca, registry, protocol).start();
        open.add(endpoint);
        return endpoint;
    }

    private ManagerEndpoint endpoint() throws Exception {
        return endpoint(0, Protocol.CURRENT);
    }

    private AgentClient client(AgentIdentity identity, ManagerMessageHandler handler, ProtocolVersion protocol)
            throws Exception {
        AgentClient.Settings settings = AgentClient.Settings.defaults(tmp, "test")
                .withBackoff(Duration.ofMillis(100), Duration.ofSeconds(1));
        AgentClient client = new AgentClient(identity, settings, handler, protocol).start();
        open.add(client);
        return client;
    }

    private AgentIdentity enrolledAgent(String server, ManagerEndpoint endpoint) throws Exception {
        AgentIdentity identity = ca.agent(server, endpoint.port(), tmp.resolve(server));
        registry.enrolled(server, io.ferry.pki.Fingerprints.sha256(identity.certificate()),
                identity.certificate().getNotAfter().toInstant());
        return identity;
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                fail("not within " + WAIT.toSeconds() + " s: " + what);
            }
            Thread.sleep(50);
        }
    }

    private record Run(int exit, String out, String err) {
    }

    private static Run enrollTool(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = EnrollTool.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Records what the manager sends to an agent. */
    private static final class RecordingHandler implements ManagerMessageHandler {
        final List<TaskAssignment> assigned = new CopyOnWriteArrayList<>();
        final List<CancelTask> cancelled = new CopyOnWriteArrayList<>();

        @Override
        public void assigned(TaskAssignment assignment) {
            assigned.add(assignment);
        }

        @Override
        public void cancelled(CancelTask cancel) {
            cancelled.add(cancel);
        }

        @Override
        public List<TaskRef> running() {
            return assigned.stream().map(TaskAssignment::getTask).toList();
        }
    }

    @Test
    void anEnrolledAgentConnectsWithMutualTlsHeartbeatsAndCarriesTasksBothWays() throws Exception {
        ManagerEndpoint endpoint = endpoint();
        String token = registry.createToken("px-01", Duration.ofMinutes(5), ca.fingerprint()).text();
        Path dir = tmp.resolve("agent");

        Run run = enrollTool("--manager", "127.0.0.1:" + endpoint.port(), "--token", token, "--dir", dir.toString());

        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().contains("Enrolled as the agent of server 'px-01'"), run.out());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                dir.resolve(AgentIdentity.KEY))));
        AgentIdentity identity = AgentIdentity.load(dir);
        assertEquals("px-01", identity.server());
        assertEquals("px-01", io.ferry.pki.Certificates.commonName(identity.certificate()).orElse(""));
        assertTrue(registry.accepted("px-01", io.ferry.pki.Fingerprints.sha256(identity.certificate())).isPresent(),
                "the registry knows the new certificate");

        List<TaskProgress> progress = new CopyOnWriteArrayList<>();
        List<String> lost = new CopyOnWriteArrayList<>();
        endpoint.addListener(new AgentListener() {
            @Override
            public void progress(AgentChannel channel, TaskProgress p) {
                progress.add(p);
            }

            @Override
            public void disconnected(AgentChannel channel, String reason) {
                lost.add(channel.server() + ": " + reason);
            }
        });
        RecordingHandler handler = new RecordingHandler();
        AgentClient client = client(identity, handler, Protocol.CURRENT);

        await("two heartbeats of px-01 reach the registry", () -> registry.beatsOf("px-01") >= 3);
        InMemoryAgentRegistry.Beat beat = registry.heartbeats.get(registry.heartbeats.size() - 1);
        assertEquals("127.0.0.1", beat.address());
        assertEquals(Protocol.CURRENT, beat.capabilities().protocol());
        assertTrue(beat.capabilities().scratchFreeBytes() > 0, "scratch space reported");
        // qemu-utils and libnbd-bin are installed here and in CI (.ci/run APT_PACKAGES)
        assertTrue(beat.capabilities().qemuVersion().matches("\\d+\\.\\d+(\\.\\d+)?"),
                "qemu-img's version: " + beat.capabilities().qemuVersion());
        assertTrue(beat.capabilities().libnbdVersion().matches("\\d+\\.\\d+(\\.\\d+)?"),
                "libnbd's version: " + beat.capabilities().libnbdVersion());
        assertTrue(beat.capabilities().os().startsWith("Linux"), beat.capabilities().os());
        assertEquals(List.of("px-01"), endpoint.connected());

        TaskRef task = TaskRef.newBuilder().setTaskId("t-1").setAttempt(1).build();
        endpoint.connection("px-01").orElseThrow().send(ManagerMessage.newBuilder()
                .setAssign(TaskAssignment.newBuilder().setTask(task)).build());
        await("the agent receives the assignment", () -> handler.assigned.size() == 1);
        assertTrue(client.send(AgentMessage.newBuilder().setProgress(TaskProgress.newBuilder().setTask(task)
                .setDoneBytes(42)).build()));
        await("the manager receives the progress", () -> progress.size() == 1);
        assertEquals(42, progress.get(0).getDoneBytes());
        await("a heartbeat reports the running task", () -> registry.heartbeats.stream()
                .anyMatch(b -> b.running() == 1));

        client.close();
        await("the manager sees the agent leave", () -> !lost.isEmpty());
        assertTrue(endpoint.connection("px-01").isEmpty());
    }

    @Test
    void aRefusedTokenReachesTheEnrollmentToolWithTheRegistrysReason() throws Exception {
        ManagerEndpoint endpoint = endpoint();
        String token = registry.createToken("px-01", Duration.ofMinutes(5), ca.fingerprint()).text();
        Path dir = tmp.resolve("agent");
        assertEquals(0, enrollTool("--manager", "127.0.0.1:" + endpoint.port(), "--token", token, "--dir",
                dir.toString()).exit());

        Run again = enrollTool("--manager", "127.0.0.1:" + endpoint.port(), "--token", token, "--dir",
                tmp.resolve("second").toString());

        assertEquals(1, again.exit());
        assertTrue(again.err().contains("the manager refused the token: enrollment token for 'px-01' was already"
                + " used"), again.err());
        assertFalse(again.err().contains(EnrollmentTokenParts.secret(token)), "the secret is not echoed");
        assertFalse(Files.exists(tmp.resolve("second").resolve(AgentIdentity.PROPERTIES)));
    }

    @Test
    void anExpiredTokenIsRefusedWithTheRegistrysReason() throws Exception {
        ManagerEndpoint endpoint = endpoint();
        String token = registry.createToken("px-02", Duration.ofMillis(1), ca.fingerprint()).text();
        Thread.sleep(20);

        Run run = enrollTool("--manager", "127.0.0.1:" + endpoint.port(), "--token", token, "--dir",
                tmp.resolve("agent").toString());

        assertEquals(1, run.exit());
        assertTrue(run.err().contains("the manager refused the token: enrollment token for 'px-02' expired at"),
                run.err());
    }

    @Test
    void aManagerOfAnIncompatibleProtocolRefusesTheEnrollmentNamingBothVersions() throws Exception {
        ManagerEndpoint endpoint = endpoint(0, new ProtocolVersion(3, 0));
        String token = registry.createToken("px-01", Duration.ofMinutes(5), ca.fingerprint()).text();

        Run run = enrollTool("--manager", "127.0.0.1:" + endpoint.port(), "--token", token, "--dir",
                tmp.resolve("agent").toString());

        assertEquals(1, run.exit());
        assertTrue(run.err().contains("the manager refused this agent: agent protocol " + Protocol.CURRENT
                + " is not compatible with the manager's protocol 3.0"), run.err());
        assertEquals(0, registry.redeemCalls.get(), "the token is not used up by a refused version");
    }

    @Test
    void aConnectionWithoutHeartbeatsIsClosedWhenItsLeaseRunsOut() throws Exception {
        ManagerEndpoint endpoint = endpoint();
        AgentIdentity identity = enrolledAgent("px-01", endpoint);
        List<String> lost = new CopyOnWriteArrayList<>();
        endpoint.addListener(new AgentListener() {
            @Override
            public void disconnected(AgentChannel channel, String reason) {
                lost.add(reason);
            }
        });
        // an agent that says Hello and then nothing: no AgentClient, a bare stream
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", endpoint.port())
                .sslContext(TlsContexts.agent(identity.key(), List.of(identity.certificate()),
                        ManagerTrust.anchoredAt(identity.ca()))).build();
        open.add(channel::shutdownNow);
        CompletableFuture<Status> ended = new CompletableFuture<>();
        List<ManagerMessage> received = new CopyOnWriteArrayList<>();
        StreamObserver<AgentMessage> requests = ControlGrpc.newStub(channel).connect(new StreamObserver<>() {
            @Override
            public void onNext(ManagerMessage value) {
                received.add(value);
            }

            @Override
            public void onError(Throwable t) {
                ended.complete(Status.fromThrowable(t));
            }

            @Override
            public void onCompleted() {
                ended.complete(Status.OK);
            }
        });
        requests.onNext(AgentMessage.newBuilder().setHello(io.ferry.agent.protocol.v1.Hello.newBuilder()
                .setProtocol(Protocol.toProto(Protocol.CURRENT))).build());

        Status status = ended.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(Status.Code.UNAVAILABLE, status.getCode());
        assertEquals("no heartbeat from the agent of px-01 for 5 s", status.getDescription());
        assertTrue(received.get(0).hasWelcome(), "welcomed first");
        assertEquals(5, received.get(0).getWelcome().getLeaseSeconds());
        await("the manager's listener hears of it", () -> lost.contains("no heartbeat from the agent of px-01 for 5 s"));
        assertTrue(endpoint.connection("px-01").isEmpty());
    }

    @Test
    void aManagerWithoutTheTokensCaIsRefusedBeforeTheTokenIsSent() throws Exception {
        ManagerEndpoint endpoint = endpoint();
        TestCa other = new TestCa("Another CA");
        String token = registry.createToken("px-01", Duration.ofMinutes(5), other.fingerprint()).text();

        Run run = enrollTool("--manager", "127.0.0.1:" + endpoint.port(), "--token", token, "--dir",
                tmp.resolve("agent").toString());

        assertEquals(1, run.exit());
        assertTrue(run.err().contains("does not contain the CA certificate with SHA-256 fingerprint "
                + other.fingerprint()), run.err());
        assertTrue(run.err().contains("the token was not sent"), run.err());
        assertEquals(0, registry.redeemCalls.get(), "the manager never saw the token");
    }

    @Test
    void aManagerThatDoesNotAnswerDoesNotHangTheEnrollmentToolPastItsDeadline() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            List<Socket> accepted = new CopyOnWriteArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        accepted.add(silent.accept());
                    }
                } catch (java.io.IOException e) {
                    // closed
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            String token = registry.createToken("px-01", Duration.ofMinutes(5), ca.fingerprint()).text();
            long start = System.nanoTime();

            Run run = enrollTool("--manager", "127.0.0.1:" + silent.getLocalPort(), "--token", token, "--dir",
                    tmp.resolve("agent").toString(), "--timeout", "2");

            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
            assertEquals(1, run.exit());
            assertTrue(run.err().contains("did not answer within 2 s"), run.err());
            assertTrue(seconds < 15, "returned after " + seconds + " s");
            assertFalse(accepted.isEmpty(), "the tool did reach the silent manager");
            for (Socket s : accepted) {
                s.close();
            }
        }
    }

    @Test
    void anUnreachableManagerIsNamed() {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        String token = "FE1.0123456789abcdef." + "A".repeat(43) + "." + ca.fingerprint();

        Run run = enrollTool("--manager", "127.0.0.1:" + port, "--token", token, "--dir",
                tmp.resolve("agent").toString(), "--timeout", "5");

        assertEquals(1, run.exit());
        assertTrue(run.err().contains("cannot reach the manager at 127.0.0.1:" + port), run.err());
    }

    @Test
    void wrongArgumentsAreNamed() {
        Run noToken = enrollTool("--manager", "127.0.0.1:8143", "--dir", tmp.toString());
        assertEquals(2, noToken.exit());
        assertTrue(noToken.err().contains("--token is missing"), noToken.err());

        Run badToken = enrollTool("--manager", "127.0.0.1:8143", "--token", "FE1.nope", "--dir", tmp.toString());
        assertEquals(2, badToken.exit());
        assertTrue(badToken.err().contains("this is not an enrollment token"), badToken.err());
        assertFalse(badToken.err().contains("FE1.nope"), "the token text is not echoed");

        Run badManager = enrollTool("--manager", "backup", "--token", "x", "--dir", tmp.toString());
        assertEquals(2, badManager.exit());
        assertTrue(badManager.err().contains("'backup' is not HOST:PORT"), badManager.err());
    }

    @Test
    void aClientCertificateFromAnotherCaIsRefused() throws Exception {
        ManagerEndpoint endpoint = endpoint();
        TestCa other = new TestCa("Another CA");
        AgentIdentity foreign = other.agent("px-01", endpoint.port(), tmp.resolve("foreign"));
        // the agent trusts the real manager (so that the refusal is the manager's), with a certificate of another CA
        AgentIdentity identity = new AgentIdentity("px-01", "127.0.0.1", endpoint.port(), foreign.key(),
                foreign.certificate(), ca.caCertificate());
        registry.enrolled("px-01", io.ferry.pki.Fingerprints.sha256(foreign.certificate()),
                foreign.certificate().getNotAfter().toInstant());

        AgentClient client = client(identity, ManagerMessageHandler.NONE, Protocol.CURRENT);

        await("the agent is refused", () -> client.lastFailure().isPresent());
        // the manager's TLS asks for a certificate of its CA: the JDK's key manager then offers none
        // (a certificate of another CA that a client forces on it fails the TLS handshake)
        assertEquals("the control channel needs the agent's certificate from this manager's CA (mutual TLS): enroll"
                + " the agent first", client.lastFailure().get());
        assertFalse(client.isConnected());
        assertEquals(0, registry.beatsOf("px-01"));
    }

    @Test
    void theControlChannelRefusesACallWithoutAClientCertificate() throws Exception {
        ManagerEndpoint endpoint = endpoint();
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", endpoint.port())
                .sslContext(TlsContexts.enrolling(ManagerTrust.pinned(ca.fingerprint()))).build();
        open.add(channel::shutdownNow);
        CompletableFuture<Status> ended = new CompletableFuture<>();
        StreamObserver<AgentMessage> requests = ControlGrpc.newStub(channel).connect(new StreamObserver<>() {
            @Override
            public void onNext(ManagerMessage value) {
            }

            @Override
            public void onError(Throwable t) {
                ended.complete(Status.fromThrowable(t));
            }

            @Override
            public void onCompleted() {
                ended.complete(Status.OK);
            }
        });
        requests.onNext(AgentMessage.getDefaultInstance());

        Status status = ended.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(Status.Code.UNAUTHENTICATED, status.getCode());
        assertTrue(status.getDescription().contains("enroll the agent first"), status.getDescription());
    }

    @Test
    void aCertificateNoLongerAcceptedIsRefusedAndItsConnectionEnds() throws Exception {
        ManagerEndpoint endpoint = endpoint();
        AgentIdentity identity = enrolledAgent("px-01", endpoint);
        AgentClient client = client(identity, ManagerMessageHandler.NONE, Protocol.CURRENT);
        await("connected", client::isConnected);

        registry.remove("px-01");

        await("the connection ends at the next heartbeat", () -> !client.isConnected()
                && client.lastFailure().isPresent());
        assertTrue(client.lastFailure().get().contains("no longer stands for the agent of 'px-01'"),
                client.lastFailure().get());
        assertTrue(endpoint.connection("px-01").isEmpty());
    }

    @Test
    void agentsOnTwoSitesConnectFromTheirOwnAddresses() throws Exception {
        ManagerEndpoint endpoint = endpoint();
        for (String[] site : new String[][] {{"px-hq", "127.0.0.11"}, {"px-br", "127.0.0.12"}}) {
            AgentIdentity identity = enrolledAgent(site[0], endpoint);
            AgentClient.Settings settings = AgentClient.Settings.defaults(tmp, "test")
                    .withBackoff(Duration.ofMillis(100), Duration.ofSeconds(1)).withSourceAddress(site[1]);
            open.add(new AgentClient(identity, settings, ManagerMessageHandler.NONE).start());
        }
        await("both sites connected", () -> endpoint.connected().size() == 2);
        assertEquals("127.0.0.11", endpoint.connection("px-hq").orElseThrow().address());
        assertEquals("127.0.0.12", endpoint.connection("px-br").orElseThrow().address());

        assertEquals("source address 'no-such-host.invalid' is not an address of this machine",
                assertThrows(IllegalArgumentException.class, () -> NettyResources.fromSource(
                        io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder.forAddress("127.0.0.1", 1),
                        "no-such-host.invalid")).getMessage());
    }

    @Test
    void anAgentTwoMajorVersionsAwayIsRefusedNamingBothVersionsAndOneMinorApartIsWelcome() throws Exception {
        ManagerEndpoint endpoint = endpoint();
        AgentIdentity identity = enrolledAgent("px-01", endpoint);

        AgentClient newer = client(identity, ManagerMessageHandler.NONE, new ProtocolVersion(2, 0));
        await("the 2.0 agent is refused", () -> newer.lastFailure().isPresent());
        assertEquals("agent protocol 2.0 is not compatible with the manager's protocol 1.2 (agents one minor version"
                + " apart interoperate)", newer.lastFailure().get());
        assertFalse(newer.isConnected());
        assertEquals(0, registry.beatsOf("px-01"));
        assertEquals(Duration.ofSeconds(1), newer.lastWait().orElseThrow(), "a refusal waits the longest backoff");
        newer.close();

        AgentClient minor = client(identity, ManagerMessageHandler.NONE, new ProtocolVersion(1, 1));
        await("the 1.1 agent is welcome", minor::isConnected);
        await("its heartbeat is recorded", () -> registry.beatsOf("px-01") >= 1);
        assertEquals(new ProtocolVersion(1, 1),
                registry.heartbeats.get(registry.heartbeats.size() - 1).capabilities().protocol());
    }

    @Test
    void theAgentReconnectsAfterTheManagerEndpointRestarts() throws Exception {
        ManagerEndpoint first = endpoint();
        int port = first.port();
        AgentIdentity identity = enrolledAgent("px-01", first);
        AgentClient client = client(identity, ManagerMessageHandler.NONE, Protocol.CURRENT);
        await("connected to the first endpoint", client::isConnected);

        first.close();
        await("the agent notices", () -> !client.isConnected());
        await("and plans a retry", () -> client.lastWait().isPresent());
        assertTrue(client.lastWait().get().compareTo(Duration.ofMillis(120)) <= 0,
                "the first retry after a lost connection is the shortest backoff (with jitter): "
                        + client.lastWait().get());
        registry.heartbeats.clear();
        ManagerEndpoint second = endpoint(port, Protocol.CURRENT);

        await("reconnected to the second endpoint", () -> client.isConnected()
                && second.connection("px-01").isPresent());
        await("heartbeats reach the registry again", () -> registry.beatsOf("px-01") >= 2);
    }

    /** The secret part of a token text. */
    private static final class EnrollmentTokenParts {
        static String secret(String text) {
            return io.ferry.api.agent.EnrollmentToken.Text.parse(text).secret();
        }
    }
}
