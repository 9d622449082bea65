package io.ferry.itests;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The unpacked distribution as the fault suite drives it: {@code bin/start}, kill -9,
 * commands through {@code bin/client -b}, and JSON answers read from a file the shell
 * writes ({@code ferry:... --json > FILE}), because {@code bin/client -b} can cut long
 * output.
 */
final class FaultFerry {
    static final Duration BOOT_TIMEOUT = Duration.ofSeconds(240);

    private final UnpackedDistribution dist;
    private final Path out;
    private final AtomicInteger files = new AtomicInteger();

    FaultFerry(UnpackedDistribution dist) throws IOException {
        this.dist = dist;
        this.out = Files.createDirectories(dist.home().getParent().resolve("json"));
    }

    UnpackedDistribution dist() {
        return dist;
    }

    Path home() {
        return dist.home();
    }

    /** The repository of the jobs that store to {@code server}, as the shell names it. */
    static String repo(String server) {
        // opened by the job runner with its own password: no user reads etc/ferry-repository.password
        return "--job-repo " + server;
    }

    /**
     * Before the first start: opens the confined paths for the lab ({@code lab}: disk images, NBD
     * sockets, the inventory file) and the suite's own files ({@code work}: a foreign disk image, restores), sets the
     * NBD request deadline.
     */
    void configure(Path lab, Path work, int nbdDeadlineSeconds) throws IOException {
        Path etc = dist.home().resolve("etc");
        String paths = "\n# fault suite\n"
                + "disk.roots = ${karaf.data}/ferry/disks, " + lab + ", " + work + "\n"
                + "socket.roots = ${karaf.data}/ferry, " + lab + "\n"
                + "transfer.roots = ${karaf.data}/ferry/transfer, " + lab + "\n"
                + "restore.roots = ${karaf.data}/ferry/restores, " + work + "\n";
        Files.writeString(etc.resolve("io.ferry.paths.cfg"), paths, UTF_8, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
        Files.writeString(etc.resolve("io.ferry.mover.cfg"), "nbd.request.timeout.seconds = " + nbdDeadlineSeconds
                + "\n", UTF_8);
    }

    /** Points the catalog at {@code db} (etc/io.ferry.inventory.cfg) instead of the embedded H2. */
    void usePostgres(PostgresTestDatabase db) throws IOException {
        String cfg = "\njdbc.url = " + db.url() + "\n"
                + (db.user().isEmpty() ? "" : "jdbc.user = " + db.user() + "\n")
                + (db.password().isEmpty() ? "" : "jdbc.password = " + db.password() + "\n");
        Files.writeString(dist.home().resolve("etc/io.ferry.inventory.cfg"), cfg, UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    }

    /** bin/start, then waits until the ferry commands answer; returns the milliseconds that took. */
    long start() throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        dist.start();
        dist.awaitClient("ferry:job-list", BOOT_TIMEOUT);
        return (System.nanoTime() - t0) / 1_000_000;
    }

    /** kill -9 of the Karaf JVM (SIGKILL: no shutdown hook, no flush). */
    void crash() {
        dist.kill();
        keepCatalogAsKilled();
    }

    private final AtomicInteger kills = new AtomicInteger();

    /**
     * Keeps a copy of the embedded catalog file as the kill left it (next to the distribution,
     * {@code catalog-after-kill-N.mv.db}), so a lost change can be examined with H2's MVStoreTool.
     */
    private void keepCatalogAsKilled() {
        Path catalog = dist.home().resolve("data/ferry/inventory.mv.db");
        if (Files.exists(catalog)) {
            try {
                Files.copy(catalog, dist.home().resolveSibling("catalog-after-kill-" + kills.incrementAndGet() + ".mv.db"));
            } catch (IOException e) {
                System.err.println("could not keep a copy of " + catalog + ": " + e);
            }
        }
    }

    /** Makes sure Ferry answers: a test before may have left it hung or dead. */
    void ensureUp() throws IOException, InterruptedException {
        UnpackedDistribution.Outcome o = dist.client("ferry:job-list");
        if (o.exitCode() != 0) {
            crash();
            start();
        }
    }

    String ok(String command) throws IOException, InterruptedException {
        return dist.ok(command);
    }

    UnpackedDistribution.Outcome client(String command) throws IOException, InterruptedException {
        return dist.client(command);
    }

    /** Runs {@code command} (which must print JSON) with its output redirected to a file; parses it. */
    Object json(String command) throws IOException, InterruptedException {
        return json(command, true);
    }

    /**
     * As {@link #json(String)}; when {@code mustSucceed} is false a failing command (verify
     * with problems) is accepted as long as it wrote its JSON report.
     */
    Object json(String command, boolean mustSucceed) throws IOException, InterruptedException {
        Path file = out.resolve("out-" + files.incrementAndGet() + ".json");
        UnpackedDistribution.Outcome o = dist.client(command + " > " + file);
        if (mustSucceed && o.exitCode() != 0) {
            throw new AssertionError("'" + command + "' failed (" + o.exitCode() + "):\n" + o.output());
        }
        String text = Files.exists(file) ? Files.readString(file, UTF_8) : "";
        if (text.isBlank()) {
            throw new AssertionError("'" + command + "' wrote no JSON (exit " + o.exitCode() + "):\n" + o.output());
        }
        return Json.parse(text);
    }

    Map<String, Object> session(String id) throws IOException, InterruptedException {
        return Json.object(json("ferry:session-show --json " + id));
    }

    /** Every session the catalog holds (newest first), without tasks. */
    List<Map<String, Object>> sessions() throws IOException, InterruptedException {
        return Json.objects(json("ferry:session-list --json --limit 100000"));
    }

    /** Starts {@code job}; returns the new session's id. */
    String startJob(String job) throws IOException, InterruptedException {
        return (String) Json.object(json("ferry:job-run --no-wait --json " + job)).get("id");
    }

    /** Polls the session until it is no longer RUNNING; fails after {@code timeout}. */
    Map<String, Object> awaitSession(String id, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Object> s = session(id);
        while ("RUNNING".equals(s.get("status"))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("session " + id + " still RUNNING after " + timeout.toSeconds() + " s:\n"
                        + describe(s));
            }
            Thread.sleep(1000);
            s = session(id);
        }
        return s;
    }

    Map<String, Object> runJob(String job, Duration timeout) throws IOException, InterruptedException {
        return awaitSession(startJob(job), timeout);
    }

    /** The backups {@code ferry:backups --json} lists in the repository of {@code server}. */
    List<Map<String, Object>> backups(String server) throws IOException, InterruptedException {
        return Json.objects(json("ferry:backups --json " + repo(server)));
    }

    /** {@code ferry:verify --json} of the whole repository of {@code server}. */
    Map<String, Object> verify(String server) throws IOException, InterruptedException {
        return Json.object(json("ferry:verify --json --no-progress " + repo(server), false));
    }

    static String describe(Map<String, Object> s) {
        StringBuilder sb = new StringBuilder("session " + s.get("id") + " of " + s.get("job") + ": " + s.get("status")
                + " " + s.get("message"));
        Object tasks = s.get("tasks");
        if (tasks != null) {
            for (Map<String, Object> t : Json.objects(tasks)) {
                sb.append("\n  task ").append(t.get("id")).append(' ').append(t.get("status")).append(" tracking=")
                        .append(t.get("changeTracking")).append(" backup=").append(t.get("backupId"))
                        .append(t.get("error") == null ? "" : " error=" + t.get("error"));
            }
        }
        Object guests = s.get("guests");
        if (guests != null) {
            for (Map<String, Object> g : Json.objects(guests)) {
                sb.append("\n  guest ").append(g.get("vm")).append(' ').append(g.get("status")).append(' ')
                        .append(g.get("detail"));
            }
        }
        return sb.toString();
    }

    /** The last lines of data/log/karaf.log, for failure messages. */
    String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(home().resolve("data/log/karaf.log"));
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no karaf.log: " + e + ")";
        }
    }
}
