package io.ferry.jobs.internal;

import io.ferry.api.inventory.DiskFormat;
import io.ferry.api.inventory.Platform;
import io.ferry.api.inventory.RoleType;
import io.ferry.api.inventory.VirtualDisk;
import io.ferry.api.job.GuestProcessing;
import io.ferry.api.job.JobSpec;
import io.ferry.api.job.ServerChoice;
import io.ferry.api.job.TransportChoice;
import io.ferry.api.mover.DiskSource;
import io.ferry.api.mover.SourceOptions;
import io.ferry.api.repository.BackupRequest;
import io.ferry.api.repository.InitOptions;
import io.ferry.api.repository.ProgressListener;
import io.ferry.api.repository.Repository;
import io.ferry.api.session.Session;
import io.ferry.api.session.SessionStatus;
import io.ferry.api.session.TaskRecord;
import io.ferry.mover.internal.DataMoverImpl;
import io.ferry.mover.internal.source.DiskSourcesImpl;
import io.ferry.repository.internal.RepositoryServiceImpl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Benchmark of issue 6 (not a test): a job of 20 VMs x 2 disks over 3 proxies. Prints
 * <ul>
 * <li>the sum of single-disk times: each disk backed up alone, straight through the data mover
 *     (no job runner), one after the other, into a fresh repository;</li>
 * <li>the same 40 disks as a job through the runner on one proxy with one slot (sequential):
 *     the difference to the sum, per task, is the orchestration overhead (planning, session and
 *     task records, slot hand-over, guest stage, source and repository handling);</li>
 * <li>the job over 3 proxies with 1 and with 2 slots each: wall time, speedup over the sum of
 *     single-disk times and parallel efficiency (speedup / tasks at once).</li>
 * </ul>
 * Every run writes to a fresh repository (no dedupe between runs). The session store is the
 * in-memory one (the H2 / PostgreSQL store adds its own cost per task state change).
 *
 * <p>Run: {@code java -cp <test classpath> io.ferry.jobs.internal.JobBenchmark [diskMiB] [workDir]}
 * (default 16 MiB per disk, a temporary directory).
 */
public final class JobBenchmark {

    private static final int VMS = 20;
    private static final int DISKS_PER_VM = 2;
    private static final char[] PASSWORD = "benchmark password".toCharArray();

    private JobBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int diskMiB = args.length > 0 ? Integer.parseInt(args[0]) : 16;
        Path work = args.length > 1 ? Files.createDirectories(Path.of(args[1]))
                : Files.createTempDirectory("ferry-job-bench");
        Path images = Files.createDirectories(work.resolve("images"));
        long size = diskMiB * (long) Images.MIB;
        List<List<VirtualDisk>> vms = new ArrayList<>();
        long dataBytes = 0;
        for (int v = 0; v < VMS; v++) {
            List<VirtualDisk> disks = new ArrayList<>();
            for (int d = 0; d < DISKS_PER_VM; d++) {
                Path file = Images.raw(images.resolve("vm-" + v + "-" + d + ".raw"), size, 1000L * v + d);
                disks.add(new VirtualDisk("disk" + d, size, DiskFormat.RAW, file.toString(), Optional.empty()));
            }
            vms.add(disks);
        }
        System.out.printf(Locale.ROOT, "%d VMs x %d disks of %d MiB (%.0f%% allocated), %d processors%n", VMS,
                DISKS_PER_VM, diskMiB, 100.0 * (size / 4 + size / 8 + 300_000) / size,
                Runtime.getRuntime().availableProcessors());

        int tasks = VMS * DISKS_PER_VM;
        singleDiskTimes(work.resolve("warm-up-single"), vms);
        runJob(work.resolve("warm-up-job"), vms, 3, 2);
        Duration single = singleDiskTimes(work.resolve("single"), vms);
        System.out.printf(Locale.ROOT, "single-disk times, straight through the mover, one after the other: sum %6.2f s"
                + " (%.0f ms per disk)%n", seconds(single), single.toMillis() / (double) tasks);

        Result seq = runJob(work.resolve("seq"), vms, 1, 1);
        System.out.printf(Locale.ROOT, "job, 1 proxy x 1 slot:   wall %6.2f s; sum of task times %6.2f s (the"
                + " single-disk times inside the runner), of which the mover %6.2f s%n", seconds(seq.wall),
                seq.taskMillis / 1000.0, seq.moverMillis / 1000.0);
        System.out.printf(Locale.ROOT, "    orchestration overhead per task: %.1f ms = (wall - mover time) / %d: start"
                + " %.0f ms once, slot hand-over %.1f ms per task, in the task around the mover %.1f ms per task,"
                + " session end %.0f ms once (retention prune, records)%n", (seq.wall.toMillis() - seq.moverMillis)
                        / (double) tasks, tasks, seq.startMillis, seq.handOverMillis / (tasks - 1),
                (seq.taskMillis - seq.moverMillis) / (double) tasks, seq.endMillis);
        for (int slots : new int[] {1, 2}) {
            Result par = runJob(work.resolve("par" + slots), vms, 3, slots);
            int atOnce = 3 * slots;
            double speedup = seq.taskMillis / 1000.0 / seconds(par.wall);
            System.out.printf(Locale.ROOT, "job, 3 proxies x %d slot%s: wall %6.2f s; speedup %.2f over the sum of"
                    + " single-disk times; parallel efficiency %.0f%% of %d tasks at once, %.0f%% of %d processors;"
                    + " most tasks at once on one proxy: %d%n", slots, slots == 1 ? " " : "s", seconds(par.wall),
                    speedup, 100 * speedup / atOnce, atOnce, 100 * speedup / Runtime.getRuntime().availableProcessors(),
                    Runtime.getRuntime().availableProcessors(), par.peak);
        }
        if (args.length < 2) {
            deleteTree(work);
        }
    }

    /**
     * One job run: wall time, summed task and mover times, time from the session's start to its
     * first task, summed gaps between one task's end and the next one's start, time from the last
     * task's end to the session's end, most tasks at once on one proxy.
     */
    private record Result(Duration wall, long taskMillis, long moverMillis, double startMillis, double handOverMillis,
            double endMillis, int peak) {
    }

    private static Duration singleDiskTimes(Path dir, List<List<VirtualDisk>> vms) throws IOException {
        try (RepositoryServiceImpl repositories = new RepositoryServiceImpl()) {
            repositories.init(dir, PASSWORD, InitOptions.defaults().withKdfIterations(100_000).withChunkSize(1 << 20));
            Repository repo = repositories.open(dir, PASSWORD);
            DiskSourcesImpl sources = new DiskSourcesImpl();
            DataMoverImpl mover = new DataMoverImpl(2);
            long nanos = 0;
            for (int v = 0; v < vms.size(); v++) {
                for (VirtualDisk disk : vms.get(v)) {
                    long start = System.nanoTime();
                    try (DiskSource source = sources.open(disk.location(), SourceOptions.defaults())) {
                        mover.backup(source, repo, BackupRequest.of("vm-" + v + "/" + disk.label(),
                                source.description(), source.size()), ProgressListener.NONE);
                    }
                    nanos += System.nanoTime() - start;
                }
            }
            repo.close();
            return Duration.ofNanos(nanos);
        }
    }

    private static Result runJob(Path dir, List<List<VirtualDisk>> vms, int proxies, int slots) throws Exception {
        Files.createDirectories(dir);
        try (Lab lab = new Lab(dir)) {
            List<String> names = new ArrayList<>();
            for (int p = 1; p <= proxies; p++) {
                lab.inventory.addServer("px-0" + p, slots, RoleType.GENERAL_PURPOSE_PROXY);
                names.add("px-0" + p);
            }
            List<String> vmNames = new ArrayList<>();
            for (int v = 0; v < vms.size(); v++) {
                lab.addVm("vm-" + v, vms.get(v).toArray(new VirtualDisk[0]));
                vmNames.add("vm-" + v);
            }
            lab.jobs.createJob(new JobSpec("bench", Platform.PROXMOX, vmNames, "repo-01",
                    ServerChoice.preferred(names), TransportChoice.AUTOMATIC, GuestProcessing.DISABLED, false));
            lab.repository(); // create and open the repository before timing (PBKDF2, key file)
            long start = System.nanoTime();
            Session s = lab.run("bench");
            Duration wall = Duration.ofNanos(System.nanoTime() - start);
            if (s.status() != SessionStatus.SUCCESS) {
                throw new IllegalStateException("benchmark job ended " + s.status() + ": " + s.message() + " "
                        + s.tasks().stream().map(t -> t.id() + "=" + t.status() + (t.error() == null ? ""
                                : " (" + t.error() + ")")).toList());
            }
            long taskMillis = s.tasks().stream().mapToLong(t -> t.duration().orElseThrow().toNanos()).sum() / 1_000_000;
            List<TaskRecord> byStart = s.tasks().stream().sorted(Comparator.comparing(TaskRecord::started)).toList();
            double handOver = 0;
            for (int i = 1; i < byStart.size(); i++) {
                handOver += millis(byStart.get(i - 1).finished(), byStart.get(i).started());
            }
            Instant lastEnd = s.tasks().stream().map(TaskRecord::finished).max(Comparator.naturalOrder()).orElseThrow();
            int peak = names.stream().mapToInt(lab::peak).max().orElse(0);
            return new Result(wall, taskMillis, lab.moverMillis(), millis(s.started(), byStart.get(0).started()),
                    handOver, millis(lastEnd, s.finished()), peak);
        }
    }

    private static double millis(Instant from, Instant to) {
        return Duration.between(from, to).toNanos() / 1e6;
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
