package io.ferry.plugin.proxmox.internal.qemu;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client of the QEMU guest agent (qemu-ga) through the host end of its virtio-serial
 * port: the unix socket of the chardev behind {@code virtserialport name=org.qemu.guest_agent.0}
 * (on Proxmox VE {@code /var/run/qemu-server/<vmid>.qga}).
 *
 * <p>The agent has no command ids and may hold stale data from an earlier client, so the
 * connection is first resynchronised: 0xFF plus {@code guest-sync-delimited} with a random id;
 * everything up to the 0xFF that precedes the reply is discarded (including the agent's
 * {@code JSON parse error, stray '\uFFFD'} answer to the 0xFF itself) and only the reply with
 * the same id ends the sync. After a timeout or a broken connection the next command
 * resynchronises (reconnecting if needed) before it is sent. One command at a time.
 *
 * <p>{@link #freeze} returns a {@link Frozen} whose {@code close()} thaws: use it in
 * try-with-resources so that the guest is thawed whatever happens in between.
 */
public final class GuestAgentClient implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GuestAgentClient.class);
    /** Marks "connection ended" in the frame queue; compared by identity. */
    private static final JsonLineChannel.Frame END = new JsonLineChannel.Frame(false, "");
    private static final long MAX_EXEC_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private final Path socket;
    private final String peer;
    private final String where;
    private final Duration defaultTimeout;
    private final ReentrantLock lock = new ReentrantLock();
    private final BlockingQueue<JsonLineChannel.Frame> frames = new LinkedBlockingQueue<>();

    // guarded by lock
    private JsonLineChannel channel;
    private boolean needsSync = true;
    private volatile boolean closed;

    /** Opens a new connection to the socket (again after the peer closed one). */
    private final java.util.function.Function<JsonLineChannel.Listener, JsonLineChannel> opener;

    private GuestAgentClient(Path socket, String via, java.util.function.Function<JsonLineChannel.Listener,
            JsonLineChannel> opener, Duration defaultTimeout) {
        this.socket = socket;
        this.where = socket + via;
        this.peer = "Guest agent (" + where + ")";
        this.opener = opener;
        this.defaultTimeout = positive(defaultTimeout);
    }

    /**
     * Connects to the agent's socket. The first command resynchronises; a guest that is still
     * booting answers nothing until its agent runs, so callers that wait for it call
     * {@link #sync(Duration)} or {@link #ping(Duration)} in a loop.
     */
    public static GuestAgentClient connect(Path socket, Duration defaultTimeout) {
        Objects.requireNonNull(socket, "socket");
        return connected(new GuestAgentClient(socket, "", listener -> JsonLineChannel.open(socket, listener,
                "ferry-qga " + socket.getFileName()), defaultTimeout));
    }

    /**
     * Connects to the agent's socket on the machine of a guest interaction proxy, through that
     * machine's Ferry agent ({@code channels}, opened again after the peer closed a connection).
     *
     * @param via      how the socket is reached, for messages (e.g. {@code the agent of gi-lin-01})
     * @param channels opens a new byte channel to the socket
     */
    public static GuestAgentClient connect(Path socket, String via, java.util.function.Supplier<
            java.nio.channels.ByteChannel> channels, Duration defaultTimeout) {
        Objects.requireNonNull(socket, "socket");
        Objects.requireNonNull(channels, "channels");
        return connected(new GuestAgentClient(socket, " through " + via, listener -> JsonLineChannel.over(socket,
                channels.get(), listener, "ferry-qga " + socket.getFileName()), defaultTimeout));
    }

    private static GuestAgentClient connected(GuestAgentClient client) {
        client.lock.lock();
        try {
            client.openChannel();
        } finally {
            client.lock.unlock();
        }
        return client;
    }

    /** The socket, and how it is reached when not from this machine ({@code … through the agent of X}). */
    public String where() {
        return where;
    }

    public Path socket() {
        return socket;
    }

    /** Resynchronises the connection (see the class description). */
    public void sync(Duration timeout) {
        long deadline = System.nanoTime() + positive(timeout).toNanos();
        lock("guest-sync-delimited", timeout, deadline);
        try {
            ensureChannel();
            sync(timeout, deadline);
        } finally {
            lock.unlock();
        }
    }

    public void ping() {
        ping(defaultTimeout);
    }

    public void ping(Duration timeout) {
        execute("guest-ping", Map.of(), timeout);
    }

    public GuestInfo info() {
        Map<String, Object> r = Json.object(execute("guest-info", Map.of(), defaultTimeout), "reply to guest-info");
        Map<String, Boolean> commands = new LinkedHashMap<>();
        for (Object o : Json.array(r.get("supported_commands"), "guest-info supported_commands")) {
            Map<String, Object> c = Json.object(o, "guest-info command");
            commands.put(Json.text(c, "name"), Json.bool(c, "enabled", false));
        }
        return new GuestInfo(Json.text(r, "version"), commands);
    }

    public FreezeStatus freezeStatus() {
        Object r = execute("guest-fsfreeze-status", Map.of(), defaultTimeout);
        String s = r instanceof String text ? text : String.valueOf(r);
        try {
            return FreezeStatus.valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new QemuChannelException(peer + " reported an unknown freeze status '" + s + "'", e);
        }
    }

    public Frozen freeze() {
        return freeze(defaultTimeout);
    }

    /**
     * Freezes every freezable file system of the guest ({@code guest-fsfreeze-freeze}).
     * Close the result to thaw, in try-with-resources.
     *
     * <p>If the freeze fails with an unknown outcome (timeout, connection lost) the guest may
     * be frozen: it is thawed (with one retry) before the error is thrown. If the agent
     * refuses (a {@link QmpException}), the agent has already thawed what it froze; the guest
     * is left alone then, because it may be frozen by someone else.
     *
     * @throws QmpException               the agent refused, e.g. {@code CommandNotFound} when the
     *                                    guest is already frozen
     * @throws GuestStillFrozenException  the freeze had an unknown outcome and thawing failed
     */
    public Frozen freeze(Duration timeout) {
        long start = System.nanoTime();
        long count;
        try {
            count = Json.number(execute("guest-fsfreeze-freeze", Map.of(), timeout), "reply to guest-fsfreeze-freeze");
        } catch (QmpException e) {
            throw e;
        } catch (RuntimeException e) {
            try {
                thawWithRetry();
            } catch (RuntimeException thawFailure) {
                thawFailure.addSuppressed(e);
                throw thawFailure;
            }
            throw e;
        }
        return new Frozen(count, start);
    }

    /** {@code guest-fsfreeze-thaw}, once; returns the number of file systems thawed (0 if none was frozen). */
    public long thaw() {
        return Json.number(execute("guest-fsfreeze-thaw", Map.of(), defaultTimeout), "reply to guest-fsfreeze-thaw");
    }

    /**
     * Thaws with one retry on a thread of its own, so that an interrupt of the calling thread
     * (a job stopped with {@code shutdownNow}) can neither skip the thaw nor break its
     * connection: the caller waits for it without reacting to interrupts, for at most two
     * command timeouts plus a margin, and its interrupt status is restored afterwards.
     *
     * @throws GuestStillFrozenException both attempts failed, or they did not end in time
     */
    long thawWithRetry() {
        boolean interrupted = Thread.interrupted();
        CompletableFuture<Long> result = new CompletableFuture<>();
        // a thread per thaw, owned by no executor: nothing may stop or interrupt it before it is done
        Thread thawer = new Thread(() -> {
            try {
                result.complete(thawTwice());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, "ferry-qga-thaw " + socket.getFileName());
        thawer.setDaemon(true);
        thawer.start();
        Duration limit = defaultTimeout.multipliedBy(2).plusSeconds(5);
        long deadline = System.nanoTime() + limit.toNanos();
        try {
            while (true) {
                try {
                    return result.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true; // remembered for the caller; the thaw goes on
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException r) {
                        throw r;
                    }
                    throw new GuestStillFrozenException(stillFrozen(String.valueOf(e.getCause())), e.getCause());
                } catch (TimeoutException e) {
                    String message = stillFrozen("guest-fsfreeze-thaw did not end within " + limit);
                    LOG.error(message);
                    throw new GuestStillFrozenException(message, e);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private String stillFrozen(String why) {
        return "The file systems of the guest behind " + socket + " may still be FROZEN: " + why + ". Writes inside the"
                + " guest block until it is thawed: thaw it now through the agent (Proxmox VE: 'qm guest cmd <vmid>"
                + " fsfreeze-thaw'), or reboot the guest.";
    }

    private long thawTwice() {
        RuntimeException first;
        try {
            return thaw();
        } catch (RuntimeException e) {
            first = e;
        }
        try {
            return thaw();
        } catch (RuntimeException e) {
            e.addSuppressed(first);
            String message = stillFrozen("guest-fsfreeze-thaw failed twice (" + e.getMessage() + ")");
            // logged here as well because this often surfaces as a suppressed exception of the
            // backup's own failure, and it needs an administrator now, not later
            LOG.error(message, e);
            throw new GuestStillFrozenException(message, e);
        }
    }

    /** {@code guest-get-fsinfo}: the guest's mounted file systems. */
    public List<GuestFilesystem> filesystems() {
        List<GuestFilesystem> out = new ArrayList<>();
        for (Object o : Json.array(execute("guest-get-fsinfo", Map.of(), defaultTimeout), "reply to guest-get-fsinfo")) {
            Map<String, Object> fs = Json.object(o, "guest-get-fsinfo entry");
            List<String> devices = new ArrayList<>();
            Object disks = fs.get("disk");
            if (disks != null) {
                for (Object d : Json.array(disks, "guest-get-fsinfo disk")) {
                    Json.optionalText(Json.object(d, "guest-get-fsinfo disk"), "dev").ifPresent(devices::add);
                }
            }
            out.add(new GuestFilesystem(Json.text(fs, "name"), Json.text(fs, "mountpoint"), Json.text(fs, "type"), devices,
                    optionalNumber(fs, "used-bytes"), optionalNumber(fs, "total-bytes")));
        }
        return out;
    }

    /** Runs {@code /bin/sh -c script} in the guest (see {@link #exec}). */
    public GuestExecResult shell(String script, Duration timeout) {
        return exec("/bin/sh", List.of("-c", script), timeout);
    }

    /**
     * Runs a program in the guest with {@code guest-exec} and waits for it to end
     * ({@code guest-exec-status}), with its output captured.
     *
     * @throws QemuTimeoutException it did not end within {@code timeout}; it keeps running
     */
    public GuestExecResult exec(String path, List<String> args, Duration timeout) {
        long deadline = System.nanoTime() + positive(timeout).toNanos();
        String commandLine = path + (args.isEmpty() ? "" : " " + String.join(" ", args));
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("path", path);
        request.put("arg", List.copyOf(args));
        request.put("capture-output", true);
        long pid = Json.number(Json.object(execute("guest-exec", request, timeout), "reply to guest-exec"), "pid");
        long pause = TimeUnit.MILLISECONDS.toNanos(10);
        while (true) {
            Duration left = Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
            Map<String, Object> status = Json.object(execute("guest-exec-status", Map.of("pid", pid), left),
                    "reply to guest-exec-status");
            if (Json.bool(status, "exited", false)) {
                return new GuestExecResult(commandLine, optionalInt(status, "exitcode"), optionalInt(status, "signal"),
                        base64(status, "out-data"), base64(status, "err-data"),
                        Json.bool(status, "out-truncated", false) || Json.bool(status, "err-truncated", false));
            }
            if (System.nanoTime() + pause > deadline) {
                throw new QemuTimeoutException("'" + commandLine + "' did not end within " + timeout + " in the guest behind "
                        + socket + "; it is still running there as pid " + pid);
            }
            // the agent has no completion event: poll, backing off to 200 ms
            LockSupport.parkNanos(pause);
            pause = Math.min(pause * 2, MAX_EXEC_POLL_NANOS);
        }
    }

    /**
     * Runs one agent command.
     *
     * @return its {@code return} value as plain Java values (see {@link Json})
     * @throws QmpException         the agent refused it
     * @throws QemuTimeoutException no reply within {@code timeout}; the next command resynchronises
     * @throws QemuChannelException the connection is gone and could not be reopened
     */
    public Object execute(String command, Map<String, ?> arguments, Duration timeout) {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(arguments, "arguments");
        long deadline = System.nanoTime() + positive(timeout).toNanos();
        lock(command, timeout, deadline);
        try {
            ensureChannel();
            if (needsSync) {
                sync(timeout, deadline);
            }
            Map<String, Object> request = new LinkedHashMap<>();
            request.put("execute", command);
            if (!arguments.isEmpty()) {
                request.put("arguments", arguments);
            }
            send(Json.write(request).getBytes(StandardCharsets.UTF_8), false);
            Map<String, Object> reply = nextReply(command, timeout, deadline);
            if (reply.containsKey("error")) {
                Map<String, Object> error = Json.object(reply.get("error"), "error of '" + command + "'");
                throw new QmpException(peer, command, Json.optionalText(error, "class").orElse("GenericError"),
                        Json.optionalText(error, "desc").orElse(Json.write(error)));
            }
            Object value = reply.get("return");
            return value == null ? Map.of() : value;
        } finally {
            lock.unlock();
        }
    }

    /** One command at a time; waiting for another caller's command counts against this call's timeout. */
    private void lock(String command, Duration timeout, long deadline) {
        try {
            if (!lock.tryLock(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
                throw new QemuTimeoutException(peer + ": '" + command + "' could not be sent within " + timeout
                        + ": another command on this connection is still running");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QemuChannelException(peer + ": interrupted before sending '" + command + "'", e);
        }
    }

    /** Caller holds lock. */
    private void sync(Duration timeout, long deadline) {
        needsSync = true;
        long id = ThreadLocalRandom.current().nextLong(1, 1L << 31);
        Map<String, Object> request = Map.of("execute", "guest-sync-delimited", "arguments", Map.of("id", id));
        send(Json.write(request).getBytes(StandardCharsets.UTF_8), true);
        while (true) {
            JsonLineChannel.Frame frame = poll("guest-sync-delimited", timeout, deadline);
            if (!frame.delimited()) {
                LOG.debug("{}: discarded while resynchronising: {}", peer, frame.text());
                continue;
            }
            Object value = parseOrNull(frame.text());
            if (value instanceof Map<?, ?> m && Long.valueOf(id).equals(m.get("return"))) {
                needsSync = false;
                return;
            }
            LOG.debug("{}: discarded a stale sync reply: {}", peer, frame.text());
        }
    }

    /** Caller holds lock. The next reply frame; stale sync replies (delimited) are skipped. */
    private Map<String, Object> nextReply(String command, Duration timeout, long deadline) {
        while (true) {
            JsonLineChannel.Frame frame = poll(command, timeout, deadline);
            if (frame.delimited()) {
                continue;
            }
            Object value = parseOrNull(frame.text());
            if (value instanceof Map<?, ?> m && (m.containsKey("return") || m.containsKey("error"))) {
                @SuppressWarnings("unchecked")
                Map<String, Object> reply = (Map<String, Object>) m;
                return reply;
            }
            needsSync = true;
            throw new QemuChannelException(peer + " answered '" + command + "' with something that is not a reply: "
                    + frame.text());
        }
    }

    /** Caller holds lock. */
    private JsonLineChannel.Frame poll(String command, Duration timeout, long deadline) {
        JsonLineChannel.Frame frame;
        try {
            frame = frames.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            needsSync = true;
            Thread.currentThread().interrupt();
            throw new QemuChannelException(peer + ": interrupted while waiting for the reply to '" + command + "'", e);
        }
        if (frame == null) {
            needsSync = true;
            throw new QemuTimeoutException(peer + " did not answer '" + command + "' within " + timeout
                    + " (is the guest running, and its agent started?)");
        }
        if (frame == END) {
            needsSync = true;
            throw new QemuChannelException(peer + ": the connection closed while waiting for the reply to '" + command
                    + "' (has the VM stopped?)");
        }
        return frame;
    }

    private void send(byte[] json, boolean delimited) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(json.length + 2);
        if (delimited) {
            out.write(0xFF);
        }
        out.writeBytes(json);
        out.write('\n');
        try {
            channel.write(out.toByteArray());
        } catch (QemuChannelException e) {
            needsSync = true;
            throw e;
        }
    }

    /** Caller holds lock. Reopens a connection the peer closed; a guest reboot or agent restart does that. */
    private void ensureChannel() {
        if (closed) {
            throw new QemuChannelException(peer + ": the client is closed");
        }
        if (channel != null && channel.isOpen()) {
            return;
        }
        if (channel != null) {
            channel.close();
        }
        openChannel();
    }

    /** Caller holds lock. */
    private void openChannel() {
        frames.clear();
        needsSync = true;
        channel = opener.apply(new JsonLineChannel.Listener() {
            @Override
            public void frame(JsonLineChannel.Frame frame) {
                frames.add(frame);
            }

            @Override
            public void closed(Optional<Exception> cause) {
                cause.ifPresent(e -> LOG.debug("{}: connection ended", peer, e));
                frames.add(END);
            }
        });
    }

    @Override
    public void close() {
        closed = true;
        lock.lock();
        try {
            if (channel != null) {
                channel.close();
            }
        } finally {
            lock.unlock();
        }
    }

    private static Object parseOrNull(String text) {
        try {
            return Json.parse(text);
        } catch (IOException e) {
            return null;
        }
    }

    private static String base64(Map<String, Object> status, String field) {
        return Json.optionalText(status, field)
                .map(s -> new String(Base64.getDecoder().decode(s), StandardCharsets.UTF_8)).orElse("");
    }

    private static OptionalInt optionalInt(Map<String, Object> object, String field) {
        return object.get(field) == null ? OptionalInt.empty() : OptionalInt.of((int) Json.number(object, field));
    }

    private static OptionalLong optionalNumber(Map<String, Object> object, String field) {
        return object.get(field) == null ? OptionalLong.empty() : OptionalLong.of(Json.number(object, field));
    }

    private static Duration positive(Duration timeout) {
        if (Objects.requireNonNull(timeout, "timeout").isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        return timeout;
    }

    /**
     * The guest's file systems, frozen since {@link GuestAgentClient#freeze}. {@link #close()}
     * thaws them, retrying once; if that fails too it throws {@link GuestStillFrozenException}.
     */
    public final class Frozen implements AutoCloseable {
        private final long filesystems;
        private final long startNanos;
        private long endNanos = -1;

        private Frozen(long filesystems, long startNanos) {
            this.filesystems = filesystems;
            this.startNanos = startNanos;
        }

        /** How many file systems the agent froze (0: nothing freezable is mounted). */
        public long filesystems() {
            return filesystems;
        }

        /** From sending the freeze to the thaw's reply, or until now while still frozen. */
        public Duration frozenFor() {
            return Duration.ofNanos((endNanos < 0 ? System.nanoTime() : endNanos) - startNanos);
        }

        public boolean thawed() {
            return endNanos >= 0;
        }

        @Override
        public void close() {
            if (thawed()) {
                return;
            }
            try {
                thawWithRetry();
            } finally {
                endNanos = System.nanoTime();
            }
        }
    }
}
