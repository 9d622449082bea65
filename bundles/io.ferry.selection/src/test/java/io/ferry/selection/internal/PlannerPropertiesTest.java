package io.ferry.selection.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import io.ferry.api.selection.Candidate;
import io.ferry.api.selection.DecisionStatus;
import io.ferry.api.selection.DiskDecision;
import io.ferry.api.selection.GuestInteractionDecision;
import io.ferry.api.selection.Load;
import io.ferry.api.selection.Plan;
import io.ferry.api.selection.RuleVerdict;
import io.ferry.api.selection.TransportStep;
import io.ferry.api.selection.VmPlan;
import io.ferry.api.spi.PlatformSupport;
import io.ferry.selection.internal.TestPlugins.GuestRule;
import io.ferry.selection.internal.TestPlugins.Mode;
import io.ferry.selection.internal.TestPlugins.Rule;
import io.ferry.selection.internal.TestPlugins.Support;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Properties over many generated inventories (seeded, so a failure is reproducible: the
 * message names the case's seed).
 */
class PlannerPropertiesTest {
    private static final long SEED = 20261123L;
    private static final int CASES = 250;
    private static final List<String> NETWORKS = List.of("10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24", "10.1.0.0/16",
            "10.0.0.0/8");
    private static ExecutorService pool;

    @BeforeAll
    static void start() {
        pool = Executors.newFixedThreadPool(3);
    }

    @AfterAll
    static void stop() {
        pool.shutdownNow();
    }

    record Case(long seed, InventorySnapshot inventory, JobSpec job, Load load, Set<String> failed) {
    }

    /** A proxy rule failing for about one in five (server, disk) pairs, deterministically. */
    static final Rule PICKY = new Rule("picky", Optional.empty(), (s, d) ->
            Math.floorMod((s.name() + "/" + d.vm().vm().name() + "/" + d.disk().label()).hashCode(), 5) == 0
                    ? RuleVerdict.fail("picky", "unlucky pair", "") : RuleVerdict.pass("picky", "ok", ""));

    /** A guest rule failing for about one in seven (server, VM) pairs. */
    static final GuestRule LAN = new GuestRule("lan", Optional.empty(), (s, vm) ->
            Math.floorMod((s.name() + "/" + vm.vm().name()).hashCode(), 7) == 0
                    ? RuleVerdict.fail("lan", "no LAN connection", "") : RuleVerdict.pass("lan", "LAN", ""));

    static final PlatformSupport HYPERV = new Support(Platform.HYPERV, "hyper-v", RoleType.HYPERV_OFFHOST_PROXY,
            d -> d.vm().host().spec().managedServer().isPresent()
                    ? Optional.of(new PlatformSupport.Fallback(d.vm().host().spec().managedServer().get(),
                            new TransportStep("hyperv-on-host", true, "on-host backup", true)))
                    : Optional.empty());

    static final Mode OFF_HOST = new Mode(Platform.HYPERV, "hyperv-off-host", 10, (p, d) ->
            p.spec().factIsTrue("offhost.ok") ? TransportStep.ok("hyperv-off-host", "SAN")
                    : TransportStep.unavailable("hyperv-off-host", "no SAN access"));

    static List<Object> pluginObjects() {
        return List.of(new Support(Platform.VMWARE, RoleType.VMWARE_PROXY), TestPlugins.direct(), TestPlugins.hotAdd(),
                TestPlugins.network(), PICKY, LAN, HYPERV, OFF_HOST);
    }

    static PluginSet plugins(List<Object> objects) {
        PluginSet.Builder b = PluginSet.builder();
        for (Object o : objects) {
            if (o instanceof PlatformSupport p) {
                b.platform(p);
            } else if (o instanceof Mode m) {
                b.transport(m);
            } else if (o instanceof Rule r) {
                b.proxyRule(r);
            } else if (o instanceof GuestRule g) {
                b.guestRule(g);
            }
        }
        return b.build();
    }

    static Case generate(long seed, int maxVms) {
        Random r = new Random(seed);
        List<ManagedServer> servers = new ArrayList<>();
        int nServers = 1 + r.nextInt(10);
        Map<String, Integer> running = new HashMap<>();
        for (int i = 0; i < nServers; i++) {
            String name = (r.nextInt(4) == 0 ? "PX-" : "px-") + i;
            int os = r.nextInt(4);
            ServerSpec.Builder b = ServerSpec.builder(name, "10.200.0." + (i + 1))
                    .os(os == 0 ? OsInfo.windows("server", "2022") : os == 1 ? OsInfo.linux("rocky", "9.2")
                            : OsInfo.linux("debian", "12"))
                    .networks(randomNetworks(r)).maxConcurrentTasks(1 + r.nextInt(4)).enabled(i == 0 || r.nextInt(7) != 0);
            if (os == 1 && r.nextBoolean()) {
                b.installedPackages(CoreRules.RHEL9_PACKAGES);
            }
            if (r.nextBoolean()) {
                b.fact(ServerFacts.SAN_ACCESS, "ds" + r.nextInt(3));
            }
            if (r.nextInt(3) == 0) {
                b.fact(ServerFacts.VMWARE_HOST, "esx-" + r.nextInt(2));
            }
            if (r.nextBoolean()) {
                b.fact("offhost.ok", "true");
            }
            List<ServerRole> roles = new ArrayList<>(List.of(ServerRole.of(RoleType.GUEST_INTERACTION)));
            if (i == 0) {
                roles.add(ServerRole.of(RoleType.BACKUP_SERVER));
            }
            if (r.nextInt(10) < 6) {
                roles.add(ServerRole.of(RoleType.VMWARE_PROXY));
            }
            if (r.nextInt(10) < 3) {
                roles.add(ServerRole.of(RoleType.HYPERV_OFFHOST_PROXY));
            }
            servers.add(new ManagedServer("id-" + i, 1, b.build(), roles));
            if (r.nextInt(3) == 0) {
                running.put(name, r.nextInt(6));
            }
        }
        List<HostStorage> ds = List.of(new HostStorage("ds0", StorageKind.VMFS, false),
                new HostStorage("ds1", StorageKind.VMFS, false), new HostStorage("ds2", StorageKind.NFS, false));
        List<PlatformHost> hosts = List.of(
                new PlatformHost("h0", 1, new HostSpec("esx-0", HostKind.ESXI, "10.201.0.1", Optional.empty(),
                        Optional.empty(), Optional.empty(), Optional.empty(), ds)),
                new PlatformHost("h1", 1, new HostSpec("esx-1", HostKind.ESXI, "10.201.0.2", Optional.empty(),
                        Optional.empty(), Optional.empty(), Optional.empty(), ds)),
                new PlatformHost("h2", 1, new HostSpec("hv-0", HostKind.HYPERV_HOST, "10.201.0.3", Optional.empty(),
                        Optional.empty(), Optional.empty(),
                        Optional.of(servers.get(r.nextInt(servers.size())).name()), List.of())));
        List<VirtualMachine> vms = new ArrayList<>();
        int nVms = 1 + r.nextInt(maxVms);
        for (int v = 0; v < nVms; v++) {
            boolean windows = r.nextInt(3) == 0;
            List<VirtualDisk> disks = new ArrayList<>();
            int nDisks = r.nextInt(5);
            for (int d = 0; d < nDisks; d++) {
                disks.add(new VirtualDisk("d" + d, 1 << 20, DiskFormat.VMDK, "/v/" + v + "/" + d,
                        Optional.of("ds" + r.nextInt(3))));
            }
            Optional<GuestCredentials> creds = r.nextInt(5) == 0 ? Optional.of(new GuestCredentials("CORP\\svc$", true))
                    : Optional.empty();
            String host = r.nextInt(6) == 0 ? "hv-0" : "esx-" + r.nextInt(2);
            vms.add(new VirtualMachine("vm-" + v, 1, new VmSpec("vm-" + v, host, windows ? OsInfo.windows("server", "2019")
                    : OsInfo.linux("ubuntu", "24.04"), randomNetworks(r), disks, creds, false)));
        }
        List<String> names = new ArrayList<>(vms.stream().map(VirtualMachine::name).toList());
        Collections.shuffle(names, r);
        ServerChoice proxies = r.nextInt(5) == 0 ? ServerChoice.preferred(someServers(r, servers)) : ServerChoice.AUTOMATIC;
        ServerChoice guestProxies = r.nextInt(5) == 0 ? ServerChoice.preferred(someServers(r, servers))
                : ServerChoice.AUTOMATIC;
        GuestProcessing gp = r.nextInt(4) == 0 ? GuestProcessing.DISABLED : new GuestProcessing(true, r.nextBoolean(),
                false, guestProxies);
        JobSpec job = new JobSpec("job-" + seed, Platform.VMWARE, names, servers.get(0).name(), proxies,
                TransportChoice.AUTOMATIC, gp, false);
        int f = r.nextInt(8);
        Set<String> failed = f < 2 ? Set.of("virtual-appliance") : f == 2 ? Set.of("network") : Set.of();
        return new Case(seed, new InventorySnapshot(servers, hosts, vms), job, new Load(running), failed);
    }

    private static List<Cidr> randomNetworks(Random r) {
        List<Cidr> out = new ArrayList<>();
        for (String n : NETWORKS) {
            if (r.nextInt(4) == 0) {
                out.add(Cidr.of(n));
            }
        }
        return out;
    }

    private static List<String> someServers(Random r, List<ManagedServer> servers) {
        List<String> out = new ArrayList<>();
        for (ManagedServer s : servers) {
            if (r.nextBoolean()) {
                out.add(s.name().toUpperCase());
            }
        }
        return out.isEmpty() ? List.of(servers.get(0).name()) : out;
    }

    static Plan plan(Case c) {
        return new Planner(plugins(pluginObjects())).plan(c.job(), c.inventory(), c.load(), c.failed());
    }

    private static List<Case> cases;

    /** The generated cases, once per run (inputs are immutable). */
    static synchronized List<Case> cases() {
        if (cases == null) {
            List<Case> out = new ArrayList<>();
            Random seeds = new Random(SEED);
            for (int i = 0; i < CASES; i++) {
                out.add(generate(seeds.nextLong(), 40));
            }
            cases = List.copyOf(out);
        }
        return cases;
    }

    private static boolean isFallback(DiskDecision d) {
        return d.transportMode().filter(m -> m.equals("hyperv-on-host")).isPresent();
    }

    @Test
    @DisplayName("no proxy ever runs more tasks in a wave than its slots (wave 0: slots minus running tasks)")
    void neverExceedsSlots() {
        for (Case c : cases()) {
            Plan plan = plan(c);
            Map<String, Map<Integer, Integer>> perWave = SlotSchedulingTest.tasksPerWave(plan);
            perWave.forEach((proxy, waves) -> {
                ManagedServer s = c.inventory().server(proxy).orElseThrow();
                int slots = s.spec().maxConcurrentTasks();
                int running = c.load().running(proxy);
                waves.forEach((wave, n) -> {
                    int capacity = wave == 0 ? Math.max(0, slots - running) : slots;
                    assertTrue(n <= capacity, "seed " + c.seed() + ": " + proxy + " wave " + wave + " has " + n
                            + " tasks, slots " + slots + ", running " + running);
                });
            });
        }
    }

    @Test
    @DisplayName("a chosen server never failed a rule (core or plugin), checked against the candidates and directly")
    void neverPicksAServerThatFailedARule() {
        for (Case c : cases()) {
            Plan plan = plan(c);
            for (VmPlan vm : plan.vms()) {
                VirtualMachine v = c.inventory().vm(vm.vm()).orElseThrow();
                GuestInteractionDecision gi = vm.guestInteraction();
                if (gi.status() == DecisionStatus.ASSIGNED) {
                    Candidate chosen = gi.candidates().get(0);
                    assertEquals(gi.proxy().orElseThrow(), chosen.server(), "seed " + c.seed());
                    assertTrue(chosen.eligible() && chosen.failures().isEmpty(), "seed " + c.seed() + ": " + chosen);
                    ManagedServer s = c.inventory().server(chosen.server()).orElseThrow();
                    assertTrue(s.spec().enabled(), "seed " + c.seed());
                    boolean needsWindows = v.spec().guestOs().isWindows()
                            || v.spec().credentials().map(GuestCredentials::gmsa).orElse(false);
                    assertTrue(!needsWindows || s.spec().os().isWindows(), "seed " + c.seed() + ": " + vm.vm());
                    assertTrue(c.job().guestProcessing().guestProxies().allows(s.name()), "seed " + c.seed());
                }
                for (DiskDecision d : vm.disks()) {
                    if (d.proxy().isEmpty() || isFallback(d)) {
                        continue;
                    }
                    Candidate chosen = d.candidates().get(0);
                    assertEquals(d.proxy().get(), chosen.server(), "seed " + c.seed());
                    assertTrue(chosen.eligible() && chosen.failures().isEmpty(), "seed " + c.seed() + ": " + chosen);
                    ManagedServer s = c.inventory().server(chosen.server()).orElseThrow();
                    assertTrue(s.spec().enabled() && c.job().proxies().allows(s.name()), "seed " + c.seed());
                    assertTrue(Math.floorMod((s.name() + "/" + vm.vm() + "/" + d.disk()).hashCode(), 5) != 0,
                            "seed " + c.seed() + ": picky rule");
                    assertTrue(!c.failed().contains(d.transportMode().orElseThrow()), "seed " + c.seed());
                }
            }
        }
    }

    @Test
    @DisplayName("a disk waits only when every eligible proxy of it is full for the current round")
    void eligibleProxiesAreBusyBeforeAnyDiskWaits() {
        for (Case c : cases()) {
            Plan plan = plan(c);
            Map<String, Map<Integer, Integer>> perWave = SlotSchedulingTest.tasksPerWave(plan);
            for (DiskDecision d : plan.disks()) {
                if (d.status() != DecisionStatus.WAITING_FOR_SLOT || isFallback(d)) {
                    continue;
                }
                for (Candidate other : d.candidates()) {
                    if (!other.eligible()) {
                        continue;
                    }
                    int free = Math.max(0, other.taskSlots() - c.load().running(other.server()));
                    int used = perWave.getOrDefault(other.server(), Map.of()).getOrDefault(0, 0);
                    assertEquals(free, used, "seed " + c.seed() + ": " + d.disk() + " waits while " + other.server()
                            + " has a free slot now");
                }
            }
        }
    }

    @Test
    @DisplayName("identical input gives an equal plan: again, with plugins registered in another order, and in parallel")
    void identicalInputIdenticalPlan() {
        Random shuffle = new Random(SEED);
        List<Case> cases = new ArrayList<>(cases());
        Random seeds = new Random(SEED + 1);
        for (int i = 0; i < 6; i++) {
            cases.add(generate(seeds.nextLong(), 900)); // large enough to fan out
        }
        for (Case c : cases) {
            Plan first = plan(c);
            assertEquals(first, plan(c), "seed " + c.seed());
            List<Object> objects = new ArrayList<>(pluginObjects());
            Collections.shuffle(objects, shuffle);
            assertEquals(first, new Planner(plugins(objects)).plan(c.job(), c.inventory(), c.load(), c.failed()),
                    "seed " + c.seed() + ": plugin order");
            Plan parallel = new Planner(plugins(objects), Planner.DEFAULT_FULL_CANDIDATE_LIMIT, Optional.of(pool), 3)
                    .plan(c.job(), c.inventory(), c.load(), c.failed());
            assertEquals(first, parallel, "seed " + c.seed() + ": parallel scan");
        }
    }

    @Test
    @DisplayName("a compact plan makes exactly the choices of the full plan, and explains the chosen server the same way")
    void compactPlanChoosesLikeTheFullPlan() {
        Random seeds = new Random(SEED + 2);
        List<Case> cases = new ArrayList<>(cases());
        cases.add(generate(seeds.nextLong(), 900));
        for (Case c : cases) {
            Plan full = plan(c);
            Plan compact = new Planner(plugins(pluginObjects()), 0, Optional.of(pool), 2)
                    .plan(c.job(), c.inventory(), c.load(), c.failed());
            assertEquals(full.vms().size(), compact.vms().size());
            for (int v = 0; v < full.vms().size(); v++) {
                GuestInteractionDecision a = full.vms().get(v).guestInteraction();
                GuestInteractionDecision b = compact.vms().get(v).guestInteraction();
                assertEquals(List.of(a.status(), a.proxy(), a.failoverProxy(), a.reason()),
                        List.of(b.status(), b.proxy(), b.failoverProxy(), b.reason()), "seed " + c.seed());
                if (a.status() == DecisionStatus.ASSIGNED) {
                    assertEquals(a.candidates().get(0), b.candidates().get(0), "seed " + c.seed());
                    assertTrue(b.candidates().size() <= 1 + PlanDecider.RUNNER_UPS);
                }
                List<DiskDecision> fd = full.vms().get(v).disks();
                List<DiskDecision> cd = compact.vms().get(v).disks();
                for (int d = 0; d < fd.size(); d++) {
                    DiskDecision x = fd.get(d);
                    DiskDecision y = cd.get(d);
                    assertEquals(List.of(x.status(), x.proxy(), x.transportMode(), x.wave(), x.reason(), x.negotiation(),
                            x.warnings()), List.of(y.status(), y.proxy(), y.transportMode(), y.wave(), y.reason(),
                            y.negotiation(), y.warnings()), "seed " + c.seed());
                    if (!x.candidates().isEmpty()) {
                        assertEquals(x.candidates().get(0), y.candidates().get(0), "seed " + c.seed());
                    }
                }
            }
            if (compact.disks().size() + compact.vms().size() > 0 && !compact.equals(full)) {
                assertTrue(compact.warnings().stream().anyMatch(w -> w.startsWith("Compact explanation")),
                        "seed " + c.seed());
            }
        }
    }

    @Test
    @DisplayName("the generated cases exercise every outcome")
    void casesCoverEveryOutcome() {
        Map<DecisionStatus, Integer> seen = new TreeMap<>();
        int fallbacks = 0;
        for (Case c : cases()) {
            Plan plan = plan(c);
            for (VmPlan vm : plan.vms()) {
                seen.merge(vm.guestInteraction().status(), 1, Integer::sum);
                for (DiskDecision d : vm.disks()) {
                    seen.merge(d.status(), 1, Integer::sum);
                    fallbacks += isFallback(d) ? 1 : 0;
                }
            }
        }
        for (DecisionStatus s : List.of(DecisionStatus.ASSIGNED, DecisionStatus.WAITING_FOR_SLOT,
                DecisionStatus.CANNOT_PROCESS, DecisionStatus.NOT_REQUIRED)) {
            assertTrue(seen.getOrDefault(s, 0) > 10, s + ": " + seen);
        }
        assertTrue(fallbacks > 10, "fallbacks: " + fallbacks);
    }
}
