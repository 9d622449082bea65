package io.ferry.plugin.proxmox.internal.qemu;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.Channel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A unix-socket connection that carries one JSON document per line, as QMP and the guest
 * agent do; or any other byte channel to such a socket (a guest channel through a guest
 * interaction proxy's agent, {@link io.ferry.api.agent.GuestChannels}). A reader thread, owned by this object and stopped by {@link #close()}, cuts the
 * byte stream into {@link Frame}s and hands each to the listener. The byte 0xFF (never part
 * of UTF-8 JSON) is the guest agent's resynchronisation marker: it discards the partial line
 * before it and marks the next frame as {@linkplain Frame#delimited() delimited}.
 */
final class JsonLineChannel implements AutoCloseable {

    /** A line received, without its line end; {@code delimited} if a 0xFF byte came before it. */
    record Frame(boolean delimited, String text) {
    }

    /** Receives frames on the reader thread; must not block for long. */
    interface Listener {
        void frame(Frame frame);

        /** The connection ended: by {@link #close()} (no cause) or because the peer went away or failed. */
        void closed(Optional<Exception> cause);
    }

    /** A reply longer than this is not the protocol (query-block of a big VM is a few hundred KiB). */
    private static final int MAX_LINE = 16 << 20;
    private static final byte DELIMITER = (byte) 0xFF;

    private final Path socket;
    private final ByteChannel channel;
    private final Listener listener;
    private final Thread reader;
    private final Object writeLock = new Object();
    private volatile boolean closing;

    private JsonLineChannel(Path socket, ByteChannel channel, Listener listener, String threadName) {
        this.socket = socket;
        this.channel = channel;
        this.listener = listener;
        this.reader = new Thread(this::readLoop, threadName);
        this.reader.setDaemon(true);
    }

    /** Connects and starts the reader thread named {@code threadName}. */
    static JsonLineChannel open(Path socket, Listener listener, String threadName) {
        SocketChannel channel;
        try {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        } catch (IOException e) {
            throw new QemuChannelException("Cannot create a unix socket to connect to " + socket + ": " + e.getMessage(), e);
        }
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel, e);
            throw new QemuChannelException("Cannot connect to " + socket + " (" + e + "): is the VM running and is this"
                    + " its socket? QMP and guest agent sockets accept one client at a time.", e);
        }
        return over(socket, channel, listener, threadName);
    }

    /** Carries the lines over {@code channel}, a connection to {@code socket} made elsewhere; starts the reader thread. */
    static JsonLineChannel over(Path socket, ByteChannel channel, Listener listener, String threadName) {
        JsonLineChannel c = new JsonLineChannel(socket, channel, listener, threadName);
        c.reader.start();
        return c;
    }

    Path socket() {
        return socket;
    }

    boolean isOpen() {
        return channel.isOpen() && !closing;
    }

    /** Sends the bytes as they are (the caller adds the line end). */
    void write(byte[] bytes) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        synchronized (writeLock) {
            try {
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
            } catch (IOException e) {
                throw new QemuChannelException("Cannot write to " + socket + ": " + e.getMessage()
                        + " (has the VM stopped?)", e);
            }
        }
    }

    private void readLoop() {
        ByteBuffer buffer = ByteBuffer.allocate(64 << 10);
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        boolean delimited = false;
        Optional<Exception> cause = Optional.empty();
        try {
            while (channel.read(buffer.clear()) >= 0) {
                buffer.flip();
                while (buffer.hasRemaining()) {
                    byte b = buffer.get();
                    if (b == DELIMITER) {
                        line.reset();
                        delimited = true;
                    } else if (b == '\n') {
                        String text = line.toString(StandardCharsets.UTF_8).strip();
                        line.reset();
                        if (!text.isEmpty()) {
                            listener.frame(new Frame(delimited, text));
                            delimited = false;
                        }
                    } else if (line.size() >= MAX_LINE) {
                        throw new IOException("a line longer than " + MAX_LINE + " bytes: not QMP");
                    } else {
                        line.write(b);
                    }
                }
            }
            if (!closing) {
                cause = Optional.of(new IOException("the peer closed the connection"));
            }
        } catch (ClosedChannelException e) { // includes AsynchronousCloseException from close()
            if (!closing) {
                cause = Optional.of(e);
            }
        } catch (IOException | RuntimeException e) {
            cause = Optional.of(e);
        } finally {
            closeQuietly(channel, null);
            listener.closed(cause);
        }
    }

    @Override
    public void close() {
        closing = true;
        closeQuietly(channel, null);
        if (Thread.currentThread() != reader) {
            try {
                reader.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void closeQuietly(Channel channel, Exception primary) {
        try {
            channel.close();
        } catch (IOException e) {
            if (primary != null) {
                primary.addSuppressed(e);
            }
            // closing a unix socket only fails on a bad descriptor: nothing left to release
        }
    }
}
