package io.ferry.plugin.proxmox.internal.qemu;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A real QEMU VM for the tests: TCG (nested KVM does not work on the build hosts), the
 * initramfs guest of {@code qemu/build-initrd.sh} with qemu-ga, one qcow2 data disk as block
 * node {@code disk0} (mounted at /data in the guest; more disks are nodes {@code disk1}, ... and
 * /dev/vdb, ... unmounted; an image's file extension names its format), QMP and the agent on unix sockets in a temp directory, plus a second
 * QMP socket {@link #ferryQmpSocket()} for the code under test (each QMP socket serves one client). {@link #close()} never leaves QEMU running: it kills it if still alive, and a
 * shutdown hook does the same if the test JVM exits first.
 */
final class QemuVm implements AutoCloseable {

    static final String DISK_NODE = "disk0";
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration BOOT_TIMEOUT = Duration.ofSeconds(90);

    /** Kernel and initramfs of the test guest. */
    record Guest(Path kernel, Path initrd) {

        /** Runs build-initrd.sh into {@code dir} (about a second). */
        static Guest build(Path dir) {
            Path script;
            try {
                script = Path.of(QemuVm.class.getResource("/qemu/build-initrd.sh").toURI());
            } catch (URISyntaxException e) {
                throw new IllegalStateException(e);
            }
            HostCommand.run(Duration.ofSeconds(60), "sh", script.toString(), dir.toString()).requireSuccess();
            return new Guest(dir.resolve("vmlinuz"), dir.resolve("initrd.cpio"));
        }
    }

    /** An ext4-formatted qcow2 data disk, made without mounting anything on the host. */
    static Path createDataDisk(Path dir, int mib) {
        Path raw = dir.resolve("data.raw");
        Path qcow2 = dir.resolve("data.qcow2");
        try {
            Files.createDirectories(dir);
            HostCommand.run(Duration.ofSeconds(30), "truncate", "-s", mib + "M", raw.toString()).requireSuccess();
            HostCommand.run(Duration.ofSeconds(60), "mkfs.ext4", "-q", "-F", "-L", "data", raw.toString()).requireSuccess();
            HostCommand.run(Duration.ofSeconds(60), "qemu-img", "convert", "-f", "raw", "-O", "qcow2", raw.toString(),
                    qcow2.toString()).requireSuccess();
            Files.delete(raw);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return qcow2;
    }

    /** An empty disk image {@code dir/NAME.FORMAT} (qemu-img create); its extension names its format at boot. */
    static Path createBlankDisk(Path dir, String name, String format, int mib) {
        Path image = dir.resolve(name + "." + format);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        HostCommand.run(Duration.ofSeconds(30), "qemu-img", "create", "-q", "-f", format, image.toString(), mib + "M")
                .requireSuccess();
        return image;
    }

    private final Path dir;
    private final Process process;
    private final Thread killOnExit;
    private final QmpClient qmp;
    private GuestAgentClient agent;
    private final Duration bootToPing;

    private QemuVm(Path dir, Process process, Thread killOnExit, QmpClient qmp, GuestAgentClient agent, Duration bootToPing) {
        this.dir = dir;
        this.process = process;
        this.killOnExit = killOnExit;
        this.qmp = qmp;
        this.agent = agent;
        this.bootToPing = bootToPing;
    }

    /** Boots the guest with {@code disk} and waits for the first answered guest-ping. */
    static QemuVm boot(Guest guest, Path disk, Path dir) {
        return boot(guest, List.of(disk), dir);
    }

    /** Boots the guest with {@code disks} (nodes disk0, disk1, ...) and waits for the first answered guest-ping. */
    static QemuVm boot(Guest guest, List<Path> disks, Path dir) {
        long start = System.nanoTime();
        Path qmpSocket = dir.resolve("qmp.sock");
        Path ferryQmpSocket = dir.resolve("ferry-qmp.sock");
        Path agentSocket = dir.resolve("qga.sock");
        List<String> command = new ArrayList<>(List.of("qemu-system-x86_64", "-accel", "tcg", "-m", "256", "-smp", "1", "-nodefaults",
                "-kernel", guest.kernel().toString(), "-initrd", guest.initrd().toString(),
                "-append", "console=ttyS0 quiet panic=-1 i8042.noprobe",
                "-display", "none", "-serial", "file:" + dir.resolve("console.log"), "-monitor", "none", "-no-reboot",
                "-chardev", "socket,path=" + agentSocket + ",server=on,wait=off,id=qga0",
                "-device", "virtio-serial", "-device", "virtserialport,chardev=qga0,name=org.qemu.guest_agent.0",
                "-qmp", "unix:" + qmpSocket + ",server=on,wait=off",
                "-qmp", "unix:" + ferryQmpSocket + ",server=on,wait=off"));
        for (int i = 0; i < disks.size(); i++) {
            String name = disks.get(i).getFileName().toString();
            String format = name.substring(name.lastIndexOf('.') + 1);
            command.addAll(List.of("-blockdev", "driver=file,filename=" + disks.get(i) + ",node-name=file" + i,
                    "-blockdev", "driver=" + format + ",file=file" + i + ",node-name=disk" + i,
                    "-device", "virtio-blk-pci,drive=disk" + i + ",id=vblk" + i));
        }
        Process process;
        try {
            Files.createDirectories(dir);
            Files.deleteIfExists(qmpSocket);
            Files.deleteIfExists(ferryQmpSocket);
            Files.deleteIfExists(agentSocket);
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("qemu.log").toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start qemu-system-x86_64 (apt-get install qemu-system-x86)", e);
        }
        Thread killOnExit = new Thread(process::destroyForcibly, "kill QEMU " + dir);
        Runtime.getRuntime().addShutdownHook(killOnExit);
        QmpClient qmp = null;
        GuestAgentClient agent = null;
        try {
            long deadline = start + BOOT_TIMEOUT.toNanos();
            while (!Files.exists(qmpSocket) || !Files.exists(ferryQmpSocket) || !Files.exists(agentSocket)) {
                requireAlive(process, dir, deadline, "its QMP and agent sockets");
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
            qmp = QmpClient.connect(qmpSocket, COMMAND_TIMEOUT);
            agent = GuestAgentClient.connect(agentSocket, COMMAND_TIMEOUT);
            while (true) {
                requireAlive(process, dir, deadline, "the first guest-ping");
                try {
                    agent.sync(Duration.ofSeconds(2));
                    agent.ping(Duration.ofSeconds(5));
                    break;
                } catch (QemuTimeoutException stillBooting) {
                    // the guest's agent is not running yet: the sync is answered once it is
                } catch (QemuChannelException closedWhileBooting) {
                    // seen once under load while the guest set up its virtio port: the next sync reconnects
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
                }
            }
            return new QemuVm(dir, process, killOnExit, qmp, agent, Duration.ofNanos(System.nanoTime() - start));
        } catch (RuntimeException | Error e) {
            if (agent != null) {
                agent.close();
            }
            if (qmp != null) {
                qmp.close();
            }
            destroy(process);
            Runtime.getRuntime().removeShutdownHook(killOnExit);
            throw e;
        }
    }

    private static void requireAlive(Process process, Path dir, long deadline, String what) {
        if (!process.isAlive()) {
            throw new AssertionError("QEMU exited with " + process.exitValue() + " before " + what + ":\n" + logs(dir));
        }
        if (System.nanoTime() > deadline) {
            throw new AssertionError("no " + what + " within " + BOOT_TIMEOUT + ":\n" + logs(dir));
        }
    }

    private static String logs(Path dir) {
        List<String> out = new ArrayList<>();
        for (String name : List.of("qemu.log", "console.log")) {
            try {
                out.add(name + ": " + Files.readString(dir.resolve(name), StandardCharsets.ISO_8859_1));
            } catch (IOException e) {
                out.add(name + ": (" + e + ")");
            }
        }
        return String.join("\n", out);
    }

    QmpClient qmp() {
        return qmp;
    }

    GuestAgentClient agent() {
        return agent;
    }

    Path dir() {
        return dir;
    }

    Path agentSocket() {
        return agent.socket();
    }

    /** The QMP socket left free for the code under test. */
    Path ferryQmpSocket() {
        return dir.resolve("ferry-qmp.sock");
    }

    /** Disconnects the test's agent client, so that the code under test can connect (see {@link #reconnectAgent()}). */
    void releaseAgent() {
        agent.close();
    }

    /** Closes the agent client and connects a new one (the agent serves one client at a time). */
    GuestAgentClient reconnectAgent() {
        agent.close();
        agent = GuestAgentClient.connect(agent.socket(), COMMAND_TIMEOUT);
        return agent;
    }

    /** The named dirty bitmaps of a block node, through the test's QMP connection. */
    List<DirtyBitmap> bitmaps(String node) {
        try (FleecingBackup f = new FleecingBackup(qmp, java.util.Optional.empty(), dir, COMMAND_TIMEOUT)) {
            return f.bitmaps(node);
        }
    }

    /** The names of Ferry's bitmaps ({@code ferry-*}) on a block node, sorted. */
    List<String> ferryBitmaps(String node) {
        return bitmaps(node).stream().map(DirtyBitmap::name).filter(n -> n.startsWith(ChangeTrust.BITMAP_PREFIX)).sorted()
                .toList();
    }

    long pid() {
        return process.pid();
    }

    Duration bootToPing() {
        return bootToPing;
    }

    /** Runs a shell script in the guest and returns its stdout; fails the test if it fails. */
    String sh(String script) {
        GuestExecResult r = agent.shell(script, Duration.ofSeconds(60));
        if (!r.succeeded()) {
            throw new AssertionError(r + "\nstdout: " + r.stdout());
        }
        return r.stdout();
    }

    /** SIGSTOP: QEMU, its QMP monitor and the guest (with its agent) stop answering until {@link #resumeProcess()}. */
    void suspendProcess() {
        HostCommand.run(Duration.ofSeconds(10), "sh", "-c", "kill -STOP " + process.pid()).requireSuccess();
    }

    void resumeProcess() {
        HostCommand.run(Duration.ofSeconds(10), "sh", "-c", "kill -CONT " + process.pid()).requireSuccess();
    }

    /** Clean shutdown through QMP: QEMU writes persistent bitmaps into the qcow2 and exits. */
    void quit() {
        agent.close();
        try {
            qmp.execute("quit");
        } catch (QemuChannelException e) {
            // QEMU may close the socket before its reply to quit arrives; the exit below is what counts
        }
        awaitExit();
    }

    /** SIGKILL, as a crash would: nothing is written back. */
    void kill() {
        agent.close();
        qmp.close();
        process.destroyForcibly();
        awaitExit();
    }

    private void awaitExit() {
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                destroy(process);
                throw new AssertionError("QEMU pid " + process.pid() + " did not exit within 60 s; killed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            destroy(process);
            throw new AssertionError("interrupted while waiting for QEMU to exit; killed", e);
        } finally {
            qmp.close();
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        }
    }

    @Override
    public void close() {
        agent.close();
        qmp.close();
        if (process.isAlive()) {
            destroy(process);
        }
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is exiting; the hook runs anyway
        }
    }

    private static void destroy(Process process) {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
