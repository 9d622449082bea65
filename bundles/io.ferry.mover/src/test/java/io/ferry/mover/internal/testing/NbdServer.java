package io.ferry.mover.internal.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real NBD server for tests: {@code qemu-nbd} (any qemu format, dirty bitmaps) or
 * {@code nbdkit} (file plugin, raw images), on a unix socket (default) or on 127.0.0.1 at
 * a free port, optionally with TLS. It runs as a child process in the foreground (no
 * {@code --fork}), its output goes to {@link #log()}, and {@link #start} returns once it
 * accepts connections.
 *
 * <pre>{@code
 * try (NbdServer server = NbdServer.qemuNbd(image, "qcow2").bitmap("b1").start(tempDir)) {
 *     DiskSource source = sources.open(server.uri(), SourceOptions.defaults().withDirtyBitmap("b1"));
 *     ...
 * }
 * }</pre>
 *
 * <p>{@link #close()} stops the server (SIGTERM, then SIGKILL) and deletes the socket;
 * {@link #kill()} kills it at once (for fault tests). Always use try-with-resources.
 */
public final class NbdServer implements AutoCloseable {

    private static final long START_TIMEOUT_MILLIS = 15_000;
    private static final int MAX_UNIX_SOCKET_PATH = 100;

    /** Which server program. */
    public enum Kind { QEMU_NBD, NBDKIT }

    /**
     * What to start. Read-only and on a unix socket unless told otherwise.
     *
     * @param kind     qemu-nbd or nbdkit
     * @param image    the image file
     * @param format   qemu format (qcow2, vmdk, vhdx, raw); nbdkit serves raw files only
     * @param readOnly export read-only
     * @param bitmap   dirty bitmap to export (qemu-nbd {@code -B}), or null
     * @param tls      certificates to require TLS with, or null
     * @param tcp      listen on 127.0.0.1 at a free port instead of a unix socket
     * @param clients  qemu-nbd {@code --shared}: how many clients at once (qemu-nbd's own default is 1)
     * @param delays   nbdkit only: parameters of nbdkit's delay filter ({@code rdelay=600},
     *                 {@code delay-extents=600}, {@code wdelay=600}, see {@code nbdkit-delay-filter(1)});
     *                 empty: no filter
     */
    public record Spec(Kind kind, Path image, String format, boolean readOnly, String bitmap, TlsCerts tls,
            boolean tcp, int clients, List<String> delays) {
        public Spec {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(image, "image");
            Objects.requireNonNull(format, "format");
            delays = List.copyOf(delays);
            if (kind == Kind.NBDKIT && (!"raw".equals(format) || bitmap != null)) {
                throw new IllegalArgumentException("nbdkit serves raw images without bitmaps here; use qemu-nbd");
            }
            if (kind != Kind.NBDKIT && !delays.isEmpty()) {
                throw new IllegalArgumentException("delays need nbdkit's delay filter; use NbdServer.nbdkit");
            }
        }

        public Spec(Kind kind, Path image, String format, boolean readOnly, String bitmap, TlsCerts tls, boolean tcp,
                int clients) {
            this(kind, image, format, readOnly, bitmap, tls, tcp, clients, List.of());
        }

        /**
         * Requests wait this long in the server (nbdkit's delay filter), e.g.
         * {@code delayed("rdelay=600")} for reads that never come back in a test's time.
         */
        public Spec delayed(String... parameters) {
            return new Spec(kind, image, format, readOnly, bitmap, tls, tcp, clients, List.of(parameters));
        }

        public Spec writable() {
            return new Spec(kind, image, format, false, bitmap, tls, tcp, clients, delays);
        }

        public Spec bitmap(String name) {
            return new Spec(kind, image, format, readOnly, name, tls, tcp, clients, delays);
        }

        public Spec tls(TlsCerts certs) {
            return new Spec(kind, image, format, readOnly, bitmap, certs, tcp, clients, delays);
        }

        /** Like qemu-nbd's default: one client at a time. */
        public Spec singleClient() {
            return new Spec(kind, image, format, readOnly, bitmap, tls, tcp, 1, delays);
        }

        public Spec overTcp() {
            return new Spec(kind, image, format, readOnly, bitmap, tls, true, clients, delays);
        }

        /**
         * Starts the server; its socket and log go to a new directory under {@code workDir}
         * (under /tmp when that path would be too long for a unix socket).
         */
        public NbdServer start(Path workDir) {
            return NbdServer.start(this, workDir);
        }
    }

    private final Spec spec;
    private final Process process;
    private final Path dir;
    private final boolean ownsDir;
    private final Path socket;
    private final int port;
    private final Path log;

    private NbdServer(Spec spec, Process process, Path dir, boolean ownsDir, Path socket, int port, Path log) {
        this.spec = spec;
        this.process = process;
        this.dir = dir;
        this.ownsDir = ownsDir;
        this.socket = socket;
        this.port = port;
        this.log = log;
    }

    /** qemu-nbd serving {@code image} in {@code format}. */
    public static Spec qemuNbd(Path image, String format) {
        return new Spec(Kind.QEMU_NBD, image, format, true, null, null, false, 8);
    }

    /** nbdkit's file plugin serving a raw {@code image}. */
    public static Spec nbdkit(Path image) {
        return new Spec(Kind.NBDKIT, image, "raw", true, null, null, false, 8);
    }

    private static NbdServer start(Spec spec, Path workDir) {
        Path dir = serverDir(workDir);
        Path log = dir.resolve("server.log");
        IllegalStateException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            Path socket = spec.tcp() ? null : dir.resolve("nbd.sock");
            int port = spec.tcp() ? freePort() : -1;
            Process process = launch(command(spec, socket, port), log);
            NbdServer server = new NbdServer(spec, process, dir, !dir.startsWith(workDir), socket, port, log);
            try {
                server.awaitReady();
                return server;
            } catch (IllegalStateException e) {
                server.close();
                last = e;
                if (!spec.tcp() || !e.getMessage().contains("in use")) {
                    break;
                }
            }
        }
        throw last;
    }

    private static Path serverDir(Path workDir) {
        try {
            Path dir = Files.createTempDirectory(workDir, "nbd");
            if (dir.resolve("nbd.sock").toString().length() <= MAX_UNIX_SOCKET_PATH) {
                return dir;
            }
            Files.delete(dir);
            return Files.createTempDirectory("ferry-nbd");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a directory for an NBD server under " + workDir, e);
        }
    }

    private static List<String> command(Spec spec, Path socket, int port) {
        List<String> command = new ArrayList<>();
        if (spec.kind() == Kind.QEMU_NBD) {
            command.addAll(List.of(Tools.require("qemu-nbd").toString(), "--persistent", "--shared=" + spec.clients(), "-f",
                    spec.format()));
            command.add(spec.readOnly() ? "--read-only" : "--discard=unmap");
            if (spec.bitmap() != null) {
                command.addAll(List.of("-B", spec.bitmap()));
            }
            if (spec.tls() != null) {
                command.addAll(List.of("--object", "tls-creds-x509,id=tls0,endpoint=server,dir=" + spec.tls().dir(),
                        "--tls-creds", "tls0"));
            }
            command.addAll(spec.tcp() ? List.of("-b", "127.0.0.1", "-p", Integer.toString(port))
                    : List.of("-k", socket.toString()));
            command.add(spec.image().toString());
        } else {
            command.addAll(List.of(Tools.require("nbdkit").toString(), "-f", "--exit-with-parent"));
            if (spec.readOnly()) {
                command.add("-r");
            }
            if (spec.tls() != null) {
                command.addAll(List.of("--tls=require", "--tls-certificates=" + spec.tls().dir()));
            }
            command.addAll(spec.tcp() ? List.of("-i", "127.0.0.1", "-p", Integer.toString(port))
                    : List.of("-U", socket.toString()));
            if (!spec.delays().isEmpty()) {
                command.add("--filter=delay");
            }
            command.addAll(List.of("file", "file=" + spec.image()));
            command.addAll(spec.delays());
        }
        return command;
    }

    private static Process launch(List<String> command, Path log) {
        try {
            Files.writeString(log, String.join(" ", command) + "\n");
            return new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command.get(0), e);
        }
    }

    private static int freePort() {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free TCP port on 127.0.0.1", e);
        }
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MILLIS);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(spec.kind() + " exited with code " + process.exitValue()
                        + " before accepting connections:\n" + logText());
            }
            if (accepts()) {
                return;
            }
            sleep(20);
        }
        throw new IllegalStateException(spec.kind() + " did not accept connections within " + START_TIMEOUT_MILLIS
                + " ms:\n" + logText());
    }

    private boolean accepts() {
        if (socket != null) {
            if (!Files.exists(socket)) {
                return false;
            }
            SocketAddress address = UnixDomainSocketAddress.of(socket);
            try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                return channel.connect(address);
            } catch (IOException e) {
                return false;
            }
        }
        try (Socket probe = new Socket()) {
            probe.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The URI for libnbd: nbd+unix:///?socket=..., nbd://127.0.0.1:PORT/, or the nbds variants with TLS. */
    public String uri() {
        String scheme = spec.tls() != null ? "nbds" : "nbd";
        return socket != null ? scheme + "+unix:///?socket=" + socket : scheme + "://127.0.0.1:" + port + "/";
    }

    public Spec spec() {
        return spec;
    }

    /** The server's combined output (starts with its command line). */
    public Path log() {
        return log;
    }

    public String logText() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Kills the server at once (SIGKILL), as a crash would; connections break. */
    public void kill() {
        process.destroyForcibly();
        waitFor(5000);
    }

    /**
     * Stops the server (SIGTERM, SIGKILL after 5 s) and deletes its socket; the log stays in
     * the work directory for post-mortems (unless the socket needed a short directory in /tmp).
     */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            if (!waitFor(5000)) {
                process.destroyForcibly();
                waitFor(5000);
            }
        }
        try {
            if (socket != null) {
                Files.deleteIfExists(socket);
            }
            if (ownsDir) {
                try (Stream<Path> files = Files.walk(dir)) {
                    for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(file);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the socket of NBD server " + this, e);
        }
    }

    private boolean waitFor(long millis) {
        try {
            return process.waitFor(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for an NBD server", e);
        }
    }

    @Override
    public String toString() {
        return spec.kind() + " " + uri() + " (" + spec.image().getFileName() + ")";
    }
}
