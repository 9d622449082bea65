package io.ferry.agent.internal;

import com.google.protobuf.ByteString;
import io.ferry.agent.protocol.v1.AgentMessage;
import io.ferry.agent.protocol.v1.GuestClose;
import io.ferry.agent.protocol.v1.GuestData;
import io.ferry.agent.protocol.v1.GuestOpen;
import io.ferry.agent.protocol.v1.GuestOpened;
import io.ferry.api.paths.PathArea;
import io.ferry.api.paths.PathPolicy;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's side of guest channels (agent.proto, "GuestOpen"): for the manager it connects
 * to unix sockets of this machine inside {@code socket.roots} (etc/io.ferry.paths.cfg; QEMU
 * guest agent sockets) and relays the bytes both ways. It watches what it relays for the
 * guest agent's freeze and thaw commands: when the connection to the manager ends while a
 * guest it relayed a freeze to is not thawed, it thaws that guest itself, so a lost manager
 * never leaves a guest frozen.
 */
final class GuestSockets implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GuestSockets.class);
    /** Guest channels open at once; a job freezes one guest at a time per VM. */
    static final int MAX_OPEN = 32;
    private static final byte[] THAW = "{\"execute\":\"guest-fsfreeze-thaw\"}\n".getBytes(StandardCharsets.US_ASCII);

    private final PathPolicy paths;
    private final Predicate<AgentMessage> send;
    private final Duration thawTimeout;
    private final ConcurrentMap<String, Relay> open = new ConcurrentHashMap<>();

    /**
     * @param paths       where sockets may be (null: none may be opened)
     * @param send        sends a message to the manager; false when not connected
     * @param thawTimeout how long to wait for the guest agent's answer to a thaw this side sends
     */
    GuestSockets(PathPolicy paths, Predicate<AgentMessage> send, Duration thawTimeout) {
        this.paths = paths;
        this.send = Objects.requireNonNull(send, "send");
        this.thawTimeout = Objects.requireNonNull(thawTimeout, "thawTimeout");
    }

    void open(GuestOpen request) {
        String id = request.getChannel();
        if (id.isEmpty() || id.length() > 64 || open.containsKey(id)) {
            refuse(id, "a guest channel needs a new id of at most 64 characters");
            return;
        }
        if (open.size() >= MAX_OPEN) {
            refuse(id, "this agent has " + MAX_OPEN + " guest channels open already");
            return;
        }
        if (paths == null) {
            refuse(id, "this agent has no path policy (io.ferry.paths): it opens no socket");
            return;
        }
        Path socket;
        try {
            socket = paths.require(PathArea.NBD_SOCKETS, Path.of(request.getSocket()));
        } catch (InvalidPathException | io.ferry.api.FerryException e) {
            refuse(id, "socket " + request.getSocket() + " of the agent's machine: " + e.getMessage());
            return;
        }
        SocketChannel channel = null;
        try {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            channel.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            refuse(id, "cannot connect to " + socket + " on the agent's machine (" + e + "): is the VM running, and"
                    + " no other client connected to its guest agent?");
            return;
        }
        Relay relay = new Relay(id, socket, channel);
        open.put(id, relay);
        send.test(AgentMessage.newBuilder().setGuestOpened(GuestOpened.newBuilder().setChannel(id)).build());
        relay.reader.start();
        LOG.info("Guest channel {} to {} opened for the manager", id, socket);
    }

    void data(GuestData data) {
        Relay relay = open.get(data.getChannel());
        if (relay == null) {
            return; // closed on this side already; the manager learnt it from our GuestClose
        }
        relay.write(data.getData());
    }

    void close(GuestClose close) {
        Relay relay = open.remove(close.getChannel());
        if (relay != null) {
            relay.close();
        }
    }

    /** The connection to the manager ended: every channel ends, and a guest left frozen is thawed. */
    void disconnected(String reason) {
        for (Relay relay : open.values()) {
            open.remove(relay.id);
            relay.abandon(reason);
        }
    }

    /** Channels open now (for tests). */
    int openChannels() {
        return open.size();
    }

    @Override
    public void close() {
        disconnected("the agent stops");
    }

    private void refuse(String id, String why) {
        LOG.warn("Refused a guest channel for the manager: {}", why);
        send.test(AgentMessage.newBuilder().setGuestClose(GuestClose.newBuilder().setChannel(id).setReason(why))
                .build());
    }

    private static void closeQuietly(SocketChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // a unix socket's close fails only on a bad descriptor
            }
        }
    }

    /** One open channel: the socket and the thread that reads it. */
    private final class Relay {
        final String id;
        final Path socket;
        final SocketChannel channel;
        final Thread reader;
        private final Object writeLock = new Object();
        /** A freeze was relayed and no thaw after it. */
        private volatile boolean frozen;
        /** The manager is gone: what the socket says goes to {@link #answer} instead. */
        private volatile boolean abandoned;
        private final StringBuilder answer = new StringBuilder();

        Relay(String id, Path socket, SocketChannel channel) {
            this.id = id;
            this.socket = socket;
            this.channel = channel;
            this.reader = new Thread(this::readLoop, "ferry-guest " + socket.getFileName());
            this.reader.setDaemon(true);
        }

        void write(ByteString bytes) {
            String text = bytes.toStringUtf8();
            if (text.contains("guest-fsfreeze-freeze")) {
                frozen = true;
            } else if (text.contains("guest-fsfreeze-thaw")) {
                frozen = false;
            }
            try {
                writeAll(bytes.asReadOnlyByteBuffer());
            } catch (IOException e) {
                open.remove(id);
                close();
                send.test(closing("cannot write to " + socket + ": " + e.getMessage()));
            }
        }

        private void writeAll(ByteBuffer buffer) throws IOException {
            synchronized (writeLock) {
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
            }
        }

        private AgentMessage closing(String reason) {
            return AgentMessage.newBuilder().setGuestClose(GuestClose.newBuilder().setChannel(id).setReason(reason))
                    .build();
        }

        private void readLoop() {
            ByteBuffer buffer = ByteBuffer.allocate(GuestRelays.MAX_DATA);
            String why = "";
            try {
                while (channel.read(buffer.clear()) >= 0) {
                    buffer.flip();
                    if (abandoned) {
                        synchronized (answer) {
                            answer.append(StandardCharsets.UTF_8.decode(buffer));
                            answer.notifyAll();
                        }
                    } else if (!send.test(AgentMessage.newBuilder().setGuestData(GuestData.newBuilder().setChannel(id)
                            .setData(ByteString.copyFrom(buffer))).build())) {
                        LOG.debug("Guest channel {}: the manager is not connected", id);
                    }
                }
            } catch (IOException e) {
                why = channel.isOpen() ? "reading " + socket + ": " + e.getMessage() : "";
            } finally {
                if (open.remove(id) != null) {
                    // the socket's side ended first (guest agent restarted, VM stopped)
                    send.test(closing(why));
                }
                closeQuietly(channel);
            }
        }

        void close() {
            closeQuietly(channel);
        }

        /** The manager went away: thaws the guest when a freeze was relayed without a thaw, then closes. */
        void abandon(String reason) {
            abandoned = true;
            if (frozen) {
                LOG.warn("The connection to the manager ended ({}) while the guest behind {} may be frozen: thawing"
                        + " it", reason, socket);
                try {
                    writeAll(ByteBuffer.wrap(THAW));
                    long deadline = System.nanoTime() + thawTimeout.toNanos();
                    synchronized (answer) {
                        while (!answered() && System.nanoTime() < deadline && channel.isOpen()) {
                            answer.wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                        }
                        if (answered()) {
                            LOG.warn("Thawed the guest behind {}: {}", socket, answer.toString().strip());
                        } else {
                            LOG.error("The guest behind {} did not answer the thaw within {} ms: it may still be"
                                    + " frozen", socket, thawTimeout.toMillis());
                        }
                    }
                } catch (IOException e) {
                    LOG.error("Cannot thaw the guest behind {}: {}", socket, e.getMessage());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            close();
        }

        private boolean answered() {
            String text = answer.toString();
            return text.contains("\"return\"") || text.contains("\"error\"");
        }
    }
}
