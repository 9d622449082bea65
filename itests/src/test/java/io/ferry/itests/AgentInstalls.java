package io.ferry.itests;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Agents installed the way an operator does it, with {@code ./ferry agent …} of this checkout,
 * for an unpacked manager: tokens from its shell, installations under one test directory.
 */
final class AgentInstalls {
    static final Pattern TOKEN = Pattern.compile("FE1\\.[0-9a-f]{16}\\.[A-Za-z0-9_-]{43}\\.[0-9a-f]{64}");
    private static final Path CHECKOUT = Path.of("..").toAbsolutePath().normalize();

    /** What a {@code ./ferry} command printed (stdout and stderr) and its exit code. */
    record Result(int exitCode, String output) {
    }

    private final UnpackedDistribution manager;
    private final Path work;
    private final Path agents;
    private final String managerAddress;

    /**
     * @param work           where command outputs are kept
     * @param agents         the agents' installations ({@code FERRY_AGENTS_DIR})
     * @param managerAddress the manager's agent endpoint, HOST:PORT
     */
    AgentInstalls(UnpackedDistribution manager, Path work, Path agents, String managerAddress) {
        this.manager = manager;
        this.work = work;
        this.agents = agents;
        this.managerAddress = managerAddress;
    }

    /** Runs {@code ./ferry ARGS} of this checkout with the agents in this test's directory. */
    Result ferry(List<String> args, Duration timeout) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(CHECKOUT.resolve("ferry").toString());
        command.addAll(args);
        Path out = Files.createTempFile(work, "ferry-", ".out");
        ProcessBuilder builder = new ProcessBuilder(command).directory(CHECKOUT.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("FERRY_AGENTS_DIR", agents.toString());
        List.of("KARAF_HOME", "KARAF_BASE", "KARAF_DATA", "KARAF_ETC").forEach(builder.environment()::remove);
        Process process = builder.start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("./ferry " + args + " did not end within " + timeout.toSeconds() + " s:\n"
                    + Files.readString(out, UTF_8));
        }
        return new Result(process.exitValue(), Files.readString(out, UTF_8));
    }

    /** {@code ./ferry agent enroll --manager … --token TOKEN}. */
    Result enroll(String token) throws IOException, InterruptedException {
        return ferry(List.of("agent", "enroll", "--manager", managerAddress, "--token", token), Duration.ofMinutes(4));
    }

    /** A fresh enrollment token for {@code server}, made by the manager's admin. */
    String token(String server) throws IOException, InterruptedException {
        String output = manager.ok("ferry:agent-token " + server);
        Matcher m = TOKEN.matcher(output);
        assertTrue(output, m.find());
        return m.group();
    }

    /** The installation of the agent of {@code server}. */
    Path home(String server) {
        return agents.resolve(server);
    }
}
