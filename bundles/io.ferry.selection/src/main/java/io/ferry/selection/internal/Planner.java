package io.ferry.selection.internal;

import io.ferry.api.FerryException;
import io.ferry.api.inventory.HostStorage;
import io.ferry.api.inventory.InventorySnapshot;
import io.ferry.api.inventory.OsFamily;
import io.ferry.api.inventory.Platform;
import io.ferry.api.inventory.PlatformHost;
import io.ferry.api.inventory.VirtualDisk;
import io.ferry.api.inventory.VirtualMachine;
import io.ferry.api.job.JobSpec;
import io.ferry.api.job.ServerChoice;
import io.ferry.api.selection.DiskDecision;
import io.ferry.api.selection.DecisionStatus;
import io.ferry.api.selection.GuestInteractionDecision;
import io.ferry.api.selection.Load;
import io.ferry.api.selection.Plan;
import io.ferry.api.selection.Scenario;
import io.ferry.api.selection.VmPlan;
import io.ferry.api.spi.DiskContext;
import io.ferry.api.spi.PlatformSupport;
import io.ferry.api.spi.VmContext;
import io.ferry.selection.internal.CandidateScan.VmScan;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

/**
 * The pure planner: (job, inventory snapshot, load, failed transport modes, plugins) to a
 * {@link Plan}, exactly as docs/selection.md describes. The same input always gives an equal
 * plan, whatever the executor and whatever order the plugins were registered in.
 *
 * <p>Two phases. {@link CandidateScan} asks the rules about (disk, proxy) pairs; that depends
 * on nothing but the pair, so large plans scan chunks of VMs in parallel on the executor.
 * {@link PlanDecider} chooses in job order with the load the plan adds as it goes: tiers and
 * ties for the guest interaction proxy, slots, waves, transport preference and ties for the
 * disks (see there). It is sequential, and runs on the calling thread while later chunks are
 * still being scanned.
 *
 * <p><b>How much explanation a plan carries.</b> Every decision could list every candidate
 * with every verdict, but for 30,000 disks over 500 proxies that is 15 million candidates
 * (gigabytes). So a plan whose decisions would carry at most {@code fullCandidateLimit}
 * candidates in total ({@value #DEFAULT_FULL_CANDIDATE_LIMIT} by default) is <em>full</em>:
 * every decision lists every candidate, eligible ones best first, then the others; planning
 * one VM is full unless it has hundreds of disks. A larger plan is <em>compact</em>:
 * ASSIGNED and WAITING_FOR_SLOT decisions list the chosen server and the next
 * {@value PlanDecider#RUNNER_UPS} eligible ones, with all their verdicts; CANNOT_PROCESS and
 * fallback decisions list every candidate until those lists hold {@code fullCandidateLimit}
 * candidates together, and the first {@value PlanDecider#CAPPED_CANDIDATES} after that. Their
 * reasons always summarise every candidate's failures. A compact plan says so in its warnings.
 *
 * <p><b>How a compact plan stays fast.</b> A full plan asks every rule about every pair. A
 * compact plan asks only what can change a choice, and makes exactly the choices a full plan
 * makes (a property test compares them): per pair, only the transport modes ranked before the
 * platform's last rank (direct storage access and virtual appliance for VMware; network, the
 * last, is available to nearly every proxy); the rules and the last-rank modes only for the
 * proxies that would enter the best few; guest interaction rules only for servers that would
 * enter the best few by tier, load and name. Proxies and servers are walked least loaded
 * first ({@link LoadOrder}), so the walk stops early. What remains is about two plugin calls
 * per (disk, proxy) pair, which is what the time of a large plan is made of: plugins should
 * answer cheaply (share immutable steps and verdicts, do not parse facts on every call).
 */
public final class Planner {
    public static final int DEFAULT_FULL_CANDIDATE_LIMIT = 200_000;
    /** Below this many VMs the scan runs on the calling thread: fanning out costs more than it saves. */
    static final int PARALLEL_FROM_VMS = 256;

    private final PluginSet plugins;
    private final int fullCandidateLimit;
    private final Optional<ExecutorService> executor;
    private final int parallelism;

    /** A sequential planner with the default explanation limit. */
    public Planner(PluginSet plugins) {
        this(plugins, DEFAULT_FULL_CANDIDATE_LIMIT, Optional.empty(), 1);
    }

    /**
     * @param fullCandidateLimit plans needing at most this many candidates in total are full (see above)
     * @param executor           runs the scan of large plans; empty for the calling thread only
     * @param parallelism        how many scan tasks to run at once on {@code executor}
     */
    public Planner(PluginSet plugins, int fullCandidateLimit, Optional<ExecutorService> executor, int parallelism) {
        this.plugins = Objects.requireNonNull(plugins, "plugins");
        this.fullCandidateLimit = fullCandidateLimit;
        this.executor = Objects.requireNonNull(executor, "executor");
        this.parallelism = Math.max(1, parallelism);
    }

    public Plan plan(JobSpec job, InventorySnapshot inventory, Load load, Set<String> failedTransportModes) {
        Objects.requireNonNull(job, "job");
        Objects.requireNonNull(inventory, "inventory");
        Objects.requireNonNull(load, "load");
        Set<String> failed = failedTransportModes.stream().map(Scenario::transportModeId)
                .collect(Collectors.toCollection(TreeSet::new));
        ServerTable servers = new ServerTable(inventory, load);
        CandidateEvaluator eval = new CandidateEvaluator(job, servers, plugins, failed);
        List<String> warnings = new ArrayList<>();
        List<PlannedVm> vms = resolve(job, inventory, servers, warnings);
        warnAboutJobLists(job, servers, warnings);
        Set<Platform> unserved = unservedPlatforms(vms, warnings);
        warnAboutSeveralSupports(vms, warnings);

        boolean guest = job.guestProcessing().enabled();
        long needed = candidatesNeeded(vms, eval, guest);
        boolean full = needed <= fullCandidateLimit;
        PlanDecider decider = new PlanDecider(servers, eval, full, fullCandidateLimit);
        List<VmPlan> plans = scanAndDecide(vms, eval, servers, full, guest, decider);
        if (!full) {
            warnings.add("Compact explanation: this plan would list " + needed + " candidates (more than "
                    + fullCandidateLimit + "), so ASSIGNED and WAITING_FOR_SLOT decisions list the chosen server and"
                    + " the next " + PlanDecider.RUNNER_UPS + " eligible ones; CANNOT_PROCESS and fallback decisions"
                    + " list every candidate" + (decider.capped() ? " up to that limit, then the first "
                    + PlanDecider.CAPPED_CANDIDATES : "") + ". Plan a single VM to see every candidate.");
        }
        return new Plan(job.name(), plans, unserved, warnings);
    }

    private VmPlan decide(PlannedVm vm, VmScan scan, PlanDecider decider, boolean guest) {
        String unserved = vm.served() ? "" : unservedReason(vm.platform());
        GuestInteractionDecision gi = guest ? decider.guest(vm, scan, unserved) : decider.notRequired();
        List<DiskDecision> disks = new ArrayList<>(vm.disks().size());
        for (int d = 0; d < vm.disks().size(); d++) {
            DiskContext disk = vm.disks().get(d);
            if (vm.problem().isPresent()) {
                disks.add(decider.unplannable(disk, DecisionStatus.CANNOT_PROCESS, vm.problem().get()));
            } else if (!vm.served()) {
                disks.add(decider.unplannable(disk, DecisionStatus.PLATFORM_UNSERVED, unserved));
            } else {
                disks.add(decider.disk(vm, disk, scan.disks[d]));
                scan.disks[d] = null;
            }
        }
        return new VmPlan(vm.name(), vm.platform(), vm.hostName(), gi, disks);
    }

    static String unservedReason(Platform platform) {
        return "No installed plugin serves " + platform + "; install one (e.g. bundle io.ferry.plugin."
                + platform.name().toLowerCase(Locale.ROOT) + ") to back up this VM";
    }

    // --- resolving the job against the snapshot -----------------------------------------------

    private List<PlannedVm> resolve(JobSpec job, InventorySnapshot inventory, ServerTable servers,
            List<String> warnings) {
        Map<String, VirtualMachine> vmsByKey = new HashMap<>(inventory.vms().size() * 2);
        for (VirtualMachine vm : inventory.vms()) {
            vmsByKey.putIfAbsent(vm.name().toLowerCase(Locale.ROOT), vm);
        }
        Map<String, PlatformHost> hosts = new HashMap<>();
        inventory.hosts().forEach(h -> hosts.putIfAbsent(h.name().toLowerCase(Locale.ROOT), h));
        NetworkOverlap networks = new NetworkOverlap(servers);
        StorageIndex storageIndex = new StorageIndex();
        Map<Platform, Optional<PlatformSupport>> supports = new EnumMap<>(Platform.class);
        List<PlannedVm> out = new ArrayList<>(job.vms().size());
        List<String> missing = new ArrayList<>();
        List<String> otherPlatform = new ArrayList<>();
        for (String name : job.vms()) {
            VirtualMachine vm = vmsByKey.get(name.strip().toLowerCase(Locale.ROOT));
            if (vm == null) {
                vm = inventory.vms().stream().filter(v -> v.id().equalsIgnoreCase(name.strip())).findFirst().orElse(null);
            }
            if (vm == null) {
                missing.add(name);
                continue;
            }
            PlatformHost host = hosts.get(vm.spec().host().toLowerCase(Locale.ROOT));
            Platform platform = host == null ? job.platform() : host.kind().platform();
            if (platform != job.platform()) {
                otherPlatform.add(vm.name() + " (" + platform + ")");
            }
            Optional<PlatformSupport> support = supports.computeIfAbsent(platform, plugins::support);
            out.add(plannedVm(job, inventory, vm, host, hosts, platform, support, networks, storageIndex));
        }
        if (!missing.isEmpty()) {
            warnings.add("Job '" + job.name() + "' names VM(s) not in the inventory, left out of the plan: "
                    + String.join(", ", missing));
        }
        if (!otherPlatform.isEmpty()) {
            warnings.add("Job '" + job.name() + "' is a " + job.platform() + " job but these VMs run on another"
                    + " platform and are planned for it: " + String.join(", ", otherPlatform));
        }
        return out;
    }

    private static PlannedVm plannedVm(JobSpec job, InventorySnapshot inventory, VirtualMachine vm, PlatformHost host,
            Map<String, PlatformHost> hosts, Platform platform, Optional<PlatformSupport> support,
            NetworkOverlap networks, StorageIndex storageIndex) {
        boolean windows = vm.spec().guestOs().family() == OsFamily.WINDOWS;
        boolean gmsa = vm.spec().credentials().map(c -> c.gmsa()).orElse(false);
        BitSet same = networks.serversSharing(vm.spec().networks());
        if (host == null) {
            return new PlannedVm(vm, platform, support, Optional.empty(), List.of(), Optional.of("VM '" + vm.name()
                    + "' runs on host '" + vm.spec().host() + "', which is not in the inventory"), windows, gmsa, same);
        }
        Optional<PlatformHost> parent = host.spec().parent().map(p -> hosts.get(p.toLowerCase(Locale.ROOT)));
        VmContext context = new VmContext(job, vm, host, parent, inventory);
        List<DiskContext> disks = new ArrayList<>(vm.spec().disks().size());
        for (VirtualDisk disk : vm.spec().disks()) {
            disks.add(new DiskContext(context, disk, storage(disk, host, parent, storageIndex)));
        }
        return new PlannedVm(vm, platform, support, Optional.of(context), disks, Optional.empty(), windows, gmsa, same);
    }

    /** The storage holding a disk, declared on its host or the host's parent (vCenter, cluster). */
    private static Optional<HostStorage> storage(VirtualDisk disk, PlatformHost host, Optional<PlatformHost> parent,
            StorageIndex index) {
        if (disk.storage().isEmpty()) {
            return Optional.empty();
        }
        String name = disk.storage().get();
        return index.find(host, name).or(() -> parent.flatMap(p -> index.find(p, name)));
    }

    /** Each host's storage by lower-case name, built on first use, shared per plan. */
    private static final class StorageIndex {
        private final Map<PlatformHost, Map<String, Optional<HostStorage>>> byHost = new java.util.IdentityHashMap<>();

        Optional<HostStorage> find(PlatformHost host, String name) {
            Map<String, Optional<HostStorage>> storage = byHost.computeIfAbsent(host, h -> {
                Map<String, Optional<HostStorage>> m = new HashMap<>();
                h.spec().storage().forEach(st -> m.put(st.name().toLowerCase(Locale.ROOT), Optional.of(st)));
                return m;
            });
            return storage.getOrDefault(name.toLowerCase(Locale.ROOT), Optional.empty());
        }
    }

    private static void warnAboutJobLists(JobSpec job, ServerTable servers, List<String> warnings) {
        unknown(job.proxies(), servers).ifPresent(names -> warnings.add("Job '" + job.name()
                + "' lists backup proxies that are not in the inventory: " + names));
        unknown(job.guestProcessing().guestProxies(), servers).ifPresent(names -> warnings.add("Job '" + job.name()
                + "' prefers guest interaction proxies that are not in the inventory: " + names));
    }

    private static Optional<String> unknown(ServerChoice choice, ServerTable servers) {
        List<String> unknown = choice.servers().stream().filter(s -> servers.find(s).isEmpty()).toList();
        return unknown.isEmpty() ? Optional.empty() : Optional.of(String.join(", ", unknown));
    }

    private static Set<Platform> unservedPlatforms(List<PlannedVm> vms, List<String> warnings) {
        Map<Platform, List<String>> byPlatform = new EnumMap<>(Platform.class);
        for (PlannedVm vm : vms) {
            if (vm.problem().isEmpty() && vm.support().isEmpty()) {
                byPlatform.computeIfAbsent(vm.platform(), p -> new ArrayList<>()).add(vm.name());
            }
        }
        byPlatform.forEach((platform, names) -> warnings.add("No installed plugin serves " + platform + ": "
                + names.size() + " VM(s) cannot be backed up (" + String.join(", ", names.subList(0,
                Math.min(5, names.size()))) + (names.size() > 5 ? ", ..." : "") + "); install a plugin for "
                + platform + " (e.g. bundle io.ferry.plugin." + platform.name().toLowerCase(Locale.ROOT) + ")"));
        return byPlatform.keySet();
    }

    private void warnAboutSeveralSupports(List<PlannedVm> vms, List<String> warnings) {
        vms.stream().map(PlannedVm::platform).distinct().sorted().forEach(platform -> {
            List<PlatformSupport> all = plugins.supports(platform);
            if (all.size() > 1) {
                warnings.add("Several plugins serve " + platform + " (" + all.stream().map(PlatformSupport::name)
                        .collect(Collectors.joining(", ")) + "); the plan uses " + all.get(0).name());
            }
        });
    }

    private static long candidatesNeeded(List<PlannedVm> vms, CandidateEvaluator eval, boolean guest) {
        long n = 0;
        for (PlannedVm vm : vms) {
            if (!vm.served()) {
                continue;
            }
            n += guest ? eval.guestCandidates().length : 0;
            n += (long) vm.disks().size() * eval.platform(vm.platform()).proxyCandidates().length;
        }
        return n;
    }

    // --- the two phases, pipelined when large --------------------------------------------------

    /**
     * Scans and decides every VM. A large plan scans chunks of VMs on the executor while this
     * thread decides, in job order, the VMs of every chunk already scanned: deciding is
     * sequential, so it overlaps with the scan instead of following it.
     */
    private List<VmPlan> scanAndDecide(List<PlannedVm> vms, CandidateEvaluator eval, ServerTable servers,
            boolean full, boolean guest, PlanDecider decider) {
        List<VmPlan> plans = new ArrayList<>(vms.size());
        if (executor.isEmpty() || parallelism == 1 || vms.size() < PARALLEL_FROM_VMS) {
            for (PlannedVm vm : vms) {
                plans.add(decide(vm, CandidateScan.scan(vm, eval, servers, full, guest), decider, guest));
            }
            return plans;
        }
        VmScan[] scans = new VmScan[vms.size()];
        int size = Math.max(16, vms.size() / (parallelism * 16));
        List<Future<?>> chunks = new ArrayList<>();
        try {
            for (int from = 0; from < vms.size(); from += size) {
                int start = from;
                int end = Math.min(vms.size(), from + size);
                chunks.add(executor.get().submit(() -> scanRange(vms, eval, servers, full, guest, scans, start, end)));
            }
            for (int c = 0; c < chunks.size(); c++) {
                await(chunks.get(c));
                for (int v = c * size; v < Math.min(vms.size(), (c + 1) * size); v++) {
                    plans.add(decide(vms.get(v), scans[v], decider, guest));
                    scans[v] = null; // let the scan of a decided VM go
                }
            }
        } finally {
            chunks.forEach(f -> f.cancel(true));
        }
        return plans;
    }

    private static void await(Future<?> chunk) {
        try {
            chunk.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FerryException("Planning was interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new FerryException("Planning failed: " + e.getCause(), e.getCause());
        }
    }

    private static void scanRange(List<PlannedVm> vms, CandidateEvaluator eval, ServerTable servers, boolean full,
            boolean guest, VmScan[] out, int from, int to) {
        for (int v = from; v < to; v++) {
            out[v] = CandidateScan.scan(vms.get(v), eval, servers, full, guest);
        }
    }
}
