import io.ferry.api.FerryException;
import io.ferry.api.mover.DataMover;
import io.ferry.api.mover.DiskSource;
import io.ferry.api.mover.DiskSources;
import io.ferry.api.mover.DiskTarget;
import io.ferry.api.mover.RestoreResult;
import io.ferry.api.mover.SourceOptions;
import io.ferry.api.repository.BackupInfo;
import io.ferry.api.repository.BackupRequest;
import io.ferry.api.repository.BackupStats;
import io.ferry.api.repository.InitOptions;
import io.ferry.api.repository.Progress;
import io.ferry.api.repository.ProgressListener;
import io.ferry.api.repository.Repository;
import io.ferry.api.repository.RepositoryException;
import io.ferry.api.repository.RepositoryInfo;
import io.ferry.api.repository.RepositoryService;

import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Plain-JVM driver of Ferry's data mover for bench/mover (no OSGi, no Karaf): the same
 * classes the bundles register as services, constructed directly.
 *
 * <pre>
 *   java -cp JARS MoverHarness.java init REPO [--kdf-iterations N] [--chunk-size BYTES]
 *   java -cp JARS MoverHarness.java backup REPO SOURCE [--bitmap NAME] [--disk KEY] [--full]
 *                                   [--buffered] [--threads N]
 *   java -cp JARS MoverHarness.java restore REPO BACKUP|latest:DISK TARGET [--overwrite] [--threads N]
 *   java -cp JARS MoverHarness.java info REPO
 *   java -cp JARS MoverHarness.java session REPO < STEPS
 * </pre>
 *
 * {@code session} is the product path without Karaf: one JVM, the services created once, the
 * repository opened once (as in a running proxy), then one step per line of stdin:
 * {@code backup SOURCE [options as above]}, {@code restore BACKUP|latest:DISK TARGET
 * [--overwrite]} or {@code drop-caches} (sync, then drop the page cache; needs root). Prints a
 * JSON line per step, with the time inside the step and the process CPU time it took.
 *
 * The repository password comes from FERRY_REPOSITORY_PASSWORD. SOURCE and TARGET are
 * anything DiskSources accepts (a path, nbd+unix:///export?socket=..., nbd://...). Prints
 * one JSON line on stdout (the summary, or {"error": ...} with exit status 1) and progress
 * on stderr. Uses only io.ferry.repository.internal.RepositoryServiceImpl,
 * io.ferry.mover.internal.source.DiskSourcesImpl and io.ferry.mover.internal.DataMoverImpl,
 * found by name so that this file compiles against the API jar alone.
 */
public final class MoverHarness {

    private static final String REPOSITORY_SERVICE = "io.ferry.repository.internal.RepositoryServiceImpl";
    private static final String DISK_SOURCES = "io.ferry.mover.internal.source.DiskSourcesImpl";
    private static final String DATA_MOVER = "io.ferry.mover.internal.DataMoverImpl";
    private static final String USAGE = "usage: MoverHarness init REPO [--kdf-iterations N] [--chunk-size BYTES]\n"
            + "       MoverHarness backup REPO SOURCE [--bitmap NAME] [--disk KEY] [--full] [--buffered] [--threads N]\n"
            + "       MoverHarness restore REPO BACKUP|latest:DISK TARGET [--overwrite] [--threads N]\n"
            + "       MoverHarness info REPO\n"
            + "       MoverHarness session REPO < STEPS (lines: backup SOURCE [options] | restore WHICH TARGET"
            + " [--overwrite] | drop-caches)\n"
            + "(password in FERRY_REPOSITORY_PASSWORD)";

    private final long startNanos = System.nanoTime();
    private final PrintStream out;
    private final PrintStream err;

    private MoverHarness(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        MoverHarness harness = new MoverHarness(System.out, System.err);
        int status;
        try {
            status = harness.run(args);
        } catch (UsageException e) {
            System.err.println("MoverHarness: " + e.getMessage() + "\n" + USAGE);
            status = 2;
        } catch (RuntimeException e) {
            harness.fail(e);
            status = 1;
        }
        System.out.flush();
        // DS components may own non-daemon executor threads: do not wait for them
        System.exit(status);
    }

    private int run(String[] argv) {
        if (argv.length == 0) {
            throw new UsageException("no command");
        }
        Args args = new Args(argv);
        switch (argv[0]) {
            case "init":
                return init(args);
            case "backup":
                return backup(args);
            case "restore":
                return restore(args);
            case "info":
                return info(args);
            case "session":
                return session(args);
            default:
                throw new UsageException("unknown command '" + argv[0] + "'");
        }
    }

    // --- commands ---------------------------------------------------------------------------

    private int init(Args args) {
        Path repo = Path.of(args.positional(1, "REPO"));
        int kdf = args.intOption("--kdf-iterations", InitOptions.DEFAULT_KDF_ITERATIONS);
        int chunk = args.intOption("--chunk-size", InitOptions.DEFAULT_CHUNK_SIZE);
        args.done(2);
        RepositoryService service = create(RepositoryService.class, REPOSITORY_SERVICE);
        RepositoryInfo info = service.init(repo, password(), new InitOptions(chunk, kdf));
        Map<String, Object> json = header("init");
        json.put("repository", info.path().toString());
        json.put("id", info.id());
        json.put("format_version", info.formatVersion());
        json.put("chunk_size", info.chunkSize());
        json.put("encryption", info.encryption());
        json.put("compression", info.compression());
        json.put("kdf", info.kdf());
        json.put("wall_ms", millisSince(startNanos));
        print(json);
        closeIfPossible(service);
        return 0;
    }

    private int backup(Args args) {
        Path repoPath = Path.of(args.positional(1, "REPO"));
        String location = args.positional(2, "SOURCE");
        String bitmap = args.option("--bitmap", null);
        String disk = args.option("--disk", null);
        boolean full = args.flag("--full");
        boolean buffered = args.flag("--buffered");
        int threads = args.intOption("--threads", 0); // 0: the mover's default
        args.done(3);
        RepositoryService service = create(RepositoryService.class, REPOSITORY_SERVICE);
        DiskSources sources = create(DiskSources.class, DISK_SOURCES);
        DataMover mover = create(DataMover.class, DATA_MOVER, threads);
        SourceOptions options = SourceOptions.defaults().withDirectIo(!buffered);
        if (bitmap != null) {
            options = options.withDirtyBitmap(bitmap);
        }
        long t0 = System.nanoTime();
        try (Repository repo = service.open(repoPath, password())) {
            long opened = System.nanoTime();
            BackupInfo info;
            long t1;
            try (DiskSource source = sources.open(location, options)) {
                String key = disk != null ? disk : diskKey(location);
                BackupRequest request = new BackupRequest(key, source.description(), source.size(), full,
                        Map.of("bench", "bench/mover"));
                t1 = System.nanoTime();
                info = mover.backup(source, repo, request, new StderrProgress(err, "backup"));
            } catch (java.io.IOException e) {
                throw new IllegalStateException("closing " + location + " failed: " + e.getMessage(), e);
            }
            long t2 = System.nanoTime();
            BackupStats s = info.stats();
            Map<String, Object> json = header("backup");
            json.put("backup", info.id());
            json.put("disk", info.disk());
            json.put("parent", info.parent());
            json.put("source", info.source());
            json.put("size", info.size());
            json.put("chunk_size", info.chunkSize());
            json.put("change_tracking", s.changeTracking());
            json.put("read_bytes", s.readBytes());
            json.put("data_bytes", s.dataBytes());
            json.put("zero_bytes", s.zeroBytes());
            json.put("new_chunks", s.newChunks());
            json.put("reused_chunks", s.reusedChunks());
            json.put("new_bytes", s.newBytes());
            json.put("stored_bytes", s.storedBytes());
            json.put("dedupe_ratio", round(s.dedupeRatio()));
            json.put("compression_ratio", round(s.compressionRatio()));
            json.put("threads", threads);
            json.put("direct_io", !buffered);
            json.put("open_ms", millisBetween(t0, opened));
            json.put("backup_ms", millisBetween(t1, t2));
            json.put("wall_ms", millisSince(startNanos));
            json.put("mb_s_logical", round(info.size() / 1e6 / Math.max(1e-9, (t2 - t1) / 1e9)));
            json.put("mb_s_read", round(s.readBytes() / 1e6 / Math.max(1e-9, (t2 - t1) / 1e9)));
            print(json);
        }
        closeIfPossible(mover);
        closeIfPossible(service);
        return 0;
    }

    private int restore(Args args) {
        Path repoPath = Path.of(args.positional(1, "REPO"));
        String which = args.positional(2, "BACKUP|latest:DISK");
        String location = args.positional(3, "TARGET");
        boolean overwrite = args.flag("--overwrite");
        int threads = args.intOption("--threads", 0); // 0: the mover's default
        args.done(4);
        RepositoryService service = create(RepositoryService.class, REPOSITORY_SERVICE);
        DiskSources sources = create(DiskSources.class, DISK_SOURCES);
        DataMover mover = create(DataMover.class, DATA_MOVER, threads);
        long t0 = System.nanoTime();
        try (Repository repo = service.open(repoPath, password())) {
            long opened = System.nanoTime();
            BackupInfo info = which.startsWith("latest:")
                    ? repo.latest(which.substring("latest:".length())).orElseThrow(() -> new IllegalArgumentException(
                            "repository " + repoPath + " has no backup of disk '" + which.substring(7)
                                    + "': back it up first or name a backup id"))
                    : repo.backup(which);
            RestoreResult result;
            long t1;
            try (DiskTarget target = sources.create(location, info.size(), overwrite, SourceOptions.defaults())) {
                t1 = System.nanoTime();
                result = mover.restore(repo, info.id(), target, new StderrProgress(err, "restore"));
            } catch (java.io.IOException e) {
                throw new IllegalStateException("closing " + location + " failed: " + e.getMessage(), e);
            }
            long t2 = System.nanoTime();
            Map<String, Object> json = header("restore");
            json.put("backup", result.backupId());
            json.put("disk", info.disk());
            json.put("target", result.target());
            json.put("size", result.size());
            json.put("written_bytes", result.writtenBytes());
            json.put("zero_bytes", result.zeroBytes());
            json.put("threads", threads);
            json.put("open_ms", millisBetween(t0, opened));
            json.put("restore_ms", millisBetween(t1, t2));
            json.put("mover_elapsed_ms", result.elapsed().toMillis());
            json.put("wall_ms", millisSince(startNanos));
            json.put("mb_s_logical", round(result.size() / 1e6 / Math.max(1e-9, (t2 - t1) / 1e9)));
            print(json);
        }
        closeIfPossible(mover);
        closeIfPossible(service);
        return 0;
    }

    private int session(Args args) {
        Path repoPath = Path.of(args.positional(1, "REPO"));
        int threads = args.intOption("--threads", 0);
        args.done(2);
        RepositoryService service = create(RepositoryService.class, REPOSITORY_SERVICE);
        DiskSources sources = create(DiskSources.class, DISK_SOURCES);
        DataMover mover = create(DataMover.class, DATA_MOVER, threads);
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        com.sun.management.OperatingSystemMXBean cpu = (com.sun.management.OperatingSystemMXBean) os;
        long t0 = System.nanoTime();
        try (Repository repo = service.open(repoPath, password());
                java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in))) {
            Map<String, Object> opened = header("session-open");
            opened.put("open_ms", millisBetween(t0, System.nanoTime()));
            print(opened);
            int step = 0;
            for (String line; (line = in.readLine()) != null; ) {
                line = line.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                step++;
                String[] words = line.split("\\s+");
                Args a = new Args(words);
                long c0 = cpu.getProcessCpuTime();
                long s0 = System.nanoTime();
                Map<String, Object> json = header("session-" + words[0]);
                json.put("step", step);
                switch (words[0]) {
                    case "drop-caches" -> dropCaches();
                    case "backup" -> {
                        String location = a.positional(1, "SOURCE");
                        String bitmap = a.option("--bitmap", null);
                        String disk = a.option("--disk", null);
                        boolean full = a.flag("--full");
                        SourceOptions options = SourceOptions.defaults().withDirectIo(!a.flag("--buffered"));
                        a.done(2);
                        if (bitmap != null) {
                            options = options.withDirtyBitmap(bitmap);
                        }
                        try (DiskSource source = sources.open(location, options)) {
                            BackupRequest request = new BackupRequest(disk != null ? disk : diskKey(location),
                                    source.description(), source.size(), full, Map.of("bench", "bench/mover session"));
                            BackupInfo info = mover.backup(source, repo, request, new StderrProgress(err, "backup"));
                            json.put("backup", info.id());
                            json.put("parent", info.parent());
                            json.put("change_tracking", info.stats().changeTracking());
                            json.put("read_bytes", info.stats().readBytes());
                            json.put("new_chunks", info.stats().newChunks());
                        } catch (java.io.IOException e) {
                            throw new IllegalStateException("closing " + location + " failed: " + e.getMessage(), e);
                        }
                    }
                    case "restore" -> {
                        String which = a.positional(1, "BACKUP|latest:DISK");
                        String location = a.positional(2, "TARGET");
                        boolean overwrite = a.flag("--overwrite");
                        a.done(3);
                        BackupInfo info = which.startsWith("latest:")
                                ? repo.latest(which.substring(7)).orElseThrow(() -> new IllegalArgumentException(
                                        "no backup of disk '" + which.substring(7) + "'"))
                                : repo.backup(which);
                        try (DiskTarget target = sources.create(location, info.size(), overwrite, SourceOptions.defaults())) {
                            RestoreResult result = mover.restore(repo, info.id(), target, new StderrProgress(err, "restore"));
                            json.put("backup", result.backupId());
                            json.put("written_bytes", result.writtenBytes());
                        } catch (java.io.IOException e) {
                            throw new IllegalStateException("closing " + location + " failed: " + e.getMessage(), e);
                        }
                    }
                    default -> throw new UsageException("unknown session step '" + words[0] + "'");
                }
                json.put("step_ms", millisBetween(s0, System.nanoTime()));
                json.put("cpu_ms", (cpu.getProcessCpuTime() - c0) / 1_000_000);
                print(json);
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException("reading the session steps failed: " + e.getMessage(), e);
        }
        closeIfPossible(mover);
        closeIfPossible(service);
        return 0;
    }

    /** sync, then drop the page cache (root only), as run.sh does before each cold run. */
    private static void dropCaches() {
        try {
            Process p = new ProcessBuilder("sync").inheritIO().start();
            if (!p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("sync did not finish within 120 s");
            }
            java.nio.file.Files.writeString(Path.of("/proc/sys/vm/drop_caches"), "3\n");
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot drop the page cache (root needed): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while dropping the page cache", e);
        }
    }

    private int info(Args args) {
        Path repoPath = Path.of(args.positional(1, "REPO"));
        args.done(2);
        RepositoryService service = create(RepositoryService.class, REPOSITORY_SERVICE);
        try (Repository repo = service.open(repoPath, password())) {
            RepositoryInfo info = repo.info();
            Map<String, Object> json = header("info");
            json.put("repository", info.path().toString());
            json.put("format_version", info.formatVersion());
            json.put("chunk_size", info.chunkSize());
            json.put("backups", info.backups());
            json.put("chunks", info.chunks());
            json.put("stored_bytes", info.storedBytes());
            json.put("logical_bytes", info.logicalBytes());
            List<Object> backups = new ArrayList<>();
            for (BackupInfo b : repo.backups()) {
                backups.add(b.id() + " " + b.disk() + " " + b.stats().changeTracking() + " parent="
                        + b.parentId().orElse("-"));
            }
            json.put("backup_list", backups);
            json.put("wall_ms", millisSince(startNanos));
            print(json);
        }
        closeIfPossible(service);
        return 0;
    }

    // --- helpers ----------------------------------------------------------------------------

    /** A Ferry implementation class by name, constructed with its public constructor. */
    private static <T> T create(Class<T> type, String className, Object... args) {
        Class<?> c;
        try {
            c = Class.forName(className);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(className + " is not on the class path: build the io.ferry.api,"
                    + " io.ferry.repository and io.ferry.mover jars (./mvnw -o -q -B install -DskipTests -pl"
                    + " bundles/io.ferry.api,bundles/io.ferry.repository,bundles/io.ferry.mover)", e);
        }
        if (!type.isAssignableFrom(c)) {
            throw new IllegalStateException(className + " does not implement " + type.getName());
        }
        Class<?>[] params = new Class<?>[args.length];
        for (int i = 0; i < args.length; i++) {
            params[i] = args[i] instanceof Integer ? int.class : args[i].getClass();
        }
        try {
            return type.cast(c.getConstructor(params).newInstance(args));
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(className + " has no public constructor taking "
                    + List.of(params) + ": the harness expects the constructors named in bench/mover/README.md", e);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException("constructing " + className + " failed: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("constructing " + className + " failed: " + e, e);
        }
    }

    private static void closeIfPossible(Object o) {
        if (o instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing " + o.getClass().getName() + " failed: " + e, e);
            }
        }
    }

    private static char[] password() {
        String pw = System.getenv("FERRY_REPOSITORY_PASSWORD");
        if (pw == null || pw.isEmpty()) {
            throw new IllegalArgumentException("set FERRY_REPOSITORY_PASSWORD to the repository password");
        }
        return pw.toCharArray();
    }

    /** A disk key from a location: its last path element, with anything a key may not hold replaced. */
    private static String diskKey(String location) {
        String s = location.replaceAll("[?#].*$", "");
        s = s.substring(s.lastIndexOf('/') + 1);
        s = s.replaceAll("[^A-Za-z0-9._:/-]", "_");
        return s.isEmpty() || !Character.isLetterOrDigit(s.charAt(0)) ? "disk" + s : s;
    }

    private Map<String, Object> header(String command) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("cmd", command);
        json.put("java", System.getProperty("java.version"));
        json.put("max_heap_mib", Runtime.getRuntime().maxMemory() >> 20);
        return json;
    }

    private void fail(RuntimeException e) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("type", e.getClass().getName());
        if (e instanceof FerryException) {
            error.put("ferry", true);
        }
        if (e instanceof RepositoryException re) {
            error.put("reason", re.reason().name());
        }
        error.put("message", String.valueOf(e.getMessage()));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("error", error);
        json.put("wall_ms", millisSince(startNanos));
        print(json);
        err.println("MoverHarness: " + e.getMessage());
        e.printStackTrace(err);
    }

    private void print(Map<String, Object> json) {
        out.println(toJson(json));
    }

    private static long millisSince(long nanos) {
        return millisBetween(nanos, System.nanoTime());
    }

    private static long millisBetween(long from, long to) {
        return (to - from) / 1_000_000;
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    private static String toJson(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof Number || v instanceof Boolean) {
            return v instanceof Double d && (d.isNaN() || d.isInfinite()) ? "null" : v.toString();
        }
        if (v instanceof Map<?, ?> m) {
            StringBuilder sb = new StringBuilder("{");
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (sb.length() > 1) {
                    sb.append(',');
                }
                sb.append(toJson(String.valueOf(e.getKey()))).append(':').append(toJson(e.getValue()));
            }
            return sb.append('}').toString();
        }
        if (v instanceof List<?> l) {
            StringBuilder sb = new StringBuilder("[");
            for (Object o : l) {
                if (sb.length() > 1) {
                    sb.append(',');
                }
                sb.append(toJson(o));
            }
            return sb.append(']').toString();
        }
        StringBuilder sb = new StringBuilder("\"");
        for (char c : v.toString().toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    /** Progress on stderr, at most every two seconds and once at the end. */
    private static final class StderrProgress implements ProgressListener {
        private final PrintStream err;
        private final String what;
        private final AtomicLong lastPrint = new AtomicLong();

        StderrProgress(PrintStream err, String what) {
            this.err = err;
            this.what = what;
        }

        @Override
        public void progress(Progress p) {
            long now = System.nanoTime();
            long last = lastPrint.get();
            boolean finished = p.done() >= p.total();
            if (!finished && now - last < 2_000_000_000L || !lastPrint.compareAndSet(last, now)) {
                return;
            }
            err.println(String.format(Locale.ROOT, "%s %s: %5.1f%%  %,d of %,d bytes  %.0f MB/s  read %,d  stored %,d  eta %s",
                    what, p.phase(), p.fraction() * 100, p.done(), p.total(), p.bytesPerSecond() / 1e6, p.read(),
                    p.stored(), p.eta().map(d -> d.toSeconds() + " s").orElse("?")));
        }
    }

    /** Command-line arguments: positionals first, then options. */
    private static final class Args {
        private final List<String> words;
        private final List<String> used = new ArrayList<>();

        Args(String[] argv) {
            this.words = List.of(argv);
        }

        String positional(int index, String name) {
            if (index >= words.size() || words.get(index).startsWith("--")) {
                throw new UsageException(words.get(0) + " needs " + name);
            }
            return words.get(index);
        }

        String option(String name, String fallback) {
            int i = words.indexOf(name);
            if (i < 0) {
                return fallback;
            }
            if (i + 1 >= words.size()) {
                throw new UsageException(name + " needs a value");
            }
            used.add(name);
            used.add(words.get(i + 1));
            return words.get(i + 1);
        }

        int intOption(String name, int fallback) {
            String v = option(name, null);
            if (v == null) {
                return fallback;
            }
            try {
                return Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw new UsageException(name + " needs a number, not '" + v + "'");
            }
        }

        boolean flag(String name) {
            if (!words.contains(name)) {
                return false;
            }
            used.add(name);
            return true;
        }

        /** Fails on anything after the first {@code positionals} words that no option took. */
        void done(int positionals) {
            List<String> rest = new ArrayList<>(words.subList(Math.min(positionals, words.size()), words.size()));
            for (String u : used) {
                rest.remove(u);
            }
            if (!rest.isEmpty()) {
                throw new UsageException("unexpected " + rest);
            }
        }
    }

    private static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }
}
