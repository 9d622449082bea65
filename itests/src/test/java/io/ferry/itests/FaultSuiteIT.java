package io.ferry.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.AfterClass;
import org.junit.Assume;
import org.junit.Before;
import org.junit.BeforeClass;
import org.junit.FixMethodOrder;
import org.junit.Test;
import org.junit.runners.MethodSorters;

/**
 * The fault suite of issue 10: the shipped distribution (bin/start, bin/client, kill -9)
 * against the demo lab's real QEMU VMs, with faults injected from outside the product.
 * docs/reliability.md describes each fault, how it is injected and what was measured.
 *
 * <p>System properties (all optional):
 * <ul>
 * <li>{@code ferry.faults.seed}: seed of the random kill points (printed; set it to replay a run);
 * <li>{@code ferry.faults.jobKills}: kill -9 trials during a job (default 2; the figure is 20);
 * <li>{@code ferry.faults.changeKills}: kill -9 trials 0-2 s after an acknowledged change (default 2; 20);
 * <li>{@code ferry.faults.nbdDeadlineSeconds}: the NBD request deadline set in the distribution's
 *     {@code etc/io.ferry.mover.cfg} (default 20), for the stalled-source test.
 * </ul>
 */
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class FaultSuiteIT {
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(5);
    private static final String PROXMOX_JOB = "demo-proxmox";
    private static final String PROXMOX_REPO = "repo-01";
    private static final long SEED = Long.getLong("ferry.faults.seed", System.currentTimeMillis());
    private static final int JOB_KILLS = Integer.getInteger("ferry.faults.jobKills", 2);
    private static final int CHANGE_KILLS = Integer.getInteger("ferry.faults.changeKills", 2);
    private static final int NBD_DEADLINE_SECONDS = Integer.getInteger("ferry.faults.nbdDeadlineSeconds", 20);
    /**
     * The catalog the distribution runs on: {@code h2} (the embedded default) or {@code postgresql} (the
     * database of FERRY_TEST_PG_URL, emptied first). The build runs the suite on H2 and its kill trials a second
     * time on PostgreSQL (itests/pom.xml, execution kill-trials-on-postgresql).
     */
    private static final String CATALOG = System.getProperty("ferry.faults.catalog", "h2");

    private static DemoLab lab;
    private static FaultFerry ferry;
    private static Path work;
    private static final Random RANDOM = new Random(SEED);

    @BeforeClass
    public static void startLabAndFerry() throws Exception {
        System.out.println("FaultSuiteIT: seed " + SEED + " (replay with -Dferry.faults.seed=" + SEED + "), "
                + JOB_KILLS + " job kills, " + CHANGE_KILLS + " change kills");
        PostgresTestDatabase postgres = null;
        if (CATALOG.equals("postgresql")) {
            Optional<PostgresTestDatabase> configured = PostgresTestDatabase.fromEnvironment();
            if (configured.isEmpty() && PostgresTestDatabase.required()) {
                throw new AssertionError("ferry.faults.catalog=postgresql needs " + PostgresTestDatabase.missingMessage());
            }
            Assume.assumeTrue("the fault suite on PostgreSQL: " + PostgresTestDatabase.missingMessage(),
                    configured.isPresent());
            postgres = configured.get();
        }
        work = Path.of("target", "faults-it", Long.toString(System.currentTimeMillis())).toAbsolutePath();
        lab = DemoLab.start();
        ferry = new FaultFerry(UnpackedDistribution.unpack(FerryContainer.distributionZip().toPath(), work));
        ferry.configure(lab.dir(), work, NBD_DEADLINE_SECONDS);
        if (postgres != null) {
            postgres.empty();
            ferry.usePostgres(postgres);
        }
        System.out.println("FaultSuiteIT: catalog " + CATALOG);
        ferry.start();
        ferry.ok("ferry:inventory-import " + lab.inventory());
        // every run of the job prunes (the newest backup of each disk is kept): kills hit prune too
        ferry.ok("ferry:job-update --keep-last 1 --keep-daily 1 " + PROXMOX_JOB);
    }

    @AfterClass
    public static void stopAll() throws Exception {
        if (ferry != null) {
            ferry.crash();
        }
        if (lab != null) {
            lab.close();
        }
    }

    @Before
    public void ferryAnswers() throws Exception {
        ferry.ensureUp();
    }

    // --- 1. kill -9 ------------------------------------------------------------------

    /**
     * kill -9 at random points of a run of the Proxmox job (reads, guest processing, the
     * catalog commit at the end, retention prune: the job keeps one backup per disk, so
     * every run prunes), then restart: every finished session and the killed run's session
     * are in the catalog, the latest successful session's restore points are in the
     * repository, the next run completes, verify is clean.
     */
    @Test
    public void t1KillDuringJob() throws Exception {
        // the client takes seconds to start under load: measure how long from launching it to
        // the session's start (same machine, same clock), and how long a run takes
        // and how long a run takes: the first run reads everything, the later ones (what the
        // trials kill) only the changed blocks
        Map<String, Object> full = ferry.runJob(PROXMOX_JOB, RUN_TIMEOUT);
        assertEquals(FaultFerry.describe(full), "SUCCESS", full.get("status"));
        long launch = System.currentTimeMillis();
        String firstId = ferry.startJob(PROXMOX_JOB);
        Map<String, Object> first = ferry.awaitSession(firstId, RUN_TIMEOUT);
        assertEquals(FaultFerry.describe(first), "SUCCESS", first.get("status"));
        long latency = Instant.parse((String) first.get("started")).toEpochMilli() - launch;
        long runMillis = ((Number) first.get("durationMillis")).longValue();
        System.out.println("t1: a full run takes " + full.get("durationMillis") + " ms, an incremental one " + runMillis
                + " ms; the client starts it " + latency + " ms after launch");
        List<String> failures = new ArrayList<>();
        for (int trial = 1; trial <= JOB_KILLS; trial++) {
            long offset = (long) (RANDOM.nextDouble() * (runMillis + 1000));
            String where = "job trial " + trial + "/" + JOB_KILLS + " (kill -9 aimed " + offset + " ms into a "
                    + runMillis + " ms run";
            try {
                Map<String, String> finished = finishedSessions();
                long launched = System.currentTimeMillis();
                CompletableFuture<UnpackedDistribution.Outcome> run = CompletableFuture.supplyAsync(() -> {
                    try {
                        return ferry.client("ferry:job-run --no-wait " + PROXMOX_JOB);
                    } catch (IOException | InterruptedException | AssertionError e) {
                        return new UnpackedDistribution.Outcome(-1, String.valueOf(e));
                    }
                });
                Thread.sleep(Math.max(0, launched + latency + offset - System.currentTimeMillis()));
                long killedAt = System.currentTimeMillis();
                ferry.crash();
                // job-run acknowledged the start only if it answered before the kill
                UnpackedDistribution.Outcome answer = run.isDone() ? run.get() : null;
                java.util.regex.Matcher ack = java.util.regex.Pattern
                        .compile("([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})")
                        .matcher(answer != null && answer.exitCode() == 0 ? answer.output() : "");
                String acknowledged = ack.find() ? ack.group(1) : null;
                long boot = ferry.start();
                run.get(); // the client ended with the kill
                List<String> problems = checkAfterRestart(finished,
                        acknowledged == null ? List.of() : List.of(acknowledged));
                Map<String, Object> killed = null;
                for (Map<String, Object> s : ferry.sessions()) {
                    if (PROXMOX_JOB.equals(s.get("job")) && !finished.containsKey(s.get("id"))) {
                        killed = s;
                        break;
                    }
                }
                String hit;
                if (killed == null) {
                    hit = "no session of the killed run" + (acknowledged == null ? " (kill before the start was"
                            + " acknowledged)" : "");
                } else {
                    long into = killedAt - Instant.parse((String) killed.get("started")).toEpochMilli();
                    hit = "killed " + into + " ms after the session started; after the restart it is "
                            + killed.get("status");
                    if ("RUNNING".equals(killed.get("status"))) {
                        problems.add("the killed run's session " + killed.get("id") + " is still RUNNING");
                    }
                }
                Map<String, Object> next = ferry.runJob(PROXMOX_JOB, RUN_TIMEOUT);
                if (!"SUCCESS".equals(next.get("status"))) {
                    problems.add("the next run did not complete: " + FaultFerry.describe(next));
                }
                problems.addAll(verifyProblems(PROXMOX_REPO));
                report(where + "; " + hit + "; restart " + boot + " ms)", problems, failures);
            } catch (AssertionError | IOException | java.util.concurrent.ExecutionException e) {
                report(where + ")", List.of(String.valueOf(e.getMessage())), failures);
                ferry.ensureUp();
            }
        }
        assertTrue(failures.size() + " of " + JOB_KILLS + " trials failed (seed " + SEED + "):\n"
                + String.join("\n", failures), failures.isEmpty());
    }

    /**
     * kill -9 0-2 s after ferry:server-update acknowledged a change with its version:
     * after the restart the server has that version and that fact, and every finished
     * session is still there.
     */
    @Test
    public void t2KillAfterAcknowledgedChange() throws Exception {
        List<String> failures = new ArrayList<>();
        for (int trial = 1; trial <= CHANGE_KILLS; trial++) {
            long delay = RANDOM.nextInt(2001);
            String value = trial + "-" + Long.toHexString(RANDOM.nextLong() & 0xffffffL);
            String where = "change trial " + trial + "/" + CHANGE_KILLS + " (kill -9 " + delay
                    + " ms after server-update was acknowledged)";
            try {
                Map<String, String> finished = finishedSessions();
                String answer = ferry.ok("ferry:server-update --fact fault.trial=" + value + " gi-lin-01");
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("version (\\d+)").matcher(answer);
                assertTrue("no version in the answer to server-update: " + answer, m.find());
                long version = Long.parseLong(m.group(1));
                Thread.sleep(delay);
                ferry.crash();
                long boot = ferry.start();
                List<String> problems = checkAfterRestart(finished, List.of());
                Map<String, Object> server = Json.objects(ferry.json("ferry:server-show --json gi-lin-01")).get(0);
                Object facts = server.get("facts");
                Object fact = facts == null ? null : Json.object(facts).get("fault.trial");
                if (!value.equals(fact) || ((Number) server.get("version")).longValue() != version) {
                    problems.add("server-update answered 'version " + version + "' with fault.trial=" + value
                            + ", after the restart gi-lin-01 is at version " + server.get("version")
                            + " with fault.trial=" + fact);
                }
                report(where + ", restart " + boot + " ms", problems, failures);
            } catch (AssertionError | IOException e) {
                report(where, List.of(e.getMessage()), failures);
                ferry.ensureUp();
            }
        }
        assertTrue(failures.size() + " of " + CHANGE_KILLS + " trials failed (seed " + SEED + "):\n"
                + String.join("\n", failures), failures.isEmpty());
    }

    // --- 2. a foreign backup of the job's key between two runs ------------------------

    /**
     * ferry:backup-disk --disk pve-web-01/scsi0 of other data into the job's repository
     * between two runs; the second run's dirty-bitmap incremental must still restore to
     * exactly the VM's disk. The VM is paused (QMP stop, which flushes its disk) for the
     * second run, so the disk image is the source that run saw.
     */
    @Test
    public void t3IncrementalAfterForeignBackup() throws Exception {
        Map<String, Object> base = ferry.runJob(PROXMOX_JOB, RUN_TIMEOUT);
        assertEquals(FaultFerry.describe(base), "SUCCESS", base.get("status"));

        Path foreign = work.resolve("foreign.raw");
        writeRandom(foreign, 64L << 20, RANDOM.nextLong());
        ferry.ok("ferry:backup-disk " + FaultFerry.repo(PROXMOX_REPO) + " --no-progress --disk pve-web-01/scsi0 "
                + foreign);

        // pve-db-01 is the control: the same run, no foreign backup of its key
        Path webQmp = lab.qmpSocket("pve-web-01");
        Path dbQmp = lab.qmpSocket("pve-db-01");
        Path webSource = work.resolve("pve-web-01-source.raw");
        Path dbSource = work.resolve("pve-db-01-source.raw");
        // a paused guest cannot answer its agent: no guest processing for this run
        ferry.ok("ferry:job-update --no-application-aware " + PROXMOX_JOB);
        Map<String, Object> second;
        try {
            DemoLab.qmp(webQmp, "stop", Duration.ofSeconds(30));
            DemoLab.qmp(dbQmp, "stop", Duration.ofSeconds(30));
            second = ferry.runJob(PROXMOX_JOB, RUN_TIMEOUT);
            // stopped VMs have flushed their disks: the images hold what the run read
            lab.run(Duration.ofMinutes(2), "qemu-img", "convert", "-U", "-f", "qcow2", "-O", "raw",
                    lab.dir().resolve("pve-web-01/scsi0.qcow2").toString(), webSource.toString());
            lab.run(Duration.ofMinutes(2), "qemu-img", "convert", "-U", "-f", "vmdk", "-O", "raw",
                    lab.dir().resolve("pve-db-01/scsi0.vmdk").toString(), dbSource.toString());
        } finally {
            DemoLab.qmp(webQmp, "cont", Duration.ofSeconds(30));
            DemoLab.qmp(dbQmp, "cont", Duration.ofSeconds(30));
            ferry.ok("ferry:job-update --application-aware " + PROXMOX_JOB);
        }
        System.out.println("t3: second run: " + FaultFerry.describe(second));
        Map<String, Object> web = task(second, "pve-web-01/scsi0");
        Map<String, Object> db = task(second, "pve-db-01/scsi0");
        assertEquals(FaultFerry.describe(second), "SUCCESS", web.get("status"));
        assertEquals(FaultFerry.describe(second), "SUCCESS", db.get("status"));

        Path restoreDir = Files.createDirectories(work.resolve("restore-t3"));
        ferry.ok("ferry:restore --no-progress --session " + second.get("id") + " --to " + restoreDir + " pve-db-01");
        String control = compare(dbSource, restoreDir.resolve("pve-db-01-scsi0.raw"));
        assertTrue("control: the restore of pve-db-01 (no foreign backup of its key; " + db.get("changeTracking")
                + ") differs from its disk, so this test cannot judge pve-web-01: " + control, control == null);
        ferry.ok("ferry:restore --no-progress --session " + second.get("id") + " --to " + restoreDir + " pve-web-01");
        String diff = compare(webSource, restoreDir.resolve("pve-web-01-scsi0.raw"));
        assertTrue("the restore of session " + second.get("id") + " (" + web.get("changeTracking") + ", backup "
                + web.get("backupId") + ") differs from the disk it backed up: " + diff, diff == null);
    }

    // --- 3. one byte flipped in a chunk --------------------------------------------

    /**
     * One byte flipped in a chunk file of the VMware job's repository: verify names the
     * chunk and the backup it breaks; after the next run (same data, the disk does not
     * change) verify is clean and the damaged backup restores byte for byte.
     */
    @Test
    public void t4FlippedByteIsReportedThenHealed() throws Exception {
        Map<String, Object> firstRun = ferry.runJob("demo-vmware", RUN_TIMEOUT);
        assertEquals(FaultFerry.describe(firstRun), "SUCCESS", firstRun.get("status"));
        String damaged = (String) task(firstRun, "vmw-app-01/scsi0:0").get("backupId");
        Path chunks = ferry.home().resolve("data/ferry/repositories/repo-02/chunks");
        List<Path> files;
        try (Stream<Path> s = Files.walk(chunks)) {
            files = s.filter(Files::isRegularFile).filter(p -> p.getFileName().toString().length() == 64).sorted()
                    .collect(Collectors.toList());
        }
        assertTrue("no chunk files in " + chunks, !files.isEmpty());
        Path chunk = files.get(RANDOM.nextInt(files.size()));
        long offset;
        try (RandomAccessFile f = new RandomAccessFile(chunk.toFile(), "rw")) {
            offset = 24 + (long) (RANDOM.nextDouble() * (f.length() - 24));
            f.seek(offset);
            int b = f.read();
            f.seek(offset);
            f.write(b ^ 0x10);
        }
        String id = chunk.getFileName().toString();
        System.out.println("t4: flipped bit 4 of byte " + offset + " of chunk " + id + " (backup " + damaged + ")");

        Map<String, Object> report = ferry.verify("repo-02");
        assertEquals("verify after the flip: " + report, Boolean.FALSE, report.get("ok"));
        List<Map<String, Object>> problems = Json.objects(report.get("problems"));
        assertTrue("verify does not name chunk " + id + ": " + problems,
                problems.stream().anyMatch(p -> id.equals(p.get("chunk"))));
        assertTrue("verify does not name backup " + damaged + " as broken: " + report,
                Json.array(report.get("brokenBackups")).contains(damaged));

        Map<String, Object> secondRun = ferry.runJob("demo-vmware", RUN_TIMEOUT);
        assertEquals(FaultFerry.describe(secondRun), "SUCCESS", secondRun.get("status"));
        Map<String, Object> after = ferry.verify("repo-02");
        assertEquals("verify after the next backup of the same data still finds damage (the damaged chunk was"
                + " reused, not written again): " + after, Boolean.TRUE, after.get("ok"));

        Path restored = work.resolve("vmw-app-01-restored.raw");
        ferry.ok("ferry:restore-disk " + FaultFerry.repo("repo-02") + " --no-progress --backup " + damaged + " "
                + restored);
        String diff = compare(lab.dir().resolve("vmware/vmw-app-01/vmw-app-01-flat.vmdk"), restored);
        assertTrue("the healed backup " + damaged + " does not restore the disk: " + diff, diff == null);
    }

    // --- 4. a stalled NBD source -----------------------------------------------------

    /** job-stop of a session whose source stalls: STOPPED within 15 s, the repository usable at once. */
    @Test
    public void t5StalledSourceJobStopWithin15s() throws Exception {
        try (Stall stall = Stall.start(lab, "stall-stop", ferry)) {
            String id = ferry.startJob(stall.job());
            awaitTaskRunning(id, Duration.ofMinutes(2));
            Thread.sleep(3000); // a read is in flight, stuck in the delay filter
            long t0 = System.nanoTime();
            ferry.ok("ferry:job-stop " + id);
            Map<String, Object> s = ferry.session(id);
            while ("RUNNING".equals(s.get("status")) && System.nanoTime() - t0 < Duration.ofSeconds(15).toNanos()) {
                Thread.sleep(500);
                s = ferry.session(id);
            }
            long millis = (System.nanoTime() - t0) / 1_000_000;
            System.out.println("t5: after job-stop (" + millis + " ms): " + FaultFerry.describe(s));
            assertEquals("ferry:job-stop did not end the session within 15 s (waited " + millis + " ms): "
                    + FaultFerry.describe(s), "STOPPED", s.get("status"));
            UnpackedDistribution.Outcome prune = ferry.client("ferry:prune " + FaultFerry.repo("repo-02")
                    + " --keep-last 3");
            assertEquals("the repository is not usable right after job-stop:\n" + prune.output(), 0, prune.exitCode());
        }
    }

    /** A source whose reads stall: the task FAILS, naming the export, within the NBD deadline + 10 s. */
    @Test
    public void t6StalledSourceFailsWithinDeadline() throws Exception {
        try (Stall stall = Stall.start(lab, "stall-dl", ferry)) {
            String id = ferry.startJob(stall.job());
            Instant running = awaitTaskRunning(id, Duration.ofMinutes(2));
            long limit = NBD_DEADLINE_SECONDS + 10;
            Map<String, Object> s = ferry.session(id);
            while ("RUNNING".equals(s.get("status"))
                    && Duration.between(running, Instant.now()).toSeconds() < limit) {
                Thread.sleep(1000);
                s = ferry.session(id);
            }
            Map<String, Object> task = task(s, stall.vm() + "/disk0");
            System.out.println("t6: " + FaultFerry.describe(s));
            assertEquals("the task reading the stalled export is not FAILED within " + limit
                    + " s of starting (deadline " + NBD_DEADLINE_SECONDS + " s + 10 s): " + FaultFerry.describe(s),
                    "FAILED", task.get("status"));
            String error = String.valueOf(task.get("error"));
            assertTrue("the error does not name the export " + stall.export() + ": " + error,
                    error.contains(stall.export()));
        }
    }

    // --- 5. the repository's file system fills up ----------------------------------

    /**
     * The Hyper-V job's repository on a 4 MiB tmpfs (its first backup needs about 8 MiB):
     * the session FAILS saying "no space", the catalog is intact, and after the file system
     * grows the next run completes and verify is clean.
     */
    @Test
    public void t7RepositoryFull() throws Exception {
        Assume.assumeTrue("mounting a tmpfs needs root", "root".equals(System.getProperty("user.name")));
        Path mount = Files.createDirectories(ferry.home().resolve("data/ferry/repositories/bkp-01"));
        lab.run(Duration.ofSeconds(30), "mount", "-t", "tmpfs", "-o", "size=4m,mode=0700", "tmpfs", mount.toString());
        try {
            Map<String, String> finished = finishedSessions();
            Map<String, Object> full = ferry.runJob("demo-hyperv", RUN_TIMEOUT);
            System.out.println("t7: on a full file system: " + FaultFerry.describe(full));
            assertEquals(FaultFerry.describe(full), "FAILED", full.get("status"));
            assertTrue("the session does not say 'no space': " + FaultFerry.describe(full),
                    FaultFerry.describe(full).toLowerCase(Locale.ROOT).contains("no space"));
            List<String> problems = checkCatalog(finished, List.of((String) full.get("id")));
            assertTrue("catalog damaged: " + problems, problems.isEmpty());
            assertTrue(ferry.ok("ferry:server-list").contains("bkp-01"));

            lab.run(Duration.ofSeconds(30), "mount", "-o", "remount,size=256m", mount.toString());
            Map<String, Object> next = ferry.runJob("demo-hyperv", RUN_TIMEOUT);
            assertEquals("the run after freeing space: " + FaultFerry.describe(next), "SUCCESS", next.get("status"));
            Map<String, Object> verify = ferry.verify("bkp-01");
            assertEquals("verify after the full file system: " + verify, Boolean.TRUE, verify.get("ok"));
        } finally {
            // the repository stays open in Ferry: a lazy unmount detaches it anyway
            ferry.crash();
            lab.run(Duration.ofSeconds(30), "sh", "-c", "! mountpoint -q \"$0\" || umount -l \"$0\"",
                    mount.toString());
            ferry.start();
        }
    }

    // --- 6. Ferry killed while a guest is frozen -----------------------------------

    /**
     * A job whose VM's agent socket is an {@link AgentTrap}: the thaw request is held, Ferry
     * is killed while the guest is frozen; after the restart the guest must be thawed within
     * 10 s of Ferry answering.
     */
    @Test
    public void t8GuestThawedAfterKill() throws Exception {
        String vm = "pve-trap-01";
        Path agent = lab.agentSocket("pve-files-01");
        try (AgentTrap trap = AgentTrap.between(lab.dir().resolve("trap.sock"), agent)) {
            ferry.ok("ferry:vm-add --host pve-01 --os linux:debian:12 --network 10.10.1.0/24 --disk 'label=scsi0,"
                    + "size=64M,format=vhdx,location=qemu+unix://" + lab.qmpSocket("pve-files-01")
                    + "?node=drive-scsi0&agent=" + trap.socket() + "' " + vm);
            ferry.ok("ferry:job-create --platform proxmox --vm " + vm + " --repository " + PROXMOX_REPO
                    + " --application-aware --guest-proxy gi-lin-01 fault-trap");
            String id = ferry.startJob("fault-trap");
            boolean held = trap.awaitHeldThaw(Duration.ofMinutes(2));
            ferry.crash();
            trap.disarm();
            if (!held) {
                ferry.start();
                fail("Ferry never asked to thaw " + vm + ": " + FaultFerry.describe(ferry.session(id)));
            }
            assertEquals("the guest is not frozen after the kill: the fault was not injected", "frozen",
                    DemoLab.freezeStatus(agent));
            ferry.start();
            long t0 = System.nanoTime();
            String status = DemoLab.freezeStatus(agent);
            while (!"thawed".equals(status) && System.nanoTime() - t0 < Duration.ofSeconds(10).toNanos()) {
                Thread.sleep(500);
                status = DemoLab.freezeStatus(agent);
            }
            System.out.println("t8: guest " + status + " " + (System.nanoTime() - t0) / 1_000_000
                    + " ms after Ferry answered again");
            assertEquals("the guest left frozen by the killed Ferry is not thawed within 10 s of the restart", "thawed",
                    status);
        } finally {
            if ("frozen".equals(DemoLab.freezeStatus(agent))) {
                DemoLab.agent(agent, "guest-fsfreeze-thaw", Duration.ofSeconds(30));
                System.out.println("t8: thawed the guest behind " + agent + " by hand");
            }
        }
    }

    // --- helpers ---------------------------------------------------------------------

    /** The stalled NBD source: nbdkit's delay filter in front of a file of 8 MiB data, and a job reading it. */
    private static final class Stall implements AutoCloseable {
        private final DemoLab lab;
        private final String name;
        private final Path pid;

        private Stall(DemoLab lab, String name, Path pid) {
            this.lab = lab;
            this.name = name;
            this.pid = pid;
        }

        static Stall start(DemoLab lab, String name, FaultFerry ferry) throws Exception {
            Path image = lab.dir().resolve(name + ".img");
            writeRandom(image, 8L << 20, 42);
            try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
                f.setLength(64L << 20);
            }
            Path socket = lab.dir().resolve(name + ".sock");
            Path pid = lab.dir().resolve(name + ".pid");
            Files.deleteIfExists(socket); // a killed nbdkit leaves its socket file behind
            // every read waits 600 s; connect and block status answer at once
            lab.run(Duration.ofSeconds(30), "nbdkit", "--unix", socket.toString(), "--pidfile", pid.toString(),
                    "--exportname", name, "--filter=delay", "file", image.toString(), "rdelay=600");
            Stall stall = new Stall(lab, name, pid);
            ferry.ok("ferry:vm-add --host hv-01 --os windows:server:2022 --network 10.10.1.0/24 --disk 'label=disk0,"
                    + "size=64M,format=raw,location=nbd+unix:///" + name + "?socket=" + socket + "' " + stall.vm());
            ferry.ok("ferry:job-create --platform hyperv --vm " + stall.vm() + " --repository repo-02 " + stall.job());
            return stall;
        }

        String vm() {
            return "hv-" + name;
        }

        String job() {
            return "fault-" + name;
        }

        String export() {
            return name;
        }

        @Override
        public void close() throws Exception {
            // ends the stalled reads (the connection drops), so the session can end
            lab.run(Duration.ofSeconds(30), "sh", "-c", "kill $(cat " + pid + ") 2>/dev/null || true");
        }
    }

    private static Instant awaitTaskRunning(String id, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Map<String, Object> s = ferry.session(id);
            for (Map<String, Object> t : Json.objects(s.get("tasks"))) {
                if ("RUNNING".equals(t.get("status"))) {
                    return Instant.now();
                }
            }
            if (!"RUNNING".equals(s.get("status"))) {
                fail("the session ended before its task ran: " + FaultFerry.describe(s));
            }
            Thread.sleep(500);
        }
        throw new AssertionError("no task of session " + id + " started within " + timeout.toSeconds() + " s");
    }

    private static Map<String, Object> task(Map<String, Object> session, String taskId) {
        for (Map<String, Object> t : Json.objects(session.get("tasks"))) {
            if (taskId.equals(t.get("id"))) {
                return t;
            }
        }
        throw new AssertionError("no task " + taskId + " in " + FaultFerry.describe(session));
    }

    /** id → status of every session that is not RUNNING. */
    private static Map<String, String> finishedSessions() throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map<String, Object> s : ferry.sessions()) {
            if (!"RUNNING".equals(s.get("status"))) {
                out.put((String) s.get("id"), (String) s.get("status"));
            }
        }
        return out;
    }

    /** The catalog after a fault: the finished sessions with their status, the acknowledged starts. */
    private static List<String> checkCatalog(Map<String, String> finished, List<String> started) throws Exception {
        List<String> problems = new ArrayList<>();
        Map<String, String> now = new LinkedHashMap<>();
        for (Map<String, Object> s : ferry.sessions()) {
            now.put((String) s.get("id"), (String) s.get("status"));
        }
        finished.forEach((id, status) -> {
            if (!now.containsKey(id)) {
                problems.add("finished session " + id + " (" + status + ") is gone");
            } else if (!status.equals(now.get(id))) {
                problems.add("finished session " + id + " was " + status + ", now " + now.get(id));
            }
        });
        for (String id : started) {
            if (!now.containsKey(id)) {
                problems.add("session " + id + ", whose start job-run acknowledged, is gone");
            }
        }
        return problems;
    }

    /** {@link #checkCatalog}, plus: the latest successful run's restore points are in the repository. */
    private static List<String> checkAfterRestart(Map<String, String> finished, List<String> started)
            throws Exception {
        List<String> problems = checkCatalog(finished, started);
        List<String> listed = ferry.backups(PROXMOX_REPO).stream().map(b -> (String) b.get("id")).toList();
        for (Map<String, Object> s : ferry.sessions()) {
            if (PROXMOX_JOB.equals(s.get("job")) && "SUCCESS".equals(s.get("status"))) {
                for (Map<String, Object> t : Json.objects(ferry.session((String) s.get("id")).get("tasks"))) {
                    if (t.get("backupId") != null && !listed.contains(t.get("backupId"))) {
                        problems.add("backup " + t.get("backupId") + " of the latest successful session " + s.get("id")
                                + " (" + t.get("id") + ") is not in the repository");
                    }
                }
                break;
            }
        }
        return problems;
    }

    private static List<String> verifyProblems(String server) throws Exception {
        Map<String, Object> report = ferry.verify(server);
        if (Boolean.TRUE.equals(report.get("ok"))) {
            return new ArrayList<>();
        }
        return new ArrayList<>(List.of("verify of " + server + " found problems (a missing chunk means a listed backup"
                + " is partial): " + report.get("problems") + ", broken backups " + report.get("brokenBackups")));
    }

    private static void report(String where, List<String> problems, List<String> failures) {
        if (problems.isEmpty()) {
            System.out.println(where + ": ok");
        } else {
            String line = where + ": " + String.join("; ", problems);
            System.out.println(line);
            failures.add(line);
        }
    }

    static void writeRandom(Path file, long size, long seed) throws IOException {
        Random r = new Random(seed);
        byte[] buf = new byte[1 << 20];
        try (var out = Files.newOutputStream(file)) {
            for (long done = 0; done < size; done += buf.length) {
                r.nextBytes(buf);
                out.write(buf, 0, (int) Math.min(buf.length, size - done));
            }
        }
    }

    /** null when the files are equal, else where they first differ and how many MiB differ. */
    static String compare(Path expected, Path actual) throws IOException {
        long a = Files.size(expected);
        long b = Files.size(actual);
        if (a != b) {
            return "sizes differ: " + expected + " " + a + " bytes, " + actual + " " + b + " bytes";
        }
        long first = -1;
        long differentMiB = 0;
        byte[] x = new byte[1 << 20];
        byte[] y = new byte[1 << 20];
        try (InputStream ia = Files.newInputStream(expected); InputStream ib = Files.newInputStream(actual)) {
            for (long off = 0; off < a; off += x.length) {
                int n = ia.readNBytes(x, 0, x.length);
                ib.readNBytes(y, 0, n);
                if (!java.util.Arrays.equals(x, 0, n, y, 0, n)) {
                    differentMiB++;
                    if (first < 0) {
                        first = off + java.util.Arrays.mismatch(x, 0, n, y, 0, n);
                    }
                }
            }
        }
        return first < 0 ? null : "first difference at byte " + first + "; " + differentMiB + " of " + (a >> 20)
                + " MiB differ";
    }
}
