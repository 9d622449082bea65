import io.ferry.api.inventory.Cidr;
import io.ferry.api.inventory.DiskFormat;
import io.ferry.api.inventory.GuestCredentials;
import io.ferry.api.inventory.HostKind;
import io.ferry.api.inventory.HostSpec;
import io.ferry.api.inventory.HostStorage;
import io.ferry.api.inventory.InventorySnapshot;
import io.ferry.api.inventory.ManagedServer;
import io.ferry.api.inventory.OsInfo;
import io.ferry.api.inventory.Platform;
import io.ferry.api.inventory.PlatformHost;
import io.ferry.api.inventory.RoleType;
import io.ferry.api.inventory.ServerFacts;
import io.ferry.api.inventory.ServerRole;
import io.ferry.api.inventory.ServerSpec;
import io.ferry.api.inventory.StorageKind;
import io.ferry.api.inventory.VirtualDisk;
import io.ferry.api.inventory.VirtualMachine;
import io.ferry.api.inventory.VmSpec;
import io.ferry.api.job.GuestProcessing;
import io.ferry.api.job.JobSpec;
import io.ferry.api.job.ServerChoice;
import io.ferry.api.job.TransportChoice;
import io.ferry.api.selection.DecisionStatus;
import io.ferry.api.selection.DiskDecision;
import io.ferry.api.selection.Load;
import io.ferry.api.selection.Plan;
import io.ferry.api.selection.RuleVerdict;
import io.ferry.api.selection.TransportStep;
import io.ferry.api.spi.DiskContext;
import io.ferry.api.spi.GuestInteractionRule;
import io.ferry.api.spi.PlatformSupport;
import io.ferry.api.spi.ProxyRule;
import io.ferry.api.spi.TransportModeProvider;
import io.ferry.api.spi.VmContext;
import io.ferry.selection.internal.Planner;
import io.ferry.selection.internal.PluginSet;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Selection planner benchmark: builds an inventory in memory (default 10,000 VMs with
 * 30,000 disks, 500 VMware proxies in 20 networks, 50 ESXi hosts), registers simple
 * plugin implementations written here (a VMware-like platform support, direct storage
 * access / virtual appliance / network modes, one guest interaction rule, one proxy rule),
 * and times the real planner (io.ferry.selection.internal.Planner) on the whole job.
 *
 * <p>A plan of this size asks the plugins about 60 million questions (every disk x every
 * proxy x its rules and transport modes until one is available), so their cost per call
 * decides the time. The default plugins are written for that: immutable steps and verdicts
 * are shared per datastore or host instead of built per call. {@code --naive-plugins 1}
 * uses versions that build every reason string and split facts on every call.
 * A benchmark, never a test: it prints numbers and asserts nothing about time.
 *
 * <pre>java -Xmx256m -cp &lt;io.ferry.api.jar&gt;:&lt;io.ferry.selection.jar&gt; bench/selection/PlannerBench.java \
 *     [--vms N] [--disks-per-vm N] [--proxies N] [--networks N] [--hosts N] [--threads N] [--runs N] [--seed N]
 *     [--naive-plugins 0|1]</pre>
 */
public class PlannerBench {

    public static void main(String[] args) throws Exception {
        Map<String, Integer> o = options(args);
        int vms = o.get("vms"), disksPerVm = o.get("disks-per-vm"), proxies = o.get("proxies"),
                networks = o.get("networks"), hosts = o.get("hosts"), threads = o.get("threads"), runs = o.get("runs");
        long seed = o.get("seed");
        boolean naive = o.get("naive-plugins") != 0;

        long heap0 = heapAfterGc();
        Inventory inv = build(new Random(seed), vms, disksPerVm, proxies, networks, hosts);
        long heapInventory = heapAfterGc();
        PluginSet plugins = naive
                ? PluginSet.builder().platform(new VmwareSupport()).transport(new Direct()).transport(new HotAdd())
                        .transport(new Network()).guestRule(new LanOrVix()).proxyRule(new NotInMaintenance()).build()
                : PluginSet.builder().platform(new VmwareSupport()).transport(new CarefulDirect())
                        .transport(new CarefulHotAdd()).transport(new CarefulNetwork()).guestRule(new CarefulLanOrVix())
                        .proxyRule(new CarefulNotInMaintenance()).build();
        ExecutorService pool = threads > 1 ? Executors.newFixedThreadPool(threads) : null;
        Planner planner = new Planner(plugins, Planner.DEFAULT_FULL_CANDIDATE_LIMIT, Optional.ofNullable(pool), threads);

        System.out.printf("inventory: %d VMs, %d disks, %d servers (%d VMware proxies + backup server), %d networks,"
                + " %d ESXi hosts; heap for it %d MiB%n", vms, vms * disksPerVm, inv.snapshot.servers().size(), proxies,
                networks, hosts, mib(heapInventory - heap0));
        System.out.printf("machine: %d processors, max heap %d MiB, planner threads %d, load average at start %.2f%n",
                Runtime.getRuntime().availableProcessors(), mib(Runtime.getRuntime().maxMemory()), threads,
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        System.out.println("plugins: " + (naive ? "naive (build every reason string, split facts on every call)"
                : "careful (share immutable steps and verdicts per datastore / host, no per-call parsing)"));

        measure("plan(job: every VM, application-aware guest processing)", runs, () ->
                planner.plan(inv.job, inv.snapshot, inv.load, Set.of()), heapInventory);
        measure("plan(same job, fail-transport virtual-appliance)", runs, () ->
                planner.plan(inv.job, inv.snapshot, inv.load, Set.of("virtual-appliance")), heapInventory);
        JobSpec one = new JobSpec("one", Platform.VMWARE, List.of(inv.job.vms().get(0)), "bs", ServerChoice.AUTOMATIC,
                TransportChoice.AUTOMATIC, inv.job.guestProcessing(), false);
        measure("plan(one VM: full explanation, every candidate)", Math.max(runs, 20), () ->
                planner.plan(one, inv.snapshot, inv.load, Set.of()), heapInventory);
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    interface Run {
        Plan run();
    }

    static void measure(String what, int runs, Run run, long heapBefore) {
        for (int i = 0; i < 2; i++) {
            run.run(); // warm-up
        }
        heapAfterGc();
        resetPeaks();
        long[] ms = new long[runs];
        long[] cpu = new long[runs];
        long gc0 = gcMillis();
        long gcCount0 = gcCount();
        Plan plan = null;
        for (int i = 0; i < runs; i++) {
            plan = null;
            long c0 = cpuNanos();
            long t0 = System.nanoTime();
            plan = run.run();
            ms[i] = (System.nanoTime() - t0) / 1_000_000;
            cpu[i] = (cpuNanos() - c0) / 1_000_000;
        }
        long gc = gcMillis() - gc0;
        long gcs = gcCount() - gcCount0;
        long peak = peakHeap();
        long retained = heapAfterGc() - heapBefore;
        long[] sorted = ms.clone();
        Arrays.sort(sorted);
        Map<DecisionStatus, Integer> statuses = new EnumMap<>(DecisionStatus.class);
        Map<String, Integer> modes = new HashMap<>();
        long candidates = 0;
        for (DiskDecision d : plan.disks()) {
            statuses.merge(d.status(), 1, Integer::sum);
            d.transportMode().ifPresent(m -> modes.merge(m, 1, Integer::sum));
            candidates += d.candidates().size();
        }
        int waves = plan.disks().stream().mapToInt(DiskDecision::wave).max().orElse(0);
        System.out.printf("%n%s%n", what);
        long[] cpuSorted = cpu.clone();
        Arrays.sort(cpuSorted);
        System.out.printf("  wall: median %d ms, min %d ms, max %d ms over %d runs (runs: %s)%n", sorted[runs / 2],
                sorted[0], sorted[runs - 1], runs, Arrays.toString(ms));
        System.out.printf("  CPU of the planning threads: median %d ms, min %d ms (runs: %s); GC: %d collections,"
                + " %d ms in all runs%n", cpuSorted[runs / 2], cpuSorted[0], Arrays.toString(cpu), gcs, gc);
        System.out.printf("  heap: peak used during the runs %d MiB (inventory included), retained by one plan %d MiB%n",
                mib(peak), mib(retained));
        System.out.printf("  plan: %d VMs, %d disk decisions %s, modes %s, last wave %d, %d candidates listed, %s%n",
                plan.vms().size(), plan.disks().size(), statuses, modes, waves, candidates,
                plan.warnings().stream().anyMatch(w -> w.startsWith("Compact")) ? "compact explanation" : "full explanation");
        if (plan != null && plan.disks().size() < 10) {
            System.out.println("  first disk: " + plan.disks().get(0).reason());
        }
    }

    // --- the inventory -----------------------------------------------------------------------

    record Inventory(InventorySnapshot snapshot, JobSpec job, Load load) {
    }

    static Inventory build(Random r, int nVms, int disksPerVm, int nProxies, int nNetworks, int nHosts) {
        List<Cidr> nets = new ArrayList<>();
        for (int n = 0; n < nNetworks; n++) {
            nets.add(Cidr.of("10." + n + ".0.0/16"));
        }
        List<PlatformHost> hosts = new ArrayList<>();
        for (int h = 0; h < nHosts; h++) {
            List<HostStorage> ds = new ArrayList<>();
            for (int d = 0; d < 10; d++) {
                ds.add(new HostStorage("ds-" + h + "-" + d, StorageKind.VMFS, false));
            }
            hosts.add(new PlatformHost("host-" + h, 1, new HostSpec(String.format("esx-%03d", h), HostKind.ESXI,
                    "10.250." + (h / 250) + "." + (h % 250 + 1), Optional.empty(), Optional.of("8.0u2"),
                    Optional.empty(), Optional.empty(), ds)));
        }
        List<ManagedServer> servers = new ArrayList<>();
        servers.add(new ManagedServer("id-bs", 1, ServerSpec.builder("bs", "10.0.0.1").networks(List.of(nets.get(0)))
                .build(), List.of(ServerRole.of(RoleType.BACKUP_SERVER), ServerRole.of(RoleType.GUEST_INTERACTION))));
        Map<String, Integer> running = new HashMap<>();
        for (int p = 0; p < nProxies; p++) {
            String name = String.format("px-%03d", p);
            boolean windows = r.nextInt(10) < 3;
            ServerSpec.Builder b = ServerSpec.builder(name, "10.251." + (p / 250) + "." + (p % 250 + 1))
                    .os(windows ? OsInfo.windows("server", "2022") : OsInfo.linux("ubuntu", "24.04"))
                    .networks(List.of(nets.get(p % nNetworks))).maxConcurrentTasks(4 + r.nextInt(13));
            int host = r.nextInt(nHosts);
            if (r.nextInt(5) == 0) { // a SAN-attached proxy reading two datastores of one host
                b.fact(ServerFacts.SAN_ACCESS, "ds-" + host + "-0,ds-" + host + "-1");
            } else if (r.nextInt(2) == 0) { // a proxy VM on an ESXi host (hot-add)
                b.fact(ServerFacts.VMWARE_HOST, String.format("esx-%03d", host));
            }
            if (r.nextInt(50) == 0) {
                b.fact("maintenance", "true");
            }
            servers.add(new ManagedServer("id-" + name, 1, b.build(), List.of(ServerRole.of(RoleType.VMWARE_PROXY),
                    ServerRole.of(RoleType.GUEST_INTERACTION))));
            if (r.nextInt(10) == 0) {
                running.put(name, 1 + r.nextInt(3));
            }
        }
        List<VirtualMachine> vms = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int v = 0; v < nVms; v++) {
            String name = String.format("vm-%05d", v);
            int host = r.nextInt(nHosts);
            List<VirtualDisk> disks = new ArrayList<>();
            for (int d = 0; d < disksPerVm; d++) {
                disks.add(new VirtualDisk("scsi0:" + d, (20L + r.nextInt(200)) << 30, DiskFormat.VMDK,
                        "/vmfs/volumes/ds-" + host + "/" + name + "/" + name + "_" + d + ".vmdk",
                        Optional.of("ds-" + host + "-" + r.nextInt(10))));
            }
            boolean windows = r.nextInt(10) < 4;
            Optional<GuestCredentials> creds = windows && r.nextInt(20) == 0
                    ? Optional.of(new GuestCredentials("CORP\\svc-backup$", true)) : Optional.empty();
            vms.add(new VirtualMachine("vm-id-" + v, 1, new VmSpec(name, String.format("esx-%03d", host),
                    windows ? OsInfo.windows("server", "2019") : OsInfo.linux("rhel", "8.8"),
                    List.of(nets.get(r.nextInt(nNetworks))), disks, creds, false)));
            names.add(name);
        }
        JobSpec job = new JobSpec("bench", Platform.VMWARE, names, "bs", ServerChoice.AUTOMATIC,
                TransportChoice.AUTOMATIC, new GuestProcessing(true, false, false, ServerChoice.AUTOMATIC), false);
        return new Inventory(new InventorySnapshot(servers, hosts, vms), job, new Load(running));
    }

    // --- simple plugins, as a platform plugin would write them ---------------------------------

    static final class VmwareSupport implements PlatformSupport {
        public Platform platform() { return Platform.VMWARE; }
        public String name() { return "bench VMware"; }
        public RoleType proxyRole() { return RoleType.VMWARE_PROXY; }
    }

    static final class Direct implements TransportModeProvider {
        public Platform platform() { return Platform.VMWARE; }
        public String mode() { return "direct-storage-access"; }
        public int preference() { return 10; }
        public TransportStep evaluate(ManagedServer proxy, DiskContext disk) {
            String ds = disk.disk().storage().orElse("");
            String san = proxy.spec().facts().get(ServerFacts.SAN_ACCESS);
            if (san != null && Arrays.asList(san.split(",")).contains(ds)) {
                return TransportStep.ok(mode(), "reads datastore " + ds + " over SAN");
            }
            return TransportStep.unavailable(mode(), "no SAN access to datastore " + ds);
        }
    }

    static final class HotAdd implements TransportModeProvider {
        public Platform platform() { return Platform.VMWARE; }
        public String mode() { return "virtual-appliance"; }
        public int preference() { return 20; }
        public TransportStep evaluate(ManagedServer proxy, DiskContext disk) {
            String host = disk.vm().host().name();
            return host.equals(proxy.spec().facts().get(ServerFacts.VMWARE_HOST))
                    ? TransportStep.ok(mode(), "proxy VM on " + host + " hot-adds the disk")
                    : TransportStep.unavailable(mode(), "proxy is not a VM on ESXi host " + host);
        }
    }

    static final class Network implements TransportModeProvider {
        public Platform platform() { return Platform.VMWARE; }
        public String mode() { return "network"; }
        public int preference() { return 30; }
        public TransportStep evaluate(ManagedServer proxy, DiskContext disk) {
            return TransportStep.ok(mode(), "reads through the management network of " + disk.vm().host().name());
        }
    }

    static final class LanOrVix implements GuestInteractionRule {
        public String name() { return "vmware-lan-or-vix"; }
        public Optional<Platform> platform() { return Optional.of(Platform.VMWARE); }
        public RuleVerdict evaluate(ManagedServer candidate, VmContext vm) {
            return "false".equals(candidate.spec().facts().get("vix"))
                    ? RuleVerdict.fail(name(), "no LAN or VIX connection to " + vm.vm().name(), "001_7a67f23d89d19bc8.txt")
                    : RuleVerdict.pass(name(), "LAN connection", "001_7a67f23d89d19bc8.txt");
        }
    }

    static final class NotInMaintenance implements ProxyRule {
        public String name() { return "proxy-not-in-maintenance"; }
        public Optional<Platform> platform() { return Optional.empty(); }
        public RuleVerdict evaluate(ManagedServer candidate, DiskContext disk) {
            return candidate.spec().factIsTrue("maintenance")
                    ? RuleVerdict.fail(name(), "server " + candidate.name() + " is in maintenance", "")
                    : RuleVerdict.pass(name(), "not in maintenance", "");
        }
    }

    // --- the same plugins written for scale: immutable steps and verdicts are shared ----------

    /** Steps and verdicts are immutable records: a plugin may hand out the same instance again. */
    static final class Shared<T> {
        private final java.util.concurrent.ConcurrentHashMap<String, T> cache = new java.util.concurrent.ConcurrentHashMap<>();
        private final java.util.function.Function<String, T> make;

        Shared(java.util.function.Function<String, T> make) {
            this.make = make;
        }

        T get(String key) {
            T t = cache.get(key);
            return t != null ? t : cache.computeIfAbsent(key, make);
        }
    }

    /** True if the comma-separated {@code list} holds {@code name}, without splitting it. */
    static boolean listed(String list, String name) {
        int from = 0;
        while (true) {
            int at = list.indexOf(name, from);
            if (at < 0) {
                return false;
            }
            int end = at + name.length();
            if ((at == 0 || list.charAt(at - 1) == ',') && (end == list.length() || list.charAt(end) == ',')) {
                return true;
            }
            from = at + 1;
        }
    }

    static final class CarefulDirect implements TransportModeProvider {
        private final Shared<TransportStep> ok = new Shared<>(ds -> TransportStep.ok("direct-storage-access",
                "reads datastore " + ds + " over SAN"));
        private final Shared<TransportStep> no = new Shared<>(ds -> TransportStep.unavailable("direct-storage-access",
                "no SAN access to datastore " + ds));
        public Platform platform() { return Platform.VMWARE; }
        public String mode() { return "direct-storage-access"; }
        public int preference() { return 10; }
        public TransportStep evaluate(ManagedServer proxy, DiskContext disk) {
            String ds = disk.disk().storage().orElse("");
            String san = proxy.spec().facts().get(ServerFacts.SAN_ACCESS);
            return san != null && listed(san, ds) ? ok.get(ds) : no.get(ds);
        }
    }

    static final class CarefulHotAdd implements TransportModeProvider {
        private final Shared<TransportStep> ok = new Shared<>(h -> TransportStep.ok("virtual-appliance",
                "proxy VM on " + h + " hot-adds the disk"));
        private final Shared<TransportStep> no = new Shared<>(h -> TransportStep.unavailable("virtual-appliance",
                "proxy is not a VM on ESXi host " + h));
        public Platform platform() { return Platform.VMWARE; }
        public String mode() { return "virtual-appliance"; }
        public int preference() { return 20; }
        public TransportStep evaluate(ManagedServer proxy, DiskContext disk) {
            String host = disk.vm().host().name();
            return host.equals(proxy.spec().facts().get(ServerFacts.VMWARE_HOST)) ? ok.get(host) : no.get(host);
        }
    }

    static final class CarefulNetwork implements TransportModeProvider {
        private final Shared<TransportStep> ok = new Shared<>(h -> TransportStep.ok("network",
                "reads through the management network of " + h));
        public Platform platform() { return Platform.VMWARE; }
        public String mode() { return "network"; }
        public int preference() { return 30; }
        public TransportStep evaluate(ManagedServer proxy, DiskContext disk) {
            return ok.get(disk.vm().host().name());
        }
    }

    static final class CarefulLanOrVix implements GuestInteractionRule {
        private static final RuleVerdict LAN = RuleVerdict.pass("vmware-lan-or-vix", "LAN connection",
                "001_7a67f23d89d19bc8.txt");
        public String name() { return "vmware-lan-or-vix"; }
        public Optional<Platform> platform() { return Optional.of(Platform.VMWARE); }
        public RuleVerdict evaluate(ManagedServer candidate, VmContext vm) {
            return "false".equals(candidate.spec().facts().get("vix"))
                    ? RuleVerdict.fail(name(), "no LAN or VIX connection to " + vm.vm().name(), "001_7a67f23d89d19bc8.txt")
                    : LAN;
        }
    }

    static final class CarefulNotInMaintenance implements ProxyRule {
        private static final RuleVerdict OK = RuleVerdict.pass("proxy-not-in-maintenance", "not in maintenance", "");
        private final Shared<RuleVerdict> fail = new Shared<>(server -> RuleVerdict.fail("proxy-not-in-maintenance",
                "server " + server + " is in maintenance", ""));
        public String name() { return "proxy-not-in-maintenance"; }
        public Optional<Platform> platform() { return Optional.empty(); }
        public RuleVerdict evaluate(ManagedServer candidate, DiskContext disk) {
            return "true".equals(candidate.spec().facts().get("maintenance")) ? fail.get(candidate.name()) : OK;
        }
    }

    // --- measuring ---------------------------------------------------------------------------

    static Map<String, Integer> options(String[] args) {
        Map<String, Integer> o = new HashMap<>(Map.of("vms", 10_000, "disks-per-vm", 3, "proxies", 500, "networks", 20,
                "hosts", 50, "threads", Runtime.getRuntime().availableProcessors(), "runs", 7, "seed", 20261123,
                "naive-plugins", 0));
        for (int i = 0; i + 1 < args.length; i += 2) {
            String k = args[i].replaceFirst("^--", "");
            if (!o.containsKey(k)) {
                throw new IllegalArgumentException("unknown option " + args[i] + "; known: " + o.keySet());
            }
            o.put(k, Integer.parseInt(args[i + 1]));
        }
        return o;
    }

    /** CPU time of every live thread of this JVM (the main thread and the planner pool). */
    static long cpuNanos() {
        java.lang.management.ThreadMXBean t = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (long id : t.getAllThreadIds()) {
            long c = t.getThreadCpuTime(id);
            sum += Math.max(0, c);
        }
        return sum;
    }

    static long gcMillis() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(g -> Math.max(0, g.getCollectionTime()))
                .sum();
    }

    static long gcCount() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(g -> Math.max(0, g.getCollectionCount()))
                .sum();
    }

    static long heapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return heapUsed();
    }

    static long heapUsed() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                .mapToLong(p -> p.getUsage().getUsed()).sum();
    }

    static void resetPeaks() {
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    /** Sum of the heap pools' peaks: an upper bound of the peak heap use (pools peak at different times). */
    static long peakHeap() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                .mapToLong(p -> p.getPeakUsage().getUsed()).sum();
    }

    static long mib(long bytes) {
        return bytes / (1024 * 1024);
    }
}
