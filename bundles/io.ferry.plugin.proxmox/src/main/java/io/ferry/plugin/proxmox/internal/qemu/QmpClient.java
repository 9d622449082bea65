package io.ferry.plugin.proxmox.internal.qemu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client of the QEMU Machine Protocol on a VM's unix socket (for example
 * {@code -qmp unix:/run/qemu-server/100.qmp,server=on,wait=off}; on Proxmox VE
 * {@code /var/run/qemu-server/<vmid>.qmp}).
 *
 * <p>{@link #connect} reads the greeting and leaves capabilities negotiation mode.
 * {@link #execute} sends one command at a time (callers on several threads queue up) and
 * returns its {@code return} value or throws {@link QmpException} with QEMU's error class.
 * Every command carries an id, so the late reply of a command that timed out is recognised
 * and dropped. Asynchronous events are collected as they arrive (the newest
 * {@value #MAX_EVENTS}) and taken with {@link #awaitEvent}.
 */
public final class QmpClient implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(QmpClient.class);
    static final int MAX_EVENTS = 1000;

    private final String peer;
    private final Duration defaultTimeout;
    private final ReentrantLock commandLock = new ReentrantLock();
    private final Object monitor = new Object();
    private final JsonLineChannel channel;

    // guarded by monitor
    private Map<String, Object> greeting;
    private String pendingId;
    private Map<String, Object> pendingReply;
    private final Deque<QmpEvent> events = new ArrayDeque<>();
    private Optional<Exception> closedBy;
    private long nextId;

    private QmpClient(Path socket, Duration defaultTimeout) {
        this.peer = "QEMU (QMP " + socket + ")";
        this.defaultTimeout = requirePositive(defaultTimeout);
        this.channel = JsonLineChannel.open(socket, new Receiver(), "ferry-qmp " + socket.getFileName());
    }

    /**
     * Connects, waits for the greeting and negotiates capabilities.
     *
     * @param socket         the VM's QMP socket
     * @param defaultTimeout the time allowed for each reply when a call names none
     */
    public static QmpClient connect(Path socket, Duration defaultTimeout) {
        QmpClient client = new QmpClient(Objects.requireNonNull(socket, "socket"), defaultTimeout);
        try {
            client.awaitGreeting(defaultTimeout);
            client.execute("qmp_capabilities");
            return client;
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    /** The QEMU version from the greeting, e.g. {@code 7.2.22}. */
    public String qemuVersion() {
        Map<String, Object> qmp = Json.object(greetingField(), "QMP greeting");
        Map<String, Object> version = Json.object(Json.object(qmp.get("version"), "QMP greeting version").get("qemu"),
                "QMP greeting version.qemu");
        return Json.number(version, "major") + "." + Json.number(version, "minor") + "." + Json.number(version, "micro");
    }

    private Object greetingField() {
        synchronized (monitor) {
            return greeting.get("QMP");
        }
    }

    public Object execute(String command) {
        return execute(command, Map.of(), defaultTimeout);
    }

    public Object execute(String command, Map<String, ?> arguments) {
        return execute(command, arguments, defaultTimeout);
    }

    /**
     * Runs one command.
     *
     * @return the {@code return} value as plain Java values (see {@link Json}); {@code {}}
     *         becomes an empty map
     * @throws QmpException          QEMU refused the command
     * @throws QemuTimeoutException  no reply within {@code timeout}
     * @throws QemuChannelException  the connection is gone
     */
    public Object execute(String command, Map<String, ?> arguments, Duration timeout) {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(arguments, "arguments");
        long deadline = System.nanoTime() + requirePositive(timeout).toNanos();
        lockCommands(command, timeout, deadline);
        try {
            String id;
            synchronized (monitor) {
                failIfClosed(command);
                id = "ferry-" + (++nextId);
                pendingId = id;
                pendingReply = null;
            }
            Map<String, Object> request = new LinkedHashMap<>();
            request.put("execute", command);
            if (!arguments.isEmpty()) {
                request.put("arguments", arguments);
            }
            request.put("id", id);
            channel.write((Json.write(request) + "\n").getBytes(StandardCharsets.UTF_8));
            Map<String, Object> reply = awaitReply(command, timeout, deadline);
            if (reply.containsKey("error")) {
                Map<String, Object> error = Json.object(reply.get("error"), "error of '" + command + "'");
                throw new QmpException(peer, command, Json.optionalText(error, "class").orElse("GenericError"),
                        Json.optionalText(error, "desc").orElse(Json.write(error)));
            }
            Object value = reply.get("return");
            return value == null ? Map.of() : value;
        } finally {
            commandLock.unlock();
        }
    }

    private void lockCommands(String command, Duration timeout, long deadline) {
        try {
            if (!commandLock.tryLock(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
                throw new QemuTimeoutException(peer + ": '" + command + "' could not be sent within " + timeout
                        + ": another command on this connection is still waiting for its reply");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QemuChannelException(peer + ": interrupted before sending '" + command + "'", e);
        }
    }

    private Map<String, Object> awaitReply(String command, Duration timeout, long deadline) {
        synchronized (monitor) {
            try {
                while (pendingReply == null) {
                    failIfClosed(command);
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        pendingId = null;
                        throw new QemuTimeoutException(peer + " did not answer '" + command + "' within " + timeout
                                + "; its late reply will be ignored. Is the VM paused or overloaded?");
                    }
                    TimeUnit.NANOSECONDS.timedWait(monitor, left);
                }
                return pendingReply;
            } catch (InterruptedException e) {
                pendingId = null;
                Thread.currentThread().interrupt();
                throw new QemuChannelException(peer + ": interrupted while waiting for the reply to '" + command + "'", e);
            } finally {
                pendingReply = null;
            }
        }
    }

    /**
     * Takes the oldest collected event named {@code name} that matches {@code filter},
     * waiting up to {@code timeout} for it to arrive. Events that arrived before this call
     * count too, so call it after the command that causes the event.
     *
     * @throws QemuTimeoutException no such event in time
     */
    public QmpEvent awaitEvent(String name, Predicate<QmpEvent> filter, Duration timeout) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(filter, "filter");
        long deadline = System.nanoTime() + requirePositive(timeout).toNanos();
        synchronized (monitor) {
            try {
                while (true) {
                    Optional<QmpEvent> found = take(name, filter);
                    if (found.isPresent()) {
                        return found.get();
                    }
                    failIfClosed("waiting for event " + name);
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new QemuTimeoutException(peer + " sent no matching " + name + " event within " + timeout);
                    }
                    TimeUnit.NANOSECONDS.timedWait(monitor, left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new QemuChannelException(peer + ": interrupted while waiting for event " + name, e);
            }
        }
    }

    /** The events collected and not yet taken, oldest first. */
    public List<QmpEvent> events() {
        synchronized (monitor) {
            return List.copyOf(events);
        }
    }

    private Optional<QmpEvent> take(String name, Predicate<QmpEvent> filter) {
        for (Iterator<QmpEvent> it = events.iterator(); it.hasNext(); ) {
            QmpEvent e = it.next();
            if (e.name().equals(name) && filter.test(e)) {
                it.remove();
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    private void awaitGreeting(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (monitor) {
            try {
                while (greeting == null) {
                    failIfClosed("greeting");
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new QemuTimeoutException(peer + " sent no greeting within " + timeout
                                + ": is another client connected? A QMP socket serves one client at a time.");
                    }
                    TimeUnit.NANOSECONDS.timedWait(monitor, left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new QemuChannelException(peer + ": interrupted while waiting for the greeting", e);
            }
        }
    }

    /** Caller holds monitor. */
    private void failIfClosed(String what) {
        if (closedBy == null) {
            return;
        }
        String reason = closedBy.map(e -> "the connection failed: " + e.getMessage() + " (has the VM stopped?)")
                .orElse("the client was closed");
        throw new QemuChannelException(peer + ": cannot complete " + what + ": " + reason, closedBy.orElse(null));
    }

    public boolean isOpen() {
        synchronized (monitor) {
            return closedBy == null;
        }
    }

    @Override
    public void close() {
        channel.close();
    }

    private static Duration requirePositive(Duration timeout) {
        if (Objects.requireNonNull(timeout, "timeout").isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        return timeout;
    }

    /** Runs on the channel's reader thread. */
    private final class Receiver implements JsonLineChannel.Listener {

        @Override
        public void frame(JsonLineChannel.Frame frame) {
            Map<String, Object> message;
            try {
                message = Json.object(Json.parse(frame.text()), "QMP message");
            } catch (IOException | QemuChannelException e) {
                LOG.warn("{} sent a line that is not a QMP message, ignored: {}", peer, frame.text(), e);
                return;
            }
            synchronized (monitor) {
                if (message.containsKey("QMP")) {
                    greeting = message;
                } else if (message.get("event") instanceof String name) {
                    addEvent(name, message);
                } else if (pendingId != null && pendingId.equals(message.get("id"))) {
                    pendingReply = message;
                    pendingId = null;
                } else {
                    LOG.debug("{}: dropped a reply nobody waits for (late, after a timeout): {}", peer, frame.text());
                }
                monitor.notifyAll();
            }
        }

        private void addEvent(String name, Map<String, Object> message) {
            Object data = message.get("data");
            Instant at = Instant.now();
            if (message.get("timestamp") instanceof Map<?, ?> ts && ts.get("seconds") instanceof Long s
                    && ts.get("microseconds") instanceof Long us) {
                at = Instant.ofEpochSecond(s, us * 1_000);
            }
            if (events.size() >= MAX_EVENTS) {
                events.removeFirst();
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> fields = data instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
            events.addLast(new QmpEvent(name, fields, at));
            LOG.debug("{} event {} {}", peer, name, fields);
        }

        @Override
        public void closed(Optional<Exception> cause) {
            synchronized (monitor) {
                closedBy = cause;
                monitor.notifyAll();
            }
        }
    }
}
