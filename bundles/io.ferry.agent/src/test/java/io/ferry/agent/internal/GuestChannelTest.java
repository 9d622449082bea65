package io.ferry.agent.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.ferry.api.FerryException;
import io.ferry.api.agent.AgentLostException;
import io.ferry.api.paths.ConfinedPaths;
import io.ferry.api.paths.PathArea;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Guest channels end to end (protocol 1.2): a real manager endpoint (mutual TLS on 127.0.0.1),
 * a real agent client with the agent's guest sockets, and a unix-socket server that answers
 * like a QEMU guest agent (one JSON reply per command line), as a guest interaction proxy's
 * agent reaches a guest for the manager (seed 001: 001_7a67f23d89d19bc8.txt).
 */
class GuestChannelTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path tmp;

    private final TestCa ca = new TestCa("Test manager CA");
    private final InMemoryAgentRegistry registry = new InMemoryAgentRegistry();
    private final List<AutoCloseable> open = new ArrayList<>();
    private ManagerEndpoint endpoint;
    private GuestRelays relays;
    private GuestSockets sockets;
    private FakeGuestAgent guest;

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    /** Manager, the agent of gi-lin-01 (socket.roots = tmp/lab) and a guest agent socket in tmp/lab/vm. */
    private void start() throws Exception {
        endpoint = new ManagerEndpoint(ManagerEndpoint.Settings.defaults().withPort(0)
                .withTimes(Duration.ofSeconds(1), Duration.ofSeconds(5)), ca, registry, Protocol.CURRENT).start();
        open.add(endpoint);
        relays = new GuestRelays(endpoint, s -> s.equals("gi-lin-01"));
        endpoint.addListener(relays);
        AgentIdentity identity = ca.agent("gi-lin-01", endpoint.port(), tmp.resolve("gi-lin-01"));
        registry.enrolled("gi-lin-01", io.ferry.pki.Fingerprints.sha256(identity.certificate()),
                identity.certificate().getNotAfter().toInstant());
        Path lab = Files.createDirectories(tmp.resolve("lab/vm"));
        AgentClient[] client = new AgentClient[1];
        sockets = new GuestSockets(new ConfinedPaths(Map.of(PathArea.NBD_SOCKETS, List.of(tmp.resolve("lab"))),
                List.of(), List.of(), "etc/io.ferry.paths.cfg"), m -> client[0] != null && client[0].send(m),
                Duration.ofSeconds(5));
        guest = new FakeGuestAgent(lab.resolve("qga.sock"));
        open.add(guest);
        client[0] = new AgentClient(identity, AgentClient.Settings.defaults(tmp, "test")
                .withBackoff(Duration.ofMillis(100), Duration.ofSeconds(1)),
                AgentClientComponent.messages(ManagerMessageHandler.NONE, null, sockets), Protocol.CURRENT).start();
        open.add(client[0]);
        await("the agent is connected", () -> endpoint.connection("gi-lin-01").isPresent());
    }

    @Test
    void theManagerTalksToTheGuestAgentThroughTheProxysAgentAndClosingEndsBothSides() throws Exception {
        start();
        ByteChannel channel = relays.open("gi-lin-01", guest.socket, Duration.ofSeconds(10));
        assertEquals("{\"return\": {}}", exchange(channel, "{\"execute\":\"guest-ping\"}"));
        assertEquals("{\"return\": 1}", exchange(channel, "{\"execute\":\"guest-fsfreeze-freeze\"}"));
        assertEquals("{\"return\": 1}", exchange(channel, "{\"execute\":\"guest-fsfreeze-thaw\"}"));
        assertEquals(List.of("guest-ping", "guest-fsfreeze-freeze", "guest-fsfreeze-thaw"), guest.commands);
        assertEquals(1, relays.openChannels());
        assertEquals(1, sockets.openChannels());

        channel.close();
        await("the agent closed its socket", () -> guest.ended);
        await("nothing stays open on the agent", () -> sockets.openChannels() == 0);
        assertEquals(0, relays.openChannels());
        assertThrows(java.nio.channels.ClosedChannelException.class, () -> channel.write(line("x")));
    }

    @Test
    void theGuestAgentClosingItsSocketEndsTheStreamOnTheManager() throws Exception {
        start();
        ByteChannel channel = relays.open("gi-lin-01", guest.socket, Duration.ofSeconds(10));
        assertEquals("{\"return\": {}}", exchange(channel, "{\"execute\":\"guest-ping\"}"));
        guest.dropClient();
        assertEquals(-1, channel.read(ByteBuffer.allocate(16)), "end of stream, as a unix socket would say");
        await("the agent forgot the channel", () -> sockets.openChannels() == 0);
        assertEquals(0, relays.openChannels());
    }

    @Test
    void aSocketOutsideTheAgentsSocketRootsIsRefusedNamingTheSetting() throws Exception {
        start();
        Path outside = Files.createDirectories(tmp.resolve("elsewhere")).resolve("qga.sock");
        FerryException e = assertThrows(FerryException.class,
                () -> relays.open("gi-lin-01", outside, Duration.ofSeconds(10)));
        assertTrue(e.getMessage().contains("The agent of gi-lin-01 cannot open a channel to " + outside), e.getMessage());
        assertTrue(e.getMessage().contains("socket.roots"), e.getMessage());
        FerryException missing = assertThrows(FerryException.class,
                () -> relays.open("gi-lin-01", tmp.resolve("lab/vm/none.sock"), Duration.ofSeconds(10)));
        assertTrue(missing.getMessage().contains("cannot connect to " + tmp.resolve("lab/vm/none.sock")),
                missing.getMessage());
        assertEquals(0, relays.openChannels());
        assertEquals(0, sockets.openChannels());
        assertTrue(guest.commands.isEmpty());
    }

    @Test
    void aServerWhoseAgentIsNotConnectedIsALostAgent() throws Exception {
        start();
        AgentLostException e = assertThrows(AgentLostException.class,
                () -> relays.open("gp-hq-01", guest.socket, Duration.ofSeconds(10)));
        assertEquals("the agent of gp-hq-01 is not connected", e.getMessage());
    }

    @Test
    void whenTheManagerGoesAwayWhileTheGuestIsFrozenTheAgentThawsIt() throws Exception {
        start();
        ByteChannel channel = relays.open("gi-lin-01", guest.socket, Duration.ofSeconds(10));
        assertEquals("{\"return\": 1}", exchange(channel, "{\"execute\":\"guest-fsfreeze-freeze\"}"));
        endpoint.close(); // the manager stops (or its connection breaks) before the thaw
        await("the agent thawed the guest", () -> guest.commands.contains("guest-fsfreeze-thaw"));
        assertEquals(List.of("guest-fsfreeze-freeze", "guest-fsfreeze-thaw"), guest.commands);
        IOException lost = assertThrows(IOException.class, () -> channel.read(ByteBuffer.allocate(16)));
        assertTrue(lost.getMessage().contains("the agent of gi-lin-01 disconnected"), lost.getMessage());
        await("the agent closed its socket", () -> guest.ended);
    }

    private static ByteBuffer line(String text) {
        return ByteBuffer.wrap((text + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** Writes one command line and reads one reply line. */
    private static String exchange(ByteChannel channel, String command) throws IOException {
        channel.write(line(command));
        StringBuilder reply = new StringBuilder();
        ByteBuffer one = ByteBuffer.allocate(1);
        while (true) {
            one.clear();
            if (channel.read(one) < 0) {
                fail("the channel ended before a reply to " + command);
            }
            char c = (char) one.get(0);
            if (c == '\n') {
                return reply.toString();
            }
            reply.append(c);
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                fail("not within " + WAIT.toSeconds() + " s: " + what);
            }
            Thread.sleep(20);
        }
    }

    /** One client at a time, one reply line per command line, like qemu-guest-agent on its socket. */
    private static final class FakeGuestAgent implements AutoCloseable {
        final Path socket;
        final List<String> commands = new CopyOnWriteArrayList<>();
        final ServerSocketChannel server;
        final Thread thread;
        volatile SocketChannel client;
        volatile boolean ended;

        FakeGuestAgent(Path socket) throws IOException {
            this.socket = socket;
            this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket));
            this.thread = new Thread(this::serve, "fake-qga");
            thread.setDaemon(true);
            thread.start();
        }

        private void serve() {
            try (SocketChannel c = server.accept()) {
                client = c;
                StringBuilder line = new StringBuilder();
                ByteBuffer buffer = ByteBuffer.allocate(4096);
                while (c.read(buffer.clear()) >= 0) {
                    buffer.flip();
                    while (buffer.hasRemaining()) {
                        char ch = (char) buffer.get();
                        if (ch != '\n') {
                            line.append(ch);
                            continue;
                        }
                        String command = line.toString().replaceAll(".*\"execute\":\"([a-z-]+)\".*", "$1");
                        line.setLength(0);
                        commands.add(command);
                        String reply = command.startsWith("guest-fsfreeze") ? "{\"return\": 1}\n" : "{\"return\": {}}\n";
                        c.write(ByteBuffer.wrap(reply.getBytes(StandardCharsets.UTF_8)));
                    }
                }
            } catch (IOException e) {
                // dropped or closed
            } finally {
                ended = true;
            }
        }

        void dropClient() throws IOException {
            client.close();
        }

        @Override
        public void close() throws IOException {
            server.close();
            if (client != null) {
                client.close();
            }
            Files.deleteIfExists(socket);
        }
    }
}
