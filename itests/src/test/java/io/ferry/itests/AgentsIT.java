package io.ferry.itests;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import io.ferry.itests.AgentInstalls.Result;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.FixMethodOrder;
import org.junit.Test;
import org.junit.runners.MethodSorters;

/**
 * Issue "Real proxies": a manager, two proxy agents and a repository agent as separate Karaf
 * processes on this machine, enrolled and started the way an operator does it
 * ({@code ./ferry agent enroll}), talking mutual TLS on loopback; the two proxies are two
 * "sites" (their connections come from 127.0.0.11 and 127.0.0.12), the repository agent serves
 * on 127.0.0.21.
 * <ul>
 * <li>tokens: a viewer cannot make one; a wrong secret, a reused token and a token that pins
 * another CA are refused and install nothing;</li>
 * <li>a job whose plan splits its disks across both proxies runs each disk in the process of
 * its proxy's agent, into the manager's repository; the restores are byte-identical and the
 * repository's files hold no plaintext;</li>
 * <li>kill -9 of an agent in the middle of its task: the task fails naming the lost agent once
 * its lease has expired, nothing of its backup is visible, and a retry after the agent is back
 * completes;</li>
 * <li>a manager restart: both agents reconnect by themselves and take tasks again;</li>
 * <li>a repository server's agent ({@code --store-listen}) holds the jobs' repository: both
 * proxies' agents upload to it directly with the manager's grants, its files hold no
 * plaintext, restores are byte-identical, and its own minimum lock keeps backups that the
 * manager's admin prunes;</li>
 * <li>kill -9 of the repository agent in the middle of an upload: the task fails, no partial
 * backup is visible, and after the agent is back the retry is complete;</li>
 * <li>kill -9 of a proxy's agent mid-task when the job has another proxy: after the lease the
 * task runs again on the other proxy's agent (attempt 2) and the session ends WARNING.</li>
 * </ul>
 */
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class AgentsIT {
    private static final Duration BOOT_TIMEOUT = Duration.ofMinutes(4);
    private static final String VIEWER = "it-viewer";
    private static final String PASSWORD = "it-viewer-secret-7";
    private static final String MARKER = "FERRY-AGENTS-IT-PLAINTEXT";

    private static UnpackedDistribution manager;
    private static Path work;
    private static Path agents;
    private static Path disks;
    private static String managerAddress;
    private static AgentInstalls installs;

    @BeforeClass
    public static void startManager() throws Exception {
        work = Path.of("target", "agents-it", Long.toString(System.currentTimeMillis())).toAbsolutePath();
        agents = work.resolve("agents");
        disks = Files.createDirectories(work.resolve("disks"));
        manager = UnpackedDistribution.unpack(FerryContainer.distributionZip().toPath(), work.resolve("manager"));
        Files.writeString(manager.home().resolve("etc/users.properties"),
                VIEWER + " = " + PASSWORD + ",_g_:ferry-viewers\n", UTF_8, StandardOpenOption.APPEND);
        Path paths = manager.home().resolve("etc/io.ferry.paths.cfg");
        UnpackedDistribution.setProperty(paths, "disk.roots", "${karaf.data}/ferry/disks, " + disks);
        UnpackedDistribution.setProperty(paths, "transfer.roots", "${karaf.data}/ferry/transfer, " + work);
        managerAddress = "127.0.0.1:" + property(manager.home().resolve("etc/io.ferry.agent.manager.cfg"), "port");
        installs = new AgentInstalls(manager, work, agents, managerAddress);
        writeDisk("app-01.raw", 48, 0);
        writeDisk("app-02.raw", 48, 1);
        writeDisk("big-01.raw", 1536, 2);
        Files.writeString(work.resolve("inventory.json"), inventory(), UTF_8);
        manager.start();
        manager.awaitClient("ferry:server-list", BOOT_TIMEOUT);
        manager.ok("ferry:inventory-import " + work.resolve("inventory.json"));
    }

    @AfterClass
    public static void stopAll() throws Exception {
        if (agents != null && Files.isDirectory(agents)) {
            ferry(List.of("agent", "stop"), Duration.ofMinutes(2));
        }
        if (manager != null) {
            manager.stopOrKill();
        }
    }

    @Test
    public void t1_aViewerMakesNoTokenAndWrongTokensInstallNothing() throws Exception {
        // the command ACL hides it from viewers, and the registry refuses them anyway (JdbcAgentRegistry tests)
        UnpackedDistribution.Outcome viewer = manager.clientAs(VIEWER, PASSWORD, "ferry:agent-token px-hq");
        assertNotEquals(viewer.output(), 0, viewer.exitCode());
        assertTrue(viewer.output(), viewer.output().contains("ferry-admin")
                || viewer.output().contains("Command not found: ferry:agent-token"));
        assertFalse(viewer.output(), AgentInstalls.TOKEN.matcher(viewer.output()).find());

        String real = token("px-hq");
        String[] parts = real.split("\\.");
        String wrongSecret = parts[0] + "." + parts[1] + "." + randomSecret() + "." + parts[3];
        Result wrong = enroll(wrongSecret);
        assertNotEquals(wrong.output(), 0, wrong.exitCode());
        assertTrue(wrong.output(), wrong.output().contains("refused"));
        assertFalse("the secret is never echoed: " + wrong.output(), wrong.output().contains(wrongSecret.split("\\.")[2]));

        String otherCa = parts[0] + "." + parts[1] + "." + parts[2] + "." + "ab".repeat(32);
        Result pinned = enroll(otherCa);
        assertNotEquals(pinned.output(), 0, pinned.exitCode());
        assertTrue(pinned.output(), pinned.output().contains("ab".repeat(32)));

        assertEquals("nothing installed after refusals", List.of(), agentDirectories());
        // the real token was not used up by the refusals
        Result ok = enroll(real);
        assertEquals(ok.output(), 0, ok.exitCode());
        Result again = enroll(real);
        assertNotEquals(again.output(), 0, again.exitCode());
        assertTrue(again.output(), again.output().contains("already used"));
    }

    @Test
    public void t2_bothProxiesHaveConnectedAgentsFromTheirOwnSites() throws Exception {
        if (!Files.isDirectory(agents.resolve("px-hq"))) {
            assertEquals(0, enroll(token("px-hq")).exitCode());
        }
        // two sites on one machine: each proxy's connections come from its own loopback address
        Result br = ferry(List.of("agent", "enroll", "--manager", managerAddress, "--token", token("px-br"),
                "--source-address", "127.0.0.12"), Duration.ofMinutes(4));
        assertEquals(br.output(), 0, br.exitCode());
        UnpackedDistribution.setProperty(agents.resolve("px-hq/etc/io.ferry.agent.client.cfg"), "source.address",
                "127.0.0.11");
        allowDisks("px-hq");
        allowDisks("px-br");
        java.time.Instant restarted = java.time.Instant.now();
        Map<String, String> addresses = heartbeatsSince(restarted, 2, Duration.ofMinutes(1));
        assertEquals(Map.of("px-br", "127.0.0.12", "px-hq", "127.0.0.11"), addresses);
        for (String server : List.of("px-hq", "px-br")) {
            Path key = agents.resolve(server).resolve("etc/ferry-agent/agent.key");
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(key)));
        }
    }

    @Test
    public void t3_aJobSplitAcrossBothProxiesRunsOnTheirAgents() throws Exception {
        Map<String, Object> session = Json.object(Json.parse(manager.ok("ferry:job-run --json agents-split")));
        assertEquals(String.valueOf(session), "SUCCESS", session.get("status"));
        Set<String> proxies = new HashSet<>();
        for (Map<String, Object> task : Json.objects(session.get("tasks"))) {
            assertEquals(String.valueOf(task), "SUCCESS", task.get("status"));
            proxies.add(String.valueOf(task.get("proxy")));
        }
        assertEquals("the plan splits the two disks across both proxies", Set.of("px-hq", "px-br"), proxies);
        for (String server : proxies) {
            String log = Files.readString(agents.resolve(server).resolve("data/log/karaf.log"), UTF_8);
            assertTrue("the agent of " + server + " did the work:\n" + log, log.contains(": backed up "));
        }
        Path restores = Files.createDirectories(manager.home().resolve("data/ferry/restores"));
        for (String vm : List.of("app-01", "app-02")) {
            Path target = restores.resolve(vm + ".raw");
            manager.ok("ferry:restore-disk --job-repo bkp-01 --disk " + vm + "/scsi0:0 " + target);
            assertEquals(vm + " restores byte-identical", -1L, Files.mismatch(target, disks.resolve(vm + ".raw")));
        }
        List<Path> holding = filesContaining(manager.home().resolve("data/ferry/repositories"), MARKER);
        assertEquals("repository files holding plaintext", List.of(), holding);
    }

    @Test
    public void t4_anAgentKilledMidTaskFailsItsTaskAfterTheLeaseAndARetryCompletes() throws Exception {
        Map<String, Object> session = runAndKill("agents-big", "px-hq", Duration.ofMillis(500));
        Map<String, Object> task = Json.objects(session.get("tasks")).get(0);
        String error = String.valueOf(task.get("error"));
        assertTrue(error, error.contains("px-hq") && error.contains("lease"));
        String backups = manager.ok("ferry:backups --json --job-repo bkp-01");
        assertFalse("no backup of the killed task is visible: " + backups, backups.contains("big-01/scsi0:0"));

        Result back = ferry(List.of("agent", "start", "px-hq"), Duration.ofMinutes(3));
        assertEquals(back.output(), 0, back.exitCode());
        retryAndRestoreBig(session, "bkp-01");
    }

    @Test
    public void t5_afterAManagerRestartTheAgentsReconnectAndTakeTasksAgain() throws Exception {
        manager.stop(Duration.ofMinutes(1));
        java.time.Instant restarted = java.time.Instant.now();
        manager.start();
        manager.awaitClient("ferry:server-list", BOOT_TIMEOUT);
        // agents retry with backoff (1 s doubling to 30 s): both are back within a minute or so
        Set<String> back = heartbeatsSince(restarted, 2, Duration.ofMinutes(2)).keySet();
        assertEquals("agents with a heartbeat after the manager's restart", Set.of("px-hq", "px-br"), back);
        Map<String, Object> session = Json.object(Json.parse(manager.ok("ferry:job-run --json agents-split")));
        assertEquals(String.valueOf(session), "SUCCESS", session.get("status"));
    }

    @Test
    public void t6_aRepositoryAgentHoldsTheJobsRepositoryAndItsLocksHoldAgainstTheManager() throws Exception {
        // the repository server's "machine": its own loopback address
        java.net.InetAddress site = java.net.InetAddress.getByName("127.0.0.21");
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, site)) {
            port = free.getLocalPort();
        }
        Result enrolled = ferry(List.of("agent", "enroll", "--manager", managerAddress, "--token", token("repo-01"),
                "--store-listen", "127.0.0.21:" + port), Duration.ofMinutes(4));
        assertEquals(enrolled.output(), 0, enrolled.exitCode());
        // the repository server's own rule: every backup immutable for a day, whoever asks
        Path cfg = agents.resolve("repo-01/etc/io.ferry.agent.client.cfg");
        UnpackedDistribution.setProperty(cfg, "store.min.lock.days", "1");
        assertEquals(0, ferry(List.of("agent", "stop", "repo-01"), Duration.ofMinutes(2)).exitCode());
        Result start = ferry(List.of("agent", "start", "repo-01"), Duration.ofMinutes(3));
        assertEquals(start.output(), 0, start.exitCode());
        awaitStoreAddress("repo-01", "127.0.0.21:" + port);

        Map<String, Object> session = Json.object(Json.parse(manager.ok("ferry:job-run --json agents-remote")));
        assertEquals(String.valueOf(session), "SUCCESS", session.get("status"));
        Set<String> proxies = new HashSet<>();
        for (Map<String, Object> task : Json.objects(session.get("tasks"))) {
            proxies.add(String.valueOf(task.get("proxy")));
        }
        assertEquals(Set.of("px-hq", "px-br"), proxies);
        Path repository = agents.resolve("repo-01/data/ferry/repositories/jobs");
        assertTrue("the jobs' repository is on the repository agent", Files.isRegularFile(repository.resolve("config")));
        assertFalse("and not on the manager", Files.exists(manager.home().resolve("data/ferry/repositories/repo-01")));
        String storeLog = Files.readString(agents.resolve("repo-01/data/log/karaf.log"), UTF_8);
        assertTrue(storeLog, storeLog.contains("Created repository jobs"));
        assertEquals("repository agent files holding plaintext", List.of(), filesContaining(repository, MARKER));

        Path restores = Files.createDirectories(manager.home().resolve("data/ferry/restores"));
        for (String vm : List.of("app-01", "app-02")) {
            Path target = restores.resolve(vm + "-remote.raw");
            manager.ok("ferry:restore-disk --job-repo repo-01 --disk " + vm + "/scsi0:0 " + target);
            assertEquals(vm + " restores byte-identical", -1L, Files.mismatch(target, disks.resolve(vm + ".raw")));
        }

        Map<String, Object> second = Json.object(Json.parse(manager.ok("ferry:job-run --json agents-remote")));
        assertEquals(String.valueOf(second), "SUCCESS", second.get("status"));
        int before = Json.objects(Json.parse(manager.ok("ferry:backups --json --job-repo repo-01"))).size();
        assertEquals(4, before);
        manager.ok("ferry:prune --job-repo repo-01 --keep-last 1 --no-progress");
        int after = Json.objects(Json.parse(manager.ok("ferry:backups --json --job-repo repo-01"))).size();
        assertEquals("the manager's admin cannot prune backups the repository agent locked", before, after);
    }

    @Test
    public void t7_aRepositoryAgentKilledMidUploadLeavesNoPartialBackupAndTheRetryCompletes() throws Exception {
        Map<String, Object> session = runAndKill("agents-big-remote", "repo-01", Duration.ofMillis(1500));
        String error = String.valueOf(Json.objects(session.get("tasks")).get(0).get("error"));
        assertTrue(error, error.contains("px-hq") && error.contains("repository server"));

        Result back = ferry(List.of("agent", "start", "repo-01"), Duration.ofMinutes(3));
        assertEquals(back.output(), 0, back.exitCode());
        awaitStoreAddress("repo-01", null);
        String backups = manager.ok("ferry:backups --json --job-repo repo-01");
        assertFalse("no partial backup of the killed upload is visible: " + backups, backups.contains("big-01"));
        retryAndRestoreBig(session, "repo-01");
    }

    /**
     * The agents (server to address of its connection) with a heartbeat after {@code since},
     * once there are {@code count} of them or {@code timeout} has passed.
     */
    private static Map<String, String> heartbeatsSince(java.time.Instant since, int count, Duration timeout)
            throws Exception {
        Map<String, String> found = new java.util.TreeMap<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (found.size() < count && System.nanoTime() < deadline) {
            found.clear();
            for (Map<String, Object> agent : Json.objects(Json.parse(manager.ok("ferry:agent-list --json")))) {
                Object heartbeat = agent.get("lastHeartbeat");
                if (heartbeat != null && java.time.Instant.parse(heartbeat.toString()).isAfter(since)) {
                    found.put(String.valueOf(agent.get("server")), String.valueOf(agent.get("address")));
                }
            }
            Thread.sleep(500);
        }
        return found;
    }

    @Test
    public void t8_aProxyAgentKilledMidTaskFailsOverToTheOtherProxyAfterTheLease() throws Exception {
        String[] killed = new String[1];
        Map<String, Object> session = runAndKill("agents-big-both", null, Duration.ofMillis(500), killed);
        String other = killed[0].equals("px-hq") ? "px-br" : "px-hq";
        assertEquals(String.valueOf(session), "WARNING", session.get("status"));
        Map<String, Object> task = Json.objects(session.get("tasks")).get(0);
        assertEquals(String.valueOf(task), other, task.get("proxy"));
        String warnings = String.valueOf(task.get("warnings"));
        assertTrue(warnings, warnings.contains("failed over from " + killed[0] + " to " + other + " (attempt 2)")
                && warnings.contains("lease"));
        String log = Files.readString(agents.resolve(other + "/data/log/karaf.log"), UTF_8);
        assertTrue("the other proxy's agent did the work", log.contains(": backed up "));
        Path target = Files.createDirectories(manager.home().resolve("data/ferry/restores")).resolve("big-both.raw");
        manager.ok("ferry:restore-disk --job-repo bkp-01 --disk big-01/scsi0:0 " + target);
        assertEquals(-1L, Files.mismatch(target, disks.resolve("big-01.raw")));
        Result back = ferry(List.of("agent", "start", killed[0]), Duration.ofMinutes(3));
        assertEquals(back.output(), 0, back.exitCode());
    }

    /** Retries the failed session: it must succeed, and big-01 must restore byte-identical from the job's repository. */
    private static void retryAndRestoreBig(Map<String, Object> session, String repository) throws Exception {
        Map<String, Object> retried = Json.object(Json.parse(manager.ok("ferry:job-retry --json "
                + session.get("id"))));
        assertEquals(String.valueOf(retried), "SUCCESS", retried.get("status"));
        Path target = Files.createDirectories(manager.home().resolve("data/ferry/restores"))
                .resolve("big-01-" + repository + ".raw");
        manager.ok("ferry:restore-disk --job-repo " + repository + " --disk big-01/scsi0:0 " + target);
        assertEquals(-1L, Files.mismatch(target, disks.resolve("big-01.raw")));
    }

    /**
     * Runs {@code job} (its task goes to px-hq's agent), kills the agent of {@code victim} with
     * SIGKILL {@code after} the task was sent, and returns the session, which must have FAILED.
     */
    private static Map<String, Object> runAndKill(String job, String victim, Duration after) throws Exception {
        Map<String, Object> session = runAndKill(job, victim, after, new String[1]);
        assertEquals(String.valueOf(session), "FAILED", session.get("status"));
        return session;
    }

    /**
     * Runs {@code job}, kills the agent of {@code victim} (null: of the proxy the task was sent
     * to, returned in {@code killed[0]}) with SIGKILL {@code after} the task was sent, and
     * returns the session.
     */
    private static Map<String, Object> runAndKill(String job, String victim, Duration after, String[] killed)
            throws Exception {
        Path log = manager.home().resolve("data/log/karaf.log");
        long before = Files.size(log);
        CompletableFuture<UnpackedDistribution.Streams> run = CompletableFuture.supplyAsync(() -> {
            try {
                return manager.clientStreams("ferry:job-run --json " + job, Map.of());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        String logged = awaitInLog(log, before, victim == null ? "sent to the agent of " : "sent to the agent of px-hq",
                Duration.ofMinutes(2));
        Matcher sentTo = Pattern.compile("sent to the agent of (px-[a-z]+)").matcher(logged);
        assertTrue(logged, sentTo.find());
        killed[0] = victim == null ? sentTo.group(1) : victim;
        Thread.sleep(after.toMillis());
        long pid = Long.parseLong(Files.readString(agents.resolve(killed[0] + "/karaf.pid")).strip());
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        UnpackedDistribution.Streams result = run.get(4, TimeUnit.MINUTES);
        return Json.object(Json.parse(result.stdout()));
    }

    /** Waits until the agent of {@code server} reports a store address (this one, when given) after now. */
    private static void awaitStoreAddress(String server, String address) throws Exception {
        java.time.Instant since = java.time.Instant.now();
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            last = manager.ok("ferry:agent-list --json");
            for (Map<String, Object> agent : Json.objects(Json.parse(last))) {
                Object heartbeat = agent.get("lastHeartbeat");
                if (!server.equals(agent.get("server")) || heartbeat == null
                        || !java.time.Instant.parse(heartbeat.toString()).isAfter(since)) {
                    continue;
                }
                Object store = Json.object(agent.get("capabilities")).get("storeAddress");
                if (store != null && (address == null || address.equals(store))) {
                    return;
                }
            }
            Thread.sleep(500);
        }
        throw new AssertionError("the agent of " + server + " reported no store address " + address + ":\n" + last);
    }

    // ---- helpers ----

    private static Result ferry(List<String> args, Duration timeout) throws IOException, InterruptedException {
        return installs.ferry(args, timeout);
    }

    private static Result enroll(String token) throws IOException, InterruptedException {
        return installs.enroll(token);
    }

    private static String token(String server) throws IOException, InterruptedException {
        return installs.token(server);
    }

    /** Lets the agent read the test's disks (its own etc/io.ferry.paths.cfg), restarting it. */
    private static void allowDisks(String server) throws IOException, InterruptedException {
        Path cfg = agents.resolve(server).resolve("etc/io.ferry.paths.cfg");
        UnpackedDistribution.setProperty(cfg, "disk.roots", "${karaf.data}/ferry/disks, " + disks);
        assertEquals(0, ferry(List.of("agent", "stop", server), Duration.ofMinutes(2)).exitCode());
        Result start = ferry(List.of("agent", "start", server), Duration.ofMinutes(3));
        assertEquals(start.output(), 0, start.exitCode());
    }

    private static List<String> agentDirectories() throws IOException {
        if (!Files.isDirectory(agents)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(agents)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static String randomSecret() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** A raw disk of {@code mib} MiB: a plaintext marker line in every MiB, the rest random. */
    private static void writeDisk(String name, int mib, int seed) throws IOException {
        SecureRandom random = new SecureRandom();
        byte[] block = new byte[1 << 20];
        try (var out = Files.newOutputStream(disks.resolve(name))) {
            for (int i = 0; i < mib; i++) {
                random.nextBytes(block);
                byte[] marker = (MARKER + " " + seed + " " + i + "\n").getBytes(UTF_8);
                System.arraycopy(marker, 0, block, 0, marker.length);
                out.write(block);
            }
        }
    }

    private static List<Path> filesContaining(Path root, String text) throws IOException {
        byte[] needle = text.getBytes(UTF_8);
        List<Path> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                if (contains(p, needle)) {
                    found.add(p);
                }
            }
        }
        return found;
    }

    private static boolean contains(Path file, byte[] needle) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] data = in.readAllBytes();
            outer:
            for (int i = 0; i + needle.length <= data.length; i++) {
                for (int j = 0; j < needle.length; j++) {
                    if (data[i + j] != needle[j]) {
                        continue outer;
                    }
                }
                return true;
            }
            return false;
        }
    }

    /** Waits for {@code text} in the log after {@code from}; returns what was logged after {@code from}. */
    private static String awaitInLog(Path log, long from, String text, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            byte[] all = Files.readAllBytes(log);
            String since = all.length > from ? new String(all, (int) from, all.length - (int) from, UTF_8) : "";
            if (since.contains(text)) {
                return since;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("'" + text + "' did not appear in " + log + " within " + timeout.toSeconds() + " s");
    }

    private static String property(Path cfg, String key) throws IOException {
        Matcher m = Pattern.compile("(?m)^\\s*" + Pattern.quote(key) + "\\s*=\\s*(\\S+)").matcher(
                Files.readString(cfg, UTF_8));
        assertTrue(key + " in " + cfg, m.find());
        return m.group(1);
    }

    /**
     * Two VMware proxies, one task slot each, that both reach the datastore: the plan gives the
     * job's two disks one proxy each. A third VM of 1.5 GiB is the task killed mid-way.
     */
    private static String inventory() {
        String server = """
                {"name": "%s", "address": "%s", "os": "linux:debian:12", "machineKind": "PHYSICAL",
                 "networks": ["10.10.1.0/24"], "site": "hq", "facts": {"san.access": "ds-01"},
                 "maxConcurrentTasks": 1, "roles": [{"type": "VMWARE_PROXY", "transportMode": "DIRECT_STORAGE_ACCESS",
                 "failoverToNetwork": false, "encryptNetworkTraffic": false}]}""";
        String vm = """
                {"name": "%s", "host": "esx-01", "guestOs": "linux:debian:12", "networks": ["10.10.1.0/24"],
                 "disks": [{"label": "scsi0:0", "capacityBytes": %d, "format": "RAW", "location": "%s",
                 "storage": "ds-01"}]}""";
        return """
                {"format": "ferry-inventory", "formatVersion": 1,
                 "servers": [
                  {"name": "bkp-01", "address": "10.10.1.10", "os": "linux:debian:12", "machineKind": "PHYSICAL",
                   "networks": ["10.10.1.0/24"], "site": "hq", "maxConcurrentTasks": 2,
                   "roles": [{"type": "BACKUP_SERVER"}, {"type": "REPOSITORY"}]},
                  {"name": "repo-01", "address": "10.10.1.30", "os": "linux:debian:12", "machineKind": "PHYSICAL",
                   "networks": ["10.10.1.0/24"], "site": "hq", "maxConcurrentTasks": 2,
                   "roles": [{"type": "REPOSITORY"}]},
                  %s,
                  %s],
                 "hosts": [
                  {"name": "vc-01", "kind": "VCENTER", "address": "10.10.1.100", "platformVersion": "8.0u2",
                   "storage": [{"name": "ds-01", "kind": "VMFS", "deduplicated": false}]},
                  {"name": "esx-01", "kind": "ESXI", "address": "10.10.1.101", "parent": "vc-01", "platformVersion": "8.0u2"}],
                 "vms": [%s, %s, %s],
                 "jobs": [
                  {"name": "agents-split", "platform": "VMWARE", "vms": ["app-01", "app-02"], "repository": "bkp-01",
                   "proxies": {"automatic": false, "servers": ["px-hq", "px-br"]}, "schedule": "manual"},
                  {"name": "agents-big", "platform": "VMWARE", "vms": ["big-01"], "repository": "bkp-01",
                   "proxies": {"automatic": false, "servers": ["px-hq"]}, "schedule": "manual"},
                  {"name": "agents-remote", "platform": "VMWARE", "vms": ["app-01", "app-02"], "repository": "repo-01",
                   "proxies": {"automatic": false, "servers": ["px-hq", "px-br"]}, "schedule": "manual"},
                  {"name": "agents-big-remote", "platform": "VMWARE", "vms": ["big-01"], "repository": "repo-01",
                   "proxies": {"automatic": false, "servers": ["px-hq"]}, "schedule": "manual"},
                  {"name": "agents-big-both", "platform": "VMWARE", "vms": ["big-01"], "repository": "bkp-01",
                   "proxies": {"automatic": false, "servers": ["px-hq", "px-br"]}, "schedule": "manual"}]}
                """.formatted(server.formatted("px-hq", "10.10.1.21"), server.formatted("px-br", "10.10.1.22"),
                vm.formatted("app-01", 48L << 20, disks.resolve("app-01.raw")),
                vm.formatted("app-02", 48L << 20, disks.resolve("app-02.raw")),
                vm.formatted("big-01", 1536L << 20, disks.resolve("big-01.raw")));
    }
}
