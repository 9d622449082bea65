import io.ferry.api.inventory.ImportReport;
import io.ferry.api.inventory.InventoryService;
import io.ferry.api.inventory.InventoryTransfer;
import io.ferry.api.inventory.ManagedServer;
import io.ferry.api.inventory.PlatformHost;
import io.ferry.api.inventory.VirtualMachine;
import io.ferry.api.inventory.VmQuery;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.reflect.Constructor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;

/**
 * Service-level inventory benchmark: the real import/export and listing code of
 * io.ferry.inventory on a fresh embedded H2 file database, without Karaf or the shell.
 * Not a test; numbers go to docs/benchmarks.md (see run.sh, which builds the class path).
 *
 * <pre>java -Xmx512m -cp &lt;api&gt;:&lt;inventory&gt;:&lt;h2&gt;:&lt;jackson-core&gt;:&lt;osgi jdbc&gt;:&lt;slf4j&gt; \
 *     bench/inventory/ImportHarness.java inventory.json [--work DIR] [--profile] [--h2-options ";K=V"]</pre>
 *
 * {@code --profile} samples the main thread every 10 ms during the import and the
 * listings and prints where the time goes (top methods by self and inclusive samples).
 * {@code --h2-options} appends settings to the H2 URL (e.g. {@code ;CACHE_SIZE=65536}) to try
 * database tuning; without it the URL is the one Ferry uses in Karaf.
 */
public class ImportHarness {

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: ImportHarness <inventory.json> [--work DIR] [--profile] [--h2-options ';K=V']");
            System.exit(2);
        }
        Path file = Path.of(args[0]);
        List<String> rest = Arrays.asList(args).subList(1, args.length);
        Path work = rest.contains("--work") ? Path.of(rest.get(rest.indexOf("--work") + 1))
                : Files.createTempDirectory("ferry-bench-");
        boolean profile = rest.contains("--profile");
        String h2Options = rest.contains("--h2-options") ? rest.get(rest.indexOf("--h2-options") + 1) : "";
        Files.createDirectories(work);
        try (var files = Files.list(work)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (p.getFileName().toString().startsWith("inventory.")) {
                    Files.delete(p);
                }
            }
        }

        String url = "jdbc:h2:file:" + work.resolve("inventory").toAbsolutePath() + h2Options;
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL(url);
        Class<?> dbClass = Class.forName("io.ferry.inventory.internal.InventoryDatabase");
        Constructor<?> ctor = dbClass.getDeclaredConstructor(DataSource.class, String.class, String.class);
        ctor.setAccessible(true);
        Object db = time("open database (migrate, register backup server)", () -> ctor.newInstance(ds, url, "bench-bkp"));
        InventoryTransfer transfer = (InventoryTransfer) Class.forName("io.ferry.inventory.internal.JsonInventoryTransfer")
                .getConstructor(dbClass).newInstance(db);
        InventoryService service = (InventoryService) Class.forName("io.ferry.inventory.internal.JdbcInventoryService")
                .getConstructor(dbClass).newInstance(db);

        Results r = new Results();
        r.put("file", file.getFileName() + " (" + Files.size(file) / (1024 * 1024) + " MiB)");
        r.put("load average at start (/proc/loadavg)", loadAverage());
        if (!h2Options.isEmpty()) {
            r.put("H2 URL options", h2Options);
        }
        r.put("heap after GC, empty inventory", heapAfterGc());
        Sampler sampler = profile ? Sampler.start(Thread.currentThread()) : null;

        ImportReport dry = time("inventory import --dry-run (validate only)", r, () -> transfer.importFrom(file, true));
        r.put("file holds", dry.servers() + " servers, " + dry.hosts() + " hosts, " + dry.vms() + " VMs, "
                + dry.disks() + " disks");
        resetPeak();
        ImportReport done = time("inventory import", r, () -> transfer.importFrom(file, false));
        r.put("peak heap during import", peakHeap());
        if (!done.applied() || done.vms() != dry.vms()) {
            throw new IllegalStateException("import did not apply: " + done);
        }
        if (sampler != null) {
            sampler.report("import (dry run + import)");
        }
        r.put("heap after GC, inventory loaded", heapAfterGc());
        r.put("H2 file size", Files.size(work.resolve("inventory.mv.db")) / (1024 * 1024) + " MiB");

        String someHost = service.vms(VmQuery.all().page(0, 1)).get(0).spec().host();
        int[] n = new int[1];
        median3("servers() [server-list]", r, () -> n[0] = service.servers().size());
        r.put("servers listed", n[0]);
        median3("servers() + writeServers JSON [server-list --json]", r, () -> {
            List<ManagedServer> s = service.servers();
            OutputStream out = new BufferedOutputStream(OutputStream.nullOutputStream());
            transfer.writeServers(s, out);
            return s.size();
        });
        median3("hosts() [host-list]", r, () -> service.hosts().size());
        median3("vms(all) [vm-list]", r, () -> n[0] = service.vms(VmQuery.all()).size());
        r.put("vms listed", n[0]);
        median3("vms(limit 100) [vm-list --limit 100]", r, () -> service.vms(VmQuery.all().page(0, 100)).size());
        median3("vms(host " + someHost + ") [vm-list --host]", r, () -> n[0] = service.vms(VmQuery.all().onHost(someHost)).size());
        r.put("vms on that host", n[0]);
        String backup = service.backupServer().name();
        median3("server(" + backup + ") [server-show]", r, () -> service.server(backup).orElseThrow().roles().size());
        median3("summary()", r, () -> service.summary().vms());
        if (sampler != null) {
            sampler.report("listings");
        }

        List<VirtualMachine> all = service.vms(VmQuery.all());
        r.put("heap after GC, holding vms(all)", heapAfterGc());
        all = null;
        resetPeak();
        Path export = work.resolve("export.json");
        median3("inventory export", r, () -> {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(export), 1 << 16)) {
                transfer.exportTo(out);
            }
            return 0;
        });
        r.put("export size", Files.size(export) / (1024 * 1024) + " MiB");
        r.put("peak heap during export", peakHeap());
        if (sampler != null) {
            sampler.report("export");
            sampler.stop();
        }
        r.put("heap after GC, end", heapAfterGc());
        r.put("max heap (-Xmx)", Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MiB");
        r.put("load average at end", loadAverage());
        r.print();
        var stop = dbClass.getDeclaredMethod("stop");
        stop.setAccessible(true);
        stop.invoke(db);
    }

    // --- measuring -----------------------------------------------------------------------

    /** Ordered name/value pairs, printed as a markdown table at the end. */
    static final class Results {
        final List<String[]> rows = new ArrayList<>();

        void put(String name, Object value) {
            rows.add(new String[] {name, String.valueOf(value)});
            System.err.printf("  %-55s %s%n", name, value);
        }

        void print() {
            System.out.println("| measure (service level, no shell) | value |");
            System.out.println("|---|---|");
            for (String[] row : rows) {
                System.out.println("| " + row[0] + " | " + row[1] + " |");
            }
        }
    }

    static <T> T time(String what, Callable<T> work) throws Exception {
        long t0 = System.nanoTime();
        T result = work.call();
        System.err.printf("  %-55s %.2f s%n", what, (System.nanoTime() - t0) / 1e9);
        return result;
    }

    static <T> T time(String what, Results r, Callable<T> work) throws Exception {
        long t0 = System.nanoTime();
        long c0 = cpuNanos();
        T result = work.call();
        r.put(what, String.format("%.2f s (CPU %.2f s)", (System.nanoTime() - t0) / 1e9, (cpuNanos() - c0) / 1e9));
        return result;
    }

    /** CPU time of the whole JVM (all threads, GC and JIT included): less disturbed by other load than wall time. */
    static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (java.io.IOException e) {
            return String.format("%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }

    /** Runs {@code work} three times; records the median and the three runs. */
    static void median3(String what, Results r, Callable<?> work) throws Exception {
        double[] s = new double[3];
        double[] cpu = new double[3];
        for (int i = 0; i < 3; i++) {
            long t0 = System.nanoTime();
            long c0 = cpuNanos();
            work.call();
            s[i] = (System.nanoTime() - t0) / 1e9;
            cpu[i] = (cpuNanos() - c0) / 1e9;
        }
        double[] sorted = s.clone();
        Arrays.sort(sorted);
        double[] cpuSorted = cpu.clone();
        Arrays.sort(cpuSorted);
        r.put(what, String.format("%.3f s (runs %.3f, %.3f, %.3f; CPU median %.3f s)", sorted[1], s[0], s[1], s[2],
                cpuSorted[1]));
    }

    static String heapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        long used = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                used += p.getUsage().getUsed();
            }
        }
        return used / (1024 * 1024) + " MiB";
    }

    static void resetPeak() {
        System.gc();
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    /** Sum of the heap pools' peaks: an upper bound of the heap in use at any moment. */
    static String peakHeap() {
        long peak = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                peak += p.getPeakUsage().getUsed();
            }
        }
        return "<= " + peak / (1024 * 1024) + " MiB (sum of pool peaks)";
    }

    /** A poor man's profiler: samples one thread's stack and counts frames. */
    static final class Sampler implements Runnable {
        private final Thread target;
        private final Map<String, Integer> self = new HashMap<>();
        private final Map<String, Integer> inclusive = new HashMap<>();
        private int samples;
        private volatile boolean running = true;

        private Sampler(Thread target) {
            this.target = target;
        }

        static Sampler start(Thread target) {
            Sampler s = new Sampler(target);
            Thread t = new Thread(s, "sampler");
            t.setDaemon(true);
            t.start();
            return s;
        }

        @Override
        public void run() {
            while (running) {
                StackTraceElement[] stack = target.getStackTrace();
                synchronized (this) {
                    if (stack.length > 0) {
                        samples++;
                        self.merge(frame(stack[0]), 1, Integer::sum);
                        java.util.Set<String> seen = new java.util.HashSet<>();
                        for (StackTraceElement e : stack) {
                            String f = frame(e);
                            if (seen.add(f)) {
                                inclusive.merge(f, 1, Integer::sum);
                            }
                        }
                    }
                }
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        private static String frame(StackTraceElement e) {
            return e.getClassName() + "." + e.getMethodName()
                    + (e.getClassName().startsWith("io.ferry") ? ":" + e.getLineNumber() : "");
        }

        synchronized void report(String phase) {
            System.err.println("--- profile: " + phase + " (" + samples + " samples of 10 ms) ---");
            print("self", self, 25);
            print("inclusive (io.ferry and org.h2 frames)", filter(inclusive), 40);
            samples = 0;
            self.clear();
            inclusive.clear();
        }

        private static Map<String, Integer> filter(Map<String, Integer> m) {
            Map<String, Integer> out = new HashMap<>();
            m.forEach((k, v) -> {
                if (k.startsWith("io.ferry") || k.startsWith("org.h2") || k.startsWith("com.fasterxml")) {
                    out.put(k, v);
                }
            });
            return out;
        }

        private void print(String title, Map<String, Integer> m, int top) {
            System.err.println("  " + title + ":");
            List<Map.Entry<String, Integer>> entries = new ArrayList<>(m.entrySet());
            entries.sort(Collections.reverseOrder(Map.Entry.comparingByValue()));
            for (Map.Entry<String, Integer> e : entries.subList(0, Math.min(top, entries.size()))) {
                System.err.printf("    %5.1f%%  %s%n", 100.0 * e.getValue() / Math.max(1, samples), e.getKey());
            }
        }

        void stop() {
            running = false;
        }
    }
}
