package io.ferry.itests;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The distribution zip unpacked into a directory and driven the way an operator drives
 * it: {@code bin/start}, {@code bin/stop}, and commands piped into {@code bin/client -b}.
 * Runs in the test JVM, no Pax Exam. Commands log in as the local operator does
 * ({@code ./ferry client}): the user admin with the SSH key Ferry creates at its first start,
 * {@code etc/ferry-admin.key}; {@link #clientAs} logs in with a password.
 */
final class UnpackedDistribution {
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(60);
    /** The local operator's SSH key, relative to the home; Ferry creates it at first start. */
    static final String ADMIN_KEY = "etc/ferry-admin.key";

    private final Path home;
    private final String sshPort;
    private final String httpsPort;

    private UnpackedDistribution(Path home, String sshPort, String httpsPort) {
        this.home = home;
        this.sshPort = sshPort;
        this.httpsPort = httpsPort;
    }

    /** Unpacks {@code zip} under {@code parent} and gives it free SSH, RMI, agent and HTTPS ports. */
    static UnpackedDistribution unpack(Path zip, Path parent) throws IOException {
        Files.createDirectories(parent);
        List<Path> top = new ArrayList<>();
        try (ZipFile file = new ZipFile(zip.toFile())) {
            Enumeration<? extends ZipEntry> entries = file.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                Path target = parent.resolve(entry.getName()).normalize();
                if (!target.startsWith(parent)) {
                    throw new IOException("Zip entry " + entry.getName() + " points outside " + parent);
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    try (InputStream in = file.getInputStream(entry)) {
                        Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
                Path first = parent.resolve(parent.relativize(target).getName(0));
                if (!top.contains(first)) {
                    top.add(first);
                }
            }
        }
        if (top.size() != 1) {
            throw new IOException(zip + " should hold one top-level directory, holds " + top);
        }
        Path home = top.get(0);
        // java.util.zip drops the Unix modes the assembly recorded.
        try (Stream<Path> scripts = Files.list(home.resolve("bin"))) {
            scripts.filter(Files::isRegularFile).filter(p -> !p.toString().endsWith(".bat"))
                    .forEach(p -> p.toFile().setExecutable(true));
        }
        String sshPort = FerryContainer.freePort();
        setProperty(home.resolve("etc/org.apache.karaf.shell.cfg"), "sshPort", sshPort);
        setProperty(home.resolve("etc/org.apache.karaf.management.cfg"), "rmiRegistryPort", FerryContainer.freePort());
        setProperty(home.resolve("etc/org.apache.karaf.management.cfg"), "rmiServerPort", FerryContainer.freePort());
        setProperty(home.resolve("etc/io.ferry.agent.manager.cfg"), "port", FerryContainer.freePort());
        String httpsPort = FerryContainer.freePort();
        setProperty(home.resolve(FerryContainer.REST_CFG), "org.osgi.service.http.port.secure", httpsPort);
        return new UnpackedDistribution(home, sshPort, httpsPort);
    }

    Path home() {
        return home;
    }

    /** The REST API's HTTPS port (etc/org.ops4j.pax.web.cfg). */
    int httpsPort() {
        return Integer.parseInt(httpsPort);
    }

    void start() throws IOException, InterruptedException {
        Outcome outcome = run(List.of("bin/start"), "", Duration.ofSeconds(30));
        if (outcome.exitCode != 0) {
            throw new AssertionError("bin/start failed (" + outcome.exitCode + "):\n" + outcome.output);
        }
    }

    /**
     * Waits until {@code command} succeeds through {@code bin/client}, i.e. Karaf is up, SSH
     * accepts the login and the ferry commands are registered; returns its output.
     */
    String awaitClient(String command, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Outcome last = client(command);
        while (last.exitCode != 0 && System.nanoTime() < deadline) {
            Thread.sleep(1000);
            last = client(command);
        }
        if (last.exitCode != 0) {
            throw new AssertionError("'" + command + "' through bin/client did not succeed within " + timeout.toSeconds()
                    + " s; last answer (" + last.exitCode + "):\n" + last.output + "\nkaraf.log tail:\n" + logTail());
        }
        return last.output;
    }

    /**
     * Runs {@code command} the way {@code ./ferry client} does: piped into {@code bin/client -b},
     * logged in as admin with the key {@code etc/ferry-admin.key}.
     */
    Outcome client(String command) throws IOException, InterruptedException {
        if (!Files.isReadable(home.resolve(ADMIN_KEY))) {
            return new Outcome(1, ADMIN_KEY + " does not exist yet (Ferry creates it at its first start)");
        }
        return run(adminClient(command), "", CLIENT_TIMEOUT);
    }

    /** {@code bin/client -b} with {@code command} on its stdin, logged in as admin with {@code etc/ferry-admin.key}. */
    private List<String> adminClient(String command) {
        return List.of("bash", "-c", "printf '%s\\n' \"$1\" | bin/client -u admin -k \"$3\" -a \"$2\" -b", "client",
                command, sshPort, ADMIN_KEY);
    }

    /** Runs {@code command} through {@code bin/client -b}, logged in as {@code user} with {@code password}. */
    Outcome clientAs(String user, String password, String command) throws IOException, InterruptedException {
        return run(List.of("bash", "-c", "printf '%s\\n' \"$1\" | bin/client -u \"$3\" -p \"$4\" -a \"$2\" -b",
                "client", command, sshPort, user, password), "", CLIENT_TIMEOUT);
    }

    /**
     * Runs {@code command} as {@link #client} does, as a script would: stdout and stderr each
     * to a file of their own (neither is a terminal), kept apart. {@code env} changes bin/client's
     * environment (a null value removes the variable).
     */
    Streams clientStreams(String command, Map<String, String> env) throws IOException, InterruptedException {
        Path out = Files.createTempFile(home.getParent(), "cmd-", ".out");
        Path err = Files.createTempFile(home.getParent(), "cmd-", ".err");
        ProcessBuilder builder = processIn(adminClient(command)).redirectOutput(out.toFile())
                .redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Map<String, String> environment = builder.environment();
        env.forEach((k, v) -> {
            if (v == null) {
                environment.remove(k);
            } else {
                environment.put(k, v);
            }
        });
        Process process = builder.start();
        try {
            if (!process.waitFor(CLIENT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("'" + command + "' through bin/client did not finish within "
                        + CLIENT_TIMEOUT.toSeconds() + " s");
            }
            return new Streams(process.exitValue(), Files.readString(out, UTF_8), Files.readString(err, UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** The SSH port this installation was given. */
    int sshPort() {
        return Integer.parseInt(sshPort);
    }

    /** The running Karaf JVM of this installation, if any. */
    Optional<ProcessHandle> process() {
        return karafProcess();
    }

    /** Runs {@code command} through the client and fails unless it succeeds. */
    String ok(String command) throws IOException, InterruptedException {
        Outcome outcome = client(command);
        if (outcome.exitCode != 0) {
            throw new AssertionError("'" + command + "' failed (" + outcome.exitCode + "):\n" + outcome.output);
        }
        return outcome.output;
    }

    /** {@code bin/stop}, then waits for the Karaf JVM to exit (it holds the H2 file lock). */
    void stop(Duration timeout) throws IOException, InterruptedException {
        Optional<ProcessHandle> karaf = karafProcess();
        if (karaf.isEmpty()) {
            return;
        }
        run(List.of("bin/stop"), "", Duration.ofSeconds(30));
        if (!waitForExit(karaf.get(), timeout)) {
            karaf.get().destroyForcibly();
            waitForExit(karaf.get(), Duration.ofSeconds(10));
            throw new AssertionError("Karaf (pid " + karaf.get().pid() + ") did not stop within " + timeout.toSeconds()
                    + " s after bin/stop; killed it");
        }
    }

    /** For the end of a test class: bin/stop (a minute at most), then kill -9 whatever still runs. */
    void stopOrKill() throws IOException, InterruptedException {
        try {
            stop(Duration.ofMinutes(1));
        } finally {
            kill();
        }
    }

    /** Kills a Karaf left running by a failed test. */
    void kill() {
        karafProcess().ifPresent(p -> {
            p.destroyForcibly();
            waitForExit(p, Duration.ofSeconds(10));
        });
    }

    private Optional<ProcessHandle> karafProcess() {
        Path pidFile = home.resolve("karaf.pid");
        try {
            long pid = Long.parseLong(Files.readString(pidFile).strip());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static boolean waitForExit(ProcessHandle process, Duration timeout) {
        try {
            process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (Exception e) {
            return !process.isAlive();
        }
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(home.resolve("data/log/karaf.log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no data/log/karaf.log: " + e + ")";
        }
    }

    /**
     * A process in this installation's home with an operator's environment: this JDK as JAVA_HOME, none of the
     * build's KARAF_* variables.
     */
    private ProcessBuilder processIn(List<String> command) {
        ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile());
        Map<String, String> env = builder.environment();
        env.put("JAVA_HOME", System.getProperty("java.home"));
        List.of("KARAF_HOME", "KARAF_BASE", "KARAF_DATA", "KARAF_ETC").forEach(env::remove);
        return builder;
    }

    private Outcome run(List<String> command, String stdin, Duration timeout) throws IOException, InterruptedException {
        Path output = Files.createTempFile(home.getParent(), "cmd-", ".out");
        Process process = processIn(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        process.getOutputStream().write(stdin.getBytes(UTF_8));
        process.getOutputStream().close();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout.toSeconds() + " s");
        }
        String text = Files.readString(output, UTF_8);
        Files.delete(output);
        return new Outcome(process.exitValue(), text);
    }

    /** Sets {@code key = value} in a Karaf .cfg file, replacing an existing line. */
    static void setProperty(Path cfg, String key, String value) throws IOException {
        String text = Files.readString(cfg, UTF_8);
        Matcher m = Pattern.compile("(?m)^\\s*" + Pattern.quote(key) + "\\s*=.*$").matcher(text);
        String line = key + " = " + value;
        String updated = m.find() ? m.replaceFirst(Matcher.quoteReplacement(line))
                : text + (text.endsWith("\n") ? "" : "\n") + line + "\n";
        Files.writeString(cfg, updated, UTF_8);
    }

    record Outcome(int exitCode, String output) {
    }

    /** What {@link #clientStreams} saw: the exit status, stdout and stderr apart. */
    record Streams(int exitCode, String stdout, String stderr) {
    }

    /** A TLS context that trusts only the CA in {@code caFile} (Ferry's: data/ferry/ca/ca.crt). */
    static javax.net.ssl.SSLContext trustingOnly(Path caFile) throws Exception {
        java.security.KeyStore trusted = java.security.KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        try (java.io.InputStream in = Files.newInputStream(caFile)) {
            trusted.setCertificateEntry("ferry-ca", java.security.cert.CertificateFactory.getInstance("X.509")
                    .generateCertificate(in));
        }
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
                javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trusted);
        javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }
}
