package io.ferry.itests;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A unix-socket relay in front of a QEMU guest agent socket that catches a guest while it is
 * frozen: it passes everything through, but while armed it holds back the first
 * {@code guest-fsfreeze-thaw} request. The test then kills Ferry between freeze and thaw,
 * which no timing trick could hit reliably (the freeze lasts milliseconds). Disarmed (after
 * the kill) it is a plain relay, so the restarted Ferry reaches the guest through the same
 * socket path it recorded before freezing.
 */
final class AgentTrap implements AutoCloseable {
    private static final String THAW = "guest-fsfreeze-thaw";

    private final Path listen;
    private final Path upstream;
    private final ServerSocketChannel server;
    private final CountDownLatch caught = new CountDownLatch(1);
    private final List<SocketChannel> open = new CopyOnWriteArrayList<>();
    private volatile boolean armed = true;

    private AgentTrap(Path listen, Path upstream) throws IOException {
        this.listen = listen;
        this.upstream = upstream;
        Files.deleteIfExists(listen);
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(listen));
        Thread accept = new Thread(this::accept, "agent-trap " + listen.getFileName());
        accept.setDaemon(true);
        accept.start();
    }

    /** Listens on {@code listen} and relays to the agent socket {@code upstream}; armed. */
    static AgentTrap between(Path listen, Path upstream) throws IOException {
        return new AgentTrap(listen, upstream);
    }

    Path socket() {
        return listen;
    }

    /** Waits until a thaw request was held back. */
    boolean awaitHeldThaw(Duration timeout) throws InterruptedException {
        return caught.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** From now on relays everything; drops the connections of the held thaw. */
    void disarm() {
        armed = false;
        for (SocketChannel ch : open) {
            closeQuietly(ch);
        }
    }

    @Override
    public void close() {
        armed = false;
        closeQuietly(server);
        for (SocketChannel ch : open) {
            closeQuietly(ch);
        }
        try {
            Files.deleteIfExists(listen);
        } catch (IOException e) {
            // a socket file left in the lab directory, deleted with it
        }
    }

    private void accept() {
        while (server.isOpen()) {
            try {
                SocketChannel client = server.accept();
                SocketChannel agent = SocketChannel.open(StandardProtocolFamily.UNIX);
                agent.connect(UnixDomainSocketAddress.of(upstream));
                open.add(client);
                open.add(agent);
                pump(client, agent, true);
                pump(agent, client, false);
            } catch (IOException e) {
                if (server.isOpen()) {
                    System.err.println("agent trap " + listen + ": " + e);
                }
            }
        }
    }

    private void pump(SocketChannel from, SocketChannel to, boolean requests) {
        Thread t = new Thread(() -> {
            ByteBuffer buf = ByteBuffer.allocate(8192);
            String tail = "";
            try {
                while (from.read(buf.clear()) >= 0) {
                    buf.flip();
                    if (requests && armed) {
                        String seen = tail + ISO_8859_1.decode(buf.duplicate());
                        if (seen.contains(THAW)) {
                            // hold it: never forwarded; the guest stays frozen
                            caught.countDown();
                            return;
                        }
                        tail = seen.substring(Math.max(0, seen.length() - THAW.length()));
                    }
                    while (buf.hasRemaining()) {
                        to.write(buf);
                    }
                }
            } catch (IOException e) {
                // one side closed
            }
            closeQuietly(from);
            closeQuietly(to);
        }, "agent-trap-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(java.nio.channels.Channel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
