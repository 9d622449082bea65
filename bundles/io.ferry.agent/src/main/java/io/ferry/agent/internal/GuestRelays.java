package io.ferry.agent.internal;

import com.google.protobuf.ByteString;
import io.ferry.agent.protocol.v1.GuestClose;
import io.ferry.agent.protocol.v1.GuestData;
import io.ferry.agent.protocol.v1.GuestOpen;
import io.ferry.agent.protocol.v1.GuestOpened;
import io.ferry.agent.protocol.v1.ManagerMessage;
import io.ferry.api.FerryException;
import io.ferry.api.agent.AgentLostException;
import io.ferry.api.agent.GuestChannels;
import io.ferry.api.agent.ProtocolVersion;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ByteChannel;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The manager's side of guest channels (agent.proto, "GuestOpen"): each open channel is a
 * {@link ByteChannel} whose writes go to the agent as GuestData and whose reads take the
 * agent's GuestData, in order. Only the agent a channel was opened on can feed or close it.
 */
final class GuestRelays implements GuestChannels, AgentListener {

    private static final Logger LOG = LoggerFactory.getLogger(GuestRelays.class);
    /** The largest GuestData sent at once. */
    static final int MAX_DATA = 64 << 10;
    /** Bytes an agent may have sent that nobody read yet: a guest agent's replies are small. */
    static final long MAX_UNREAD = 16L << 20;
    private static final ProtocolVersion FIRST = new ProtocolVersion(1, 2);

    private final AgentConnections connections;
    private final Predicate<String> enrolled;
    private final ConcurrentMap<String, Relay> relays = new ConcurrentHashMap<>();

    GuestRelays(AgentConnections connections, Predicate<String> enrolled) {
        this.connections = Objects.requireNonNull(connections, "connections");
        this.enrolled = Objects.requireNonNull(enrolled, "enrolled");
    }

    @Override
    public boolean enrolled(String server) {
        return enrolled.test(server);
    }

    @Override
    public ByteChannel open(String server, Path socket, Duration timeout) {
        Objects.requireNonNull(socket, "socket");
        AgentChannel channel = connections.connection(server).filter(AgentChannel::isOpen)
                .orElseThrow(() -> new AgentLostException("the agent of " + server + " is not connected"));
        ProtocolVersion version = Protocol.fromProto(channel.hello().getProtocol());
        if (version.major() != FIRST.major() || version.minor() < FIRST.minor()) {
            throw new AgentLostException("the agent of " + server + " speaks protocol " + version + ": guest channels"
                    + " need " + FIRST + " (update the agent)");
        }
        Relay relay = new Relay(UUID.randomUUID().toString(), channel, socket);
        relays.put(relay.id, relay);
        try {
            channel.send(ManagerMessage.newBuilder().setGuestOpen(GuestOpen.newBuilder().setChannel(relay.id)
                    .setSocket(socket.toString())).build());
            relay.awaitOpened(timeout);
            LOG.debug("Guest channel {} to {} opened on the agent of {}", relay.id, socket, server);
            return relay;
        } catch (IllegalStateException e) {
            relays.remove(relay.id);
            throw new AgentLostException("the agent of " + server + " is not connected: " + e.getMessage());
        } catch (RuntimeException e) {
            relay.close();
            throw e;
        }
    }

    /** The channels open now (for tests). */
    int openChannels() {
        return relays.size();
    }

    private Relay relay(AgentChannel channel, String id) {
        Relay relay = relays.get(id);
        if (relay == null || relay.channel != channel) {
            return null; // closed already, or another agent's: never fed by a stranger
        }
        return relay;
    }

    @Override
    public void guestOpened(AgentChannel channel, GuestOpened opened) {
        Relay relay = relay(channel, opened.getChannel());
        if (relay != null) {
            relay.accepted = true;
            relay.opened.countDown();
        }
    }

    @Override
    public void guestData(AgentChannel channel, GuestData data) {
        Relay relay = relay(channel, data.getChannel());
        if (relay == null) {
            return;
        }
        if (relay.unread.addAndGet(data.getData().size()) > MAX_UNREAD) {
            relay.end("the agent of " + channel.server() + " sent more than " + MAX_UNREAD + " unread bytes");
            relay.close();
            return;
        }
        relay.incoming.add(data.getData());
    }

    @Override
    public void guestClosed(AgentChannel channel, GuestClose close) {
        Relay relay = relay(channel, close.getChannel());
        if (relay != null) {
            relays.remove(relay.id);
            relay.end(close.getReason().isEmpty() ? null : close.getReason());
        }
    }

    @Override
    public void disconnected(AgentChannel channel, String reason) {
        for (Relay relay : relays.values()) {
            if (relay.channel == channel) {
                relays.remove(relay.id);
                relay.end("the agent of " + channel.server() + " disconnected: " + reason);
            }
        }
    }

    /** One guest channel, as its user sees it. */
    private final class Relay implements ByteChannel {
        private static final ByteString END = ByteString.copyFromUtf8("end");

        final String id;
        final AgentChannel channel;
        final Path socket;
        final CountDownLatch opened = new CountDownLatch(1);
        final BlockingQueue<ByteString> incoming = new LinkedBlockingQueue<>();
        final AtomicLong unread = new AtomicLong();
        private volatile String failure;
        private volatile boolean ended;
        private volatile boolean closed;
        /** The agent said GuestOpened. */
        volatile boolean accepted;
        private ByteBuffer current = ByteBuffer.allocate(0);

        Relay(String id, AgentChannel channel, Path socket) {
            this.id = id;
            this.channel = channel;
            this.socket = socket;
        }

        private String peer() {
            return socket + " on the agent of " + channel.server();
        }

        void awaitOpened(Duration timeout) {
            try {
                boolean answered = opened.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
                if (answered && !accepted) {
                    throw new FerryException("The agent of " + channel.server() + " cannot open a channel to " + socket
                            + ": " + (failure == null ? "it closed it" : failure));
                }
                if (!answered) {
                    throw new FerryException("The agent of " + channel.server() + " did not open a channel to " + socket
                            + " within " + timeout.toMillis() + " ms");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new FerryException("Interrupted while the agent of " + channel.server() + " opened a channel to "
                        + socket);
            }
        }

        /** The agent's side ended: normally (null) or with a reason; wakes a reader. */
        void end(String reason) {
            if (ended) {
                return;
            }
            failure = reason;
            ended = true;
            opened.countDown();
            incoming.add(END);
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            while (!current.hasRemaining()) {
                if (closed) {
                    throw new ClosedChannelException();
                }
                ByteString next;
                try {
                    next = incoming.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.nio.channels.ClosedByInterruptException();
                }
                if (next == END) {
                    incoming.add(END); // later reads end the same way
                    if (closed) {
                        throw new AsynchronousCloseException();
                    }
                    if (failure != null) {
                        throw new IOException("guest channel to " + peer() + ": " + failure);
                    }
                    return -1;
                }
                unread.addAndGet(-next.size());
                current = next.asReadOnlyByteBuffer();
            }
            int n = Math.min(dst.remaining(), current.remaining());
            ByteBuffer slice = current.slice();
            slice.limit(n);
            dst.put(slice);
            current.position(current.position() + n);
            return n;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            if (closed) {
                throw new ClosedChannelException();
            }
            if (ended) {
                throw new IOException("guest channel to " + peer() + " ended"
                        + (failure == null ? "" : ": " + failure));
            }
            int written = 0;
            while (src.hasRemaining()) {
                int n = Math.min(src.remaining(), MAX_DATA);
                ByteString bytes = ByteString.copyFrom(src, n);
                try {
                    channel.send(ManagerMessage.newBuilder().setGuestData(GuestData.newBuilder().setChannel(id)
                            .setData(bytes)).build());
                } catch (IllegalStateException e) {
                    throw new IOException("guest channel to " + peer() + ": the agent is not connected", e);
                }
                written += n;
            }
            return written;
        }

        @Override
        public boolean isOpen() {
            return !closed;
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            relays.remove(id);
            if (!ended) {
                try {
                    channel.send(ManagerMessage.newBuilder().setGuestClose(GuestClose.newBuilder().setChannel(id))
                            .build());
                } catch (IllegalStateException e) {
                    // the agent is gone: its side closed with the connection
                }
            }
            end(null);
        }
    }
}
