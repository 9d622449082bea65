package io.ferry.itests;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The demo lab ({@code demo/lab.sh}) in a short directory under /tmp, for tests that drive
 * the unpacked distribution against real QEMU VMs; plus a tiny client of the QEMU guest
 * agent and of QMP, so a test can see (and undo) what Ferry left behind in a guest.
 */
final class DemoLab implements AutoCloseable {
    private final Path script;
    private final Path dir;
    private final boolean own;

    private DemoLab(Path script, Path dir, boolean own) {
        this.script = script;
        this.dir = dir;
        this.own = own;
    }

    /**
     * Starts a fresh lab (builds the guest, boots the VMs, waits for their agents), or, when
     * the system property {@code ferry.faults.lab} names the directory of a running lab, uses
     * that one and leaves it running at the end (to iterate on a test without waiting for
     * the VMs to boot).
     */
    static DemoLab start() throws IOException, InterruptedException {
        Path root = Path.of(System.getProperty("ferry.source.root")).toRealPath();
        String given = System.getProperty("ferry.faults.lab", "");
        // unix socket paths are limited to 107 bytes: keep the lab directory short
        DemoLab lab = given.isBlank()
                ? new DemoLab(root.resolve("demo/lab.sh"), Files.createTempDirectory(Path.of("/tmp"), "flt-lab"), true)
                : new DemoLab(root.resolve("demo/lab.sh"), Path.of(given), false);
        lab.script("start", Duration.ofMinutes(8));
        return lab;
    }

    Path dir() {
        return dir;
    }

    Path inventory() {
        return dir.resolve("lab-inventory.json");
    }

    Path agentSocket(String vm) {
        return dir.resolve(vm).resolve("qga.sock");
    }

    Path qmpSocket(String vm) {
        return dir.resolve(vm).resolve("qmp.sock");
    }

    String script(String command, Duration timeout) throws IOException, InterruptedException {
        return run(timeout, script.toString(), command);
    }

    @Override
    public void close() {
        if (!own) {
            return;
        }
        try {
            script("destroy", Duration.ofMinutes(2));
        } catch (AssertionError | IOException | InterruptedException e) {
            System.err.println("demo lab in " + dir + " not destroyed: " + e.getMessage());
        }
    }

    /** Runs a command with the lab directory in its environment; fails unless it exits 0. */
    String run(Duration timeout, String... command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("FERRY_DEMO_LAB", dir.toString());
        Path log = Files.createTempFile(Path.of("/tmp"), "flt-cmd", ".log");
        pb.redirectOutput(log.toFile());
        Process p = pb.start();
        boolean done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (!done) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        String out = Files.readString(log, UTF_8);
        Files.deleteIfExists(log);
        if (!done || p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + (done ? " failed (exit " + p.exitValue() + ")"
                    : " timed out after " + timeout.toSeconds() + " s") + ":\n" + out);
        }
        return out;
    }

    /**
     * One command to the guest agent behind {@code socket}, after {@code guest-sync-delimited}
     * (the agent's way to drop what an earlier client left half-sent); returns the reply line.
     */
    static String agent(Path socket, String command, Duration timeout) throws IOException {
        long id = ThreadLocalRandom.current().nextLong(1, 1L << 40);
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            long deadline = System.nanoTime() + timeout.toNanos();
            write(ch, "\u00ff{\"execute\":\"guest-sync-delimited\",\"arguments\":{\"id\":" + id + "}}\n");
            // the reply to guest-sync-delimited starts with 0xFF; skip lines until it arrives
            while (!line(ch, deadline).contains("\"return\": " + id)) {
                // an error about the 0xFF itself, or a reply left over from an earlier client
            }
            write(ch, "{\"execute\":\"" + command + "\"}\n");
            return line(ch, deadline);
        }
    }

    /** {@code guest-fsfreeze-status} of the guest behind {@code socket}: "thawed" or "frozen". */
    static String freezeStatus(Path socket) throws IOException {
        String reply = agent(socket, "guest-fsfreeze-status", Duration.ofSeconds(10));
        if (reply.contains("\"frozen\"")) {
            return "frozen";
        }
        if (reply.contains("\"thawed\"")) {
            return "thawed";
        }
        throw new IOException("unexpected reply to guest-fsfreeze-status from " + socket + ": " + reply);
    }

    /** One QMP command (after qmp_capabilities) on {@code socket}; returns its reply line. */
    static String qmp(Path socket, String command, Duration timeout) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            long deadline = System.nanoTime() + timeout.toNanos();
            line(ch, deadline); // greeting
            write(ch, "{\"execute\":\"qmp_capabilities\"}\n");
            while (!line(ch, deadline).contains("\"return\"")) {
                // events
            }
            write(ch, "{\"execute\":\"" + command + "\"}\n");
            String reply;
            do {
                reply = line(ch, deadline);
            } while (reply.contains("\"event\""));
            return reply;
        }
    }

    private static void write(SocketChannel ch, String s) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(s.getBytes(UTF_8));
        if (s.charAt(0) == '\u00ff') {
            // a raw 0xFF byte, not its UTF-8 encoding
            byte[] rest = s.substring(1).getBytes(UTF_8);
            buf = ByteBuffer.allocate(rest.length + 1).put((byte) 0xff).put(rest).flip();
        }
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }

    /** Reads one line; a watchdog closes the channel at the deadline, which ends a blocked read. */
    private static String line(SocketChannel ch, long deadline) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer one = ByteBuffer.allocate(1);
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                ch.close();
            } catch (InterruptedException | IOException e) {
                // done in time
            }
        }, "agent-deadline");
        watchdog.setDaemon(true);
        watchdog.start();
        try {
            while (true) {
                one.clear();
                if (ch.read(one) < 0) {
                    throw new IOException("connection closed; read so far: " + out.toString(UTF_8));
                }
                byte b = one.get(0);
                if (b == '\n') {
                    return out.toString(UTF_8);
                }
                if (b != (byte) 0xff) {
                    out.write(b);
                }
            }
        } finally {
            watchdog.interrupt();
        }
    }
}
