package io.ferry.itests;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * Issue 11, point 1 and the shell half of point 2, on the shipped distribution driven from
 * outside as an operator (or an attacker on the same network) would: a fresh install listens
 * on loopback only, the old karaf/karaf login and SFTP are refused, the local operator's key
 * logs in with nothing typed, and the command ACLs give each Ferry role what the issue says:
 * the viewer is refused every mutating command, the operator runs a job but cannot restore,
 * prune or import, the admin can.
 */
public class SecureDefaultsIT {
    private static final Duration BOOT_TIMEOUT = Duration.ofMinutes(4);
    private static final String VIEWER = "it-viewer";
    private static final String OPERATOR = "it-operator";
    private static final String FERRY_ADMIN = "it-ferry-admin";
    private static final String PASSWORD = "it-password-4f9c2a7e1b";

    /** Mutating ferry commands for operators (and admins). */
    private static final List<String> OPERATOR_COMMANDS = List.of("job-run", "job-stop", "job-retry", "backup-disk", "verify");
    /** Mutating ferry commands for admins only. */
    private static final List<String> ADMIN_COMMANDS = List.of("host-add", "host-remove", "host-update", "server-add",
            "server-update", "server-remove", "vm-add", "vm-remove", "vm-update", "job-create", "job-update", "job-delete", "role-assign", "role-remove",
            "inventory-import", "inventory-export", "restore", "restore-disk", "prune", "repo-init");
    /** Karaf's administrative commands in the distribution: Karaf's admin role only. */
    private static final List<String> KARAF_ADMIN_COMMANDS = List.of("feature:install", "feature:uninstall",
            "feature:repo-add", "feature:repo-remove", "feature:start", "feature:stop", "bundle:install", "bundle:uninstall",
            "bundle:start", "bundle:stop", "bundle:update", "bundle:refresh", "system:shutdown", "system:property",
            "system:start-level", "jaas:realm-manage", "jaas:user-add", "log:set", "shell:exec", "shell:java");
    /** Karaf commands whose features Ferry does not boot (instance:* is a known injection surface). */
    private static final List<String> ABSENT_COMMANDS = List.of("instance:create", "instance:start", "instance:opts",
            "kar:install", "config:edit", "config:property-set", "package:exports", "dev:dump-create");

    private static UnpackedDistribution ferry;
    /** The viewer's own SSH key (keys.properties): the long command lists run through OpenSSH, without a JVM per command. */
    private static Path viewerKey;

    @BeforeClass
    public static void startFreshInstall() throws Exception {
        Path parent = Path.of("target", "secure-defaults-it", Long.toString(System.currentTimeMillis())).toAbsolutePath();
        ferry = UnpackedDistribution.unpack(FerryContainer.distributionZip().toPath(), parent);
        // one user per Ferry role, plain-text passwords as an operator would add them (Karaf digests them)
        Files.writeString(ferry.home().resolve("etc/users.properties"),
                VIEWER + " = " + PASSWORD + ",_g_:ferry-viewers\n"
                        + OPERATOR + " = " + PASSWORD + ",_g_:ferry-operators\n"
                        + FERRY_ADMIN + " = " + PASSWORD + ",_g_:ferry-admins\n",
                UTF_8, StandardOpenOption.APPEND);
        viewerKey = ferry.home().getParent().resolve("viewer-key");
        Exec keygen = exec(List.of("ssh-keygen", "-q", "-t", "rsa", "-b", "2048", "-N", "", "-f", viewerKey.toString()), "");
        assertEquals(keygen.output, 0, keygen.exitCode);
        String publicKey = Files.readString(Path.of(viewerKey + ".pub"), UTF_8).split(" ")[1];
        Files.writeString(ferry.home().resolve("etc/keys.properties"), VIEWER + "=" + publicKey + ",_g_:ferry-viewers\n",
                UTF_8, StandardOpenOption.APPEND);
        ferry.start();
        ferry.awaitClient("ferry:server-list", BOOT_TIMEOUT);
    }

    @AfterClass
    public static void stop() throws Exception {
        if (ferry != null) {
            ferry.stopOrKill();
        }
    }

    @Test
    public void theLocalKeyLogsInWithNothingTypedAndItsFilesAreTheOwnersOnly() throws Exception {
        String out = ferry.ok("ferry:server-list --json");
        assertTrue(out, out.strip().startsWith("["));
        for (String name : List.of("etc/ferry-admin.key", "etc/ferry-admin.password", "etc/users.properties")) {
            assertEquals(name, "rw-------",
                    PosixFilePermissions.toString(Files.getPosixFilePermissions(ferry.home().resolve(name))));
        }
        // the generated password works too, and is stored only as a digest
        String password = Files.readString(ferry.home().resolve("etc/ferry-admin.password"), UTF_8).strip();
        assertOk(ferry.clientAs("admin", password, "ferry:server-list"));
        String users = Files.readString(ferry.home().resolve("etc/users.properties"), UTF_8);
        assertFalse("users.properties holds the admin password in plain text", users.contains(password));
        assertTrue(users, Pattern.compile("(?m)^admin = \\{CRYPT\\}[0-9A-F]{128}\\{CRYPT\\},_g_:admingroup$").matcher(users).find());
    }

    @Test
    public void karafKarafAndWrongPasswordsCannotLogIn() throws Exception {
        for (String[] login : new String[][] {{"karaf", "karaf"}, {"admin", "admin"}, {"admin", "karaf"}}) {
            UnpackedDistribution.Outcome outcome = ferry.clientAs(login[0], login[1], "ferry:server-list");
            assertNotEquals(login[0] + "/" + login[1] + " logged in:\n" + outcome.output(), 0, outcome.exitCode());
            assertFalse(outcome.output(), outcome.output().contains("[]"));
        }
    }

    @Test
    public void plainTextPasswordsAnOperatorAddedAreDigestedByKaraf() throws Exception {
        assertOk(ferry.clientAs(VIEWER, PASSWORD, "ferry:vm-list"));
        Path users = ferry.home().resolve("etc/users.properties");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (Files.readString(users, UTF_8).contains(PASSWORD) && System.nanoTime() < deadline) {
            Thread.sleep(500);
        }
        assertFalse("a plain-text password is still in users.properties 30 s after the login:\n" + Files.readString(users),
                Files.readString(users, UTF_8).contains(PASSWORD));
        assertOk(ferry.clientAs(VIEWER, PASSWORD, "ferry:vm-list"));
    }

    @Test
    public void noListenerOffLoopback() throws Exception {
        long pid = ferry.process().orElseThrow(() -> new AssertionError("Karaf is not running")).pid();
        List<InetSocketListener> listeners = listeners(pid);
        assertTrue("the SSH port " + ferry.sshPort() + " is not among Karaf's listeners " + listeners,
                listeners.stream().anyMatch(l -> l.port() == ferry.sshPort()));
        for (InetSocketListener listener : listeners) {
            assertTrue("Karaf (pid " + pid + ") listens off loopback: " + listener + " (all: " + listeners + ")",
                    listener.address().isLoopbackAddress());
        }
    }

    @Test
    public void sftpIsRefused() throws Exception {
        // the same key and client log in over SSH: the refusal below is SFTP's, not the login's
        assertOk(ssh(adminKey(), "admin", "ferry:server-list --json"));

        // not sshOptions(): sftp reports the refused subsystem at log level INFO
        List<String> sftp = new ArrayList<>(List.of("sftp", "-P", Integer.toString(ferry.sshPort()), "-o", "BatchMode=yes",
                "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "ConnectTimeout=20",
                "-i", adminKey().toString()));
        sftp.add("admin@127.0.0.1");
        Exec refused = exec(sftp, "get etc/users.properties " + ferry.home().resolve("stolen") + "\nls\n");
        assertNotEquals("sftp worked:\n" + refused.output, 0, refused.exitCode);
        assertTrue(refused.output, refused.output.toLowerCase().contains("subsystem request failed"));
        assertFalse(Files.exists(ferry.home().resolve("stolen")));
    }

    @Test
    public void theViewerIsRefusedEveryMutatingCommand() throws Exception {
        List<String> mutating = new ArrayList<>();
        OPERATOR_COMMANDS.forEach(c -> mutating.add("ferry:" + c));
        ADMIN_COMMANDS.forEach(c -> mutating.add("ferry:" + c));
        mutating.addAll(KARAF_ADMIN_COMMANDS);
        mutating.addAll(ABSENT_COMMANDS);
        List<String> allowed = new ArrayList<>();
        for (String command : mutating) {
            // --help: the ACL is checked before the command runs, and nothing changes if it is not
            UnpackedDistribution.Outcome outcome = ssh(viewerKey, VIEWER, command + " --help");
            if (!refused(outcome)) {
                allowed.add(command + " (" + outcome.exitCode() + "): " + outcome.output());
            }
        }
        assertEquals("commands the viewer could run", List.of(), allowed);
        // and with real arguments, the ones an attacker with a viewer login used (issue 11)
        assertRefused(ferry.clientAs(VIEWER, PASSWORD, "ferry:inventory-import samples/lab-inventory.json"));
        assertRefused(ferry.clientAs(VIEWER, PASSWORD, "ferry:restore-disk --overwrite --session x --to /tmp/x vm disk"));
        // nor can the viewer write a file through the shell's redirection (Karaf's shell:.redirect, admin only)
        Path written = ferry.home().resolve("etc/viewer-wrote.txt");
        ssh(viewerKey, VIEWER, "ferry:vm-list > " + written);
        assertFalse("the viewer wrote " + written + " by redirecting a command's output", Files.exists(written));
        // what the viewer may do
        assertOk(ferry.clientAs(VIEWER, PASSWORD, "ferry:vm-list"));
        for (String command : List.of("ferry:job-list", "ferry:session-list", "ferry:plugins", "ferry:server-list",
                "ferry:check", "ferry:host-list")) {
            assertOk(ssh(viewerKey, VIEWER, command));
        }
    }

    @Test
    public void theCommandsRefusedToTheViewerExistForTheAdmin() throws Exception {
        for (String command : concat(OPERATOR_COMMANDS.stream().map(c -> "ferry:" + c).toList(),
                ADMIN_COMMANDS.stream().map(c -> "ferry:" + c).toList(), KARAF_ADMIN_COMMANDS)) {
            UnpackedDistribution.Outcome outcome = ssh(adminKey(), "admin", command + " --help");
            assertFalse(command + " --help as admin:\n" + outcome.output(), refused(outcome));
            assertTrue(command + " --help as admin:\n" + outcome.output(), outcome.output().contains("SYNTAX"));
        }
        for (String command : ABSENT_COMMANDS) {
            UnpackedDistribution.Outcome outcome = ssh(adminKey(), "admin", command + " --help");
            assertTrue(command + " should not exist (its feature is not booted):\n" + outcome.output(),
                    outcome.output().contains("Command not found"));
        }
        // a Ferry admin is not a Karaf admin
        for (String command : List.of("feature:install --help", "bundle:stop --help", "system:shutdown --help",
                "shell:exec --help", "jaas:user-add --help")) {
            assertRefused(ferry.clientAs(FERRY_ADMIN, PASSWORD, command));
        }
    }

    @Test
    public void theOperatorRunsAJobButCannotRestorePruneOrImportAndTheAdminCan() throws Exception {
        // inside the default roots of etc/io.ferry.paths.cfg (password files, repositories, restores)
        Path passwordFile = Files.createDirectories(ferry.home().resolve("data/ferry/password-files"))
                .resolve("itest-roles.password");
        Files.writeString(passwordFile, "it-repo-password-1\n");
        Path repo = ferry.home().resolve("data/ferry/repositories/itest-roles");
        Path work = Files.createDirectories(ferry.home().resolve("data/ferry/restores"));

        assertRefused(ferry.clientAs(OPERATOR, PASSWORD, "ferry:inventory-import samples/lab-inventory.json"));
        assertRefused(ferry.clientAs(OPERATOR, PASSWORD, "ferry:repo-init --password-file " + passwordFile + " " + repo));
        assertOk(ferry.clientAs(FERRY_ADMIN, PASSWORD, "ferry:inventory-import samples/lab-inventory.json"));
        assertOk(ferry.clientAs(FERRY_ADMIN, PASSWORD, "ferry:repo-init --password-file " + passwordFile + " " + repo));

        UnpackedDistribution.Outcome run = ferry.clientAs(OPERATOR, PASSWORD, "ferry:job-run --no-wait pve-daily");
        assertFalse("the operator may run a job:\n" + run.output(), refused(run));
        String sessions = ferry.ok("ferry:session-list --job pve-daily --json");
        assertTrue("no session of pve-daily after the operator's job-run:\n" + run.output() + "\n" + sessions,
                sessions.contains("pve-daily"));

        String prune = "ferry:prune --keep-last 1 --no-progress --repo " + repo + " --password-file " + passwordFile;
        String restore = "ferry:restore --to " + work.resolve("restored") + " pve-web-01";
        assertRefused(ferry.clientAs(OPERATOR, PASSWORD, prune));
        assertRefused(ferry.clientAs(OPERATOR, PASSWORD, restore));
        assertRefused(ferry.clientAs(OPERATOR, PASSWORD, "feature:install --help"));

        assertOk(ferry.clientAs(FERRY_ADMIN, PASSWORD, prune));
        // the admin may restore: the command runs (and says there is nothing to restore yet), it is not refused
        UnpackedDistribution.Outcome restored = ferry.clientAs(FERRY_ADMIN, PASSWORD, restore);
        assertFalse("the admin may restore:\n" + restored.output(), refused(restored));
    }

    private static Path adminKey() {
        return ferry.home().resolve(UnpackedDistribution.ADMIN_KEY);
    }

    /** Runs {@code command} over OpenSSH's exec channel as {@code user} with {@code key}. */
    private static UnpackedDistribution.Outcome ssh(Path key, String user, String command) throws Exception {
        List<String> ssh = new ArrayList<>(List.of("ssh", "-p", Integer.toString(ferry.sshPort())));
        ssh.addAll(sshOptions(key));
        ssh.addAll(List.of(user + "@127.0.0.1", command));
        Exec exec = exec(ssh, "");
        return new UnpackedDistribution.Outcome(exec.exitCode, exec.output);
    }

    private static List<String> sshOptions(Path key) {
        return List.of("-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                "-o", "LogLevel=ERROR", "-o", "ConnectTimeout=20", "-i", key.toString());
    }

    private static boolean refused(UnpackedDistribution.Outcome outcome) {
        return outcome.exitCode() != 0 && (outcome.output().contains("Insufficient credentials")
                || outcome.output().contains("Command not found"));
    }

    private static void assertRefused(UnpackedDistribution.Outcome outcome) {
        if (!refused(outcome)) {
            fail("not refused (" + outcome.exitCode() + "):\n" + outcome.output());
        }
    }

    private static void assertOk(UnpackedDistribution.Outcome outcome) {
        assertEquals("failed:\n" + outcome.output(), 0, outcome.exitCode());
    }

    @SafeVarargs
    private static List<String> concat(List<String>... lists) {
        List<String> all = new ArrayList<>();
        for (List<String> list : lists) {
            all.addAll(list);
        }
        return all;
    }

    /** A TCP socket in LISTEN state. */
    record InetSocketListener(InetAddress address, int port) {
    }

    /** The listening TCP sockets of process {@code pid}, from /proc (what {@code ss -ltnp} shows). */
    static List<InetSocketListener> listeners(long pid) throws IOException {
        Set<String> inodes = new HashSet<>();
        Pattern socket = Pattern.compile("socket:\\[(\\d+)\\]");
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    Matcher m = socket.matcher(Files.readSymbolicLink(fd).toString());
                    if (m.matches()) {
                        inodes.add(m.group(1));
                    }
                } catch (IOException closedMeanwhile) {
                    // the descriptor was closed while listing
                }
            }
        }
        List<InetSocketListener> listeners = new ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            List<String> lines = Files.readAllLines(Path.of(table));
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.trim().split("\\s+");
                if (!f[3].equals("0A") || !inodes.contains(f[9])) {
                    continue;
                }
                String[] local = f[1].split(":");
                listeners.add(new InetSocketListener(address(local[0]), Integer.parseInt(local[1], 16)));
            }
        }
        return listeners;
    }

    /** A /proc/net/tcp{,6} address: 32-bit words in host (little-endian) order. */
    private static InetAddress address(String hex) throws IOException {
        byte[] bytes = new byte[hex.length() / 2];
        for (int word = 0; word < bytes.length / 4; word++) {
            for (int i = 0; i < 4; i++) {
                int at = word * 4 + (3 - i);
                bytes[word * 4 + i] = (byte) Integer.parseInt(hex.substring(at * 2, at * 2 + 2), 16);
            }
        }
        return InetAddress.getByAddress(bytes);
    }

    private record Exec(int exitCode, String output) {
    }

    private static Exec exec(List<String> command, String stdin) throws IOException, InterruptedException {
        Path output = Files.createTempFile(ferry.home().getParent(), "exec-", ".out");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        process.getOutputStream().write(stdin.getBytes(UTF_8));
        process.getOutputStream().close();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail(String.join(" ", command) + " did not finish within 60 s:\n" + Files.readString(output));
        }
        return new Exec(process.exitValue(), Files.readString(output, UTF_8));
    }
}
