package io.ferry.jobs.internal;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code qemu-nbd} serving one image read-only on a unix socket (optionally with a
 * dirty bitmap), or a real {@code nbdkit} that stalls ({@link #stalled}).
 */
final class QemuNbd implements AutoCloseable {

    private final Process process;
    private final Path socket;

    private QemuNbd(Process process, Path socket) {
        this.process = process;
        this.socket = socket;
    }

    /** Serves {@code image} on {@code socket}; returns once it accepts connections. */
    static QemuNbd serve(Path image, String format, Path socket, String bitmap) {
        List<String> command = new ArrayList<>(List.of("qemu-nbd", "--persistent", "--shared=8", "--read-only", "-f",
                format, "-k", socket.toString()));
        if (bitmap != null) {
            command.addAll(List.of("-B", bitmap));
        }
        command.add(image.toString());
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(socket.resolveSibling(socket.getFileName() + ".log").toFile()).start();
            QemuNbd server = new QemuNbd(p, socket);
            server.awaitReady();
            return server;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start qemu-nbd (apt-get install qemu-utils): " + e.getMessage(), e);
        }
    }

    /**
     * A real {@code nbdkit} serving the raw {@code image} read-only on {@code socket} whose
     * delay filter holds every read for 10 minutes ({@code rdelay=600}): a hung storage server.
     */
    static QemuNbd stalled(Path image, Path socket) {
        List<String> command = List.of("nbdkit", "-f", "--exit-with-parent", "-r", "-U", socket.toString(),
                "--filter=delay", "file", "file=" + image, "rdelay=600");
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(socket.resolveSibling(socket.getFileName() + ".log").toFile()).start();
            QemuNbd server = new QemuNbd(p, socket);
            server.awaitReady();
            return server;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start nbdkit (apt-get install nbdkit): " + e.getMessage(), e);
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String uri() {
        return "nbd+unix:///?socket=" + socket;
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the NBD server exited with " + process.exitValue() + " for " + socket);
            }
            if (Files.exists(socket)) {
                try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                    c.connect(UnixDomainSocketAddress.of(socket));
                    return;
                } catch (IOException e) {
                    // not accepting yet
                }
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        close();
        throw new IllegalStateException("the NBD server did not listen on " + socket + " within 15 s");
    }

    /** Kills the server at once, as a crash would. */
    void kill() {
        try {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
            Files.deleteIfExists(socket);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the socket goes with the temporary directory
        }
    }
}
