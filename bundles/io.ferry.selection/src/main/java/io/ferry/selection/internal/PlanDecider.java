package io.ferry.selection.internal;

import io.ferry.api.inventory.Platform;
import io.ferry.api.selection.Candidate;
import io.ferry.api.selection.DecisionStatus;
import io.ferry.api.selection.DiskDecision;
import io.ferry.api.selection.GuestInteractionDecision;
import io.ferry.api.selection.RuleVerdict;
import io.ferry.api.selection.TransportStep;
import io.ferry.api.spi.DiskContext;
import io.ferry.api.spi.PlatformSupport;
import io.ferry.selection.internal.CandidateEvaluator.PlatformRules;
import io.ferry.selection.internal.CandidateEvaluator.ProxyExplanation;
import io.ferry.selection.internal.CandidateScan.DiskScan;
import io.ferry.selection.internal.CandidateScan.VmScan;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Phase two of a plan: the choices, in job order, VM by VM (its guest interaction proxy, then
 * its disks), with the load this plan adds as it goes. Sequential, so the plan is the same
 * whatever the scan's parallelism.
 *
 * <p><b>Guest interaction</b> (seed 001): the eligible server with the lowest tier, then the
 * fewest tasks (running + guest interaction and disk tasks this plan already gave it), then
 * the name. A compact plan finds the best {@code 1 + RUNNER_UPS} lazily: it walks the servers
 * least loaded first and applies the rules only to one that would enter the best few, so most
 * servers cost a comparison, not a rule call, and the walk ends once the best few are tier 1.
 *
 * <p><b>Disks</b>: each proxy has {@code slots} task slots; tasks already running fill the
 * first ones. A disk's wave on a proxy is {@code (running + tasks this plan put there) / slots}:
 * wave 0 starts at once, wave n waits for n earlier rounds on that proxy. The disk goes to
 * the eligible proxy with the earliest wave, then the best transport preference, then the
 * lowest load relative to its slots, then the name. Earliest wave first is what keeps every
 * eligible proxy busy before any disk queues: a disk waits only when all its eligible proxies
 * are full for the current round; transport preference decides among those with a free slot.
 */
final class PlanDecider {
    static final int RUNNER_UPS = 2;
    static final int CAPPED_CANDIDATES = 10;
    private static final String HOW_CHOSEN = "chosen by earliest free slot, then transport preference, load and name";

    private final ServerTable servers;
    private final CandidateEvaluator eval;
    private final boolean full;
    private final int budget;
    /** Per server: running tasks + disk tasks of this plan (the slots' load), its wave, and its guest load. */
    private final int[] load;
    private final int[] wave;
    private final int[] guestLoad;
    private final int[] slots;
    private final int[] guestPosition;
    /** Guest interaction candidates by (guest load, name); per platform, its proxies by (load / slots, name). */
    private final LoadOrder guestOrder;
    private final LoadOrder[] proxyOrder = new LoadOrder[Platform.values().length];
    private final int[][] proxyPosition = new int[Platform.values().length][];
    private int retained;
    private boolean capped;
    /** Scratch space of {@link #bestProxies}: phase two runs on one thread. */
    private final int[][] topScratch = {new int[0], new int[0]};
    private final int[][] lastsScratch = {new int[0], new int[0]};
    private final boolean[] isBetter;

    PlanDecider(ServerTable servers, CandidateEvaluator eval, boolean full, int budget) {
        this.servers = servers;
        this.eval = eval;
        this.full = full;
        this.budget = budget;
        int n = servers.size();
        load = new int[n];
        wave = new int[n];
        guestLoad = new int[n];
        slots = new int[n];
        guestPosition = new int[n];
        Arrays.fill(guestPosition, -1);
        for (int s = 0; s < n; s++) {
            slots[s] = servers.slots(s);
            load[s] = servers.running(s);
            wave[s] = load[s] / slots[s];
            guestLoad[s] = servers.running(s);
        }
        int[] guest = eval.guestCandidates();
        for (int i = 0; i < guest.length; i++) {
            guestPosition[guest[i]] = i;
        }
        guestOrder = new LoadOrder(guest, n, (a, b) -> {
            int c = Integer.compare(guestLoad[a], guestLoad[b]);
            return c != 0 ? c : Integer.compare(a, b);
        });
        int most = 0;
        for (Platform p : Platform.values()) {
            PlatformRules rules = eval.platform(p);
            if (rules == null) {
                continue;
            }
            int[] proxies = rules.proxyCandidates();
            proxyPosition[p.ordinal()] = new int[n];
            Arrays.fill(proxyPosition[p.ordinal()], -1);
            for (int i = 0; i < proxies.length; i++) {
                proxyPosition[p.ordinal()][proxies[i]] = i;
            }
            proxyOrder[p.ordinal()] = new LoadOrder(proxies, n, this::compareLoad);
            most = Math.max(most, proxies.length);
        }
        isBetter = new boolean[most];
    }

    /** Load relative to the slots, then name: the order the proxies are walked in. */
    private int compareLoad(int a, int b) {
        int c = Long.compare((long) load[a] * slots[b], (long) load[b] * slots[a]);
        return c != 0 ? c : Integer.compare(a, b);
    }

    /** True if a CANNOT_PROCESS candidate list was cut to {@link #CAPPED_CANDIDATES} to keep the plan small. */
    boolean capped() {
        return capped;
    }

    // --- guest interaction -------------------------------------------------------------------

    GuestInteractionDecision notRequired() {
        return new GuestInteractionDecision(DecisionStatus.NOT_REQUIRED, Optional.empty(), "the job does not process"
                + " guests (application-aware processing, indexing and log processing are off)", List.of(),
                Optional.empty());
    }

    GuestInteractionDecision guest(PlannedVm vm, VmScan scan, String unserved) {
        if (vm.problem().isPresent()) {
            return guestVerdict(DecisionStatus.CANNOT_PROCESS, vm.problem().get(), List.of());
        }
        if (!vm.served()) {
            return guestVerdict(DecisionStatus.PLATFORM_UNSERVED, unserved, List.of());
        }
        int[] order = full ? sortedGuests(vm, scan.guestServers) : bestGuests(vm);
        if (order.length == 0) {
            return cannotServeGuest(vm, scan);
        }
        int best = order[0];
        int tier = eval.tier(vm, best);
        String reason = "tier " + tier + " (" + tierText(tier) + "), then fewest running tasks (" + guestLoad[best]
                + "), then name";
        List<Candidate> candidates = new ArrayList<>(order.length);
        for (int s : order) {
            candidates.add(guestCandidate(vm, scan, s));
        }
        if (full) {
            candidates.addAll(ineligibleGuests(vm, scan.guestVerdicts, scan.guestServers));
        }
        candidates = List.copyOf(candidates);
        int backup = servers.backupServer();
        boolean takeOver = full ? scan.failoverOk : CandidateScan.canTakeOver(vm, eval, servers);
        Optional<String> failover = takeOver && backup != best ? Optional.of(servers.name(backup)) : Optional.empty();
        if (failover.isEmpty() && backup >= 0 && backup != best) {
            reason += "; no failover: backup server '" + servers.name(backup) + "' cannot serve this guest";
        }
        guestLoad[best]++;
        guestOrder.grew(best);
        return new GuestInteractionDecision(DecisionStatus.ASSIGNED, Optional.of(servers.name(best)), reason,
                candidates, failover);
    }

    private static GuestInteractionDecision guestVerdict(DecisionStatus status, String reason, List<Candidate> cands) {
        return new GuestInteractionDecision(status, Optional.empty(), reason, cands, Optional.empty());
    }

    static String tierText(int tier) {
        return switch (tier) {
            case 1 -> "same network as the VM, not the backup server";
            case 2 -> "same network as the VM, the backup server";
            case 3 -> "another network, not the backup server";
            default -> "another network, the backup server";
        };
    }

    /** (tier, load, name) of seed 001; negative if {@code a} comes first. */
    private int compareGuests(PlannedVm vm, int a, int b) {
        int c = Integer.compare(eval.tier(vm, a), eval.tier(vm, b));
        if (c != 0) {
            return c;
        }
        c = Integer.compare(guestLoad[a], guestLoad[b]);
        return c != 0 ? c : Integer.compare(a, b);
    }

    private int[] sortedGuests(PlannedVm vm, int[] eligible) {
        return Arrays.stream(eligible).boxed().sorted((a, b) -> compareGuests(vm, a, b)).mapToInt(Integer::intValue)
                .toArray();
    }

    /**
     * The best 1 + RUNNER_UPS eligible servers. Servers are walked least loaded first, so a later
     * one can only beat the found ones by a better tier; the rules run only for a server that
     * would enter them, and the walk stops once they are all of tier 1.
     */
    private int[] bestGuests(PlannedVm vm) {
        int[] top = new int[1 + RUNNER_UPS];
        int n = 0;
        for (int q = 0; q < guestOrder.size(); q++) {
            int s = guestOrder.get(q);
            if (n == top.length) {
                if (eval.tier(vm, top[n - 1]) == 1) {
                    break;
                }
                if (compareGuests(vm, s, top[n - 1]) >= 0) {
                    continue;
                }
            }
            if (!eval.guestEligible(vm, s)) {
                continue;
            }
            int j = n < top.length ? n++ : n - 1;
            while (j > 0 && compareGuests(vm, s, top[j - 1]) < 0) {
                top[j] = top[j - 1];
                j--;
            }
            top[j] = s;
        }
        return Arrays.copyOf(top, n);
    }

    private GuestInteractionDecision cannotServeGuest(PlannedVm vm, VmScan scan) {
        if (full) {
            return guestVerdict(DecisionStatus.CANNOT_PROCESS, scan.guestFailure,
                    ineligibleGuests(vm, scan.guestVerdicts, new int[0]));
        }
        int[] candidates = eval.guestCandidates();
        @SuppressWarnings("unchecked")
        List<RuleVerdict>[] verdicts = new List[candidates.length];
        for (int i = 0; i < candidates.length; i++) {
            verdicts[i] = eval.explainGuest(vm, candidates[i]);
        }
        String reason = CandidateScan.guestFailure(vm, eval, servers, verdicts);
        List<Candidate> all = ineligibleGuests(vm, verdicts, new int[0]);
        return guestVerdict(DecisionStatus.CANNOT_PROCESS, reason, all.subList(0, retainAll(all.size())));
    }

    private Candidate guestCandidate(PlannedVm vm, VmScan scan, int s) {
        List<RuleVerdict> verdicts = scan.guestVerdicts != null ? scan.guestVerdicts[guestPosition[s]]
                : eval.explainGuest(vm, s);
        boolean ok = true;
        for (RuleVerdict v : verdicts) {
            ok &= v.passed();
        }
        return new Candidate(servers.name(s), ok, eval.tier(vm, s), guestLoad[s], slots[s], verdicts);
    }

    /** The candidates not in {@code eligible}, best tier first, then by name. */
    private List<Candidate> ineligibleGuests(PlannedVm vm, List<RuleVerdict>[] verdicts, int[] eligible) {
        int[] sorted = eligible.clone();
        Arrays.sort(sorted);
        return Arrays.stream(eval.guestCandidates()).filter(s -> Arrays.binarySearch(sorted, s) < 0).boxed()
                .sorted(Comparator.<Integer>comparingInt(s -> eval.tier(vm, s)).thenComparingInt(s -> s))
                .map(s -> new Candidate(servers.name(s), false, eval.tier(vm, s), guestLoad[s], slots[s],
                        verdicts[guestPosition[s]]))
                .toList();
    }

    // --- disks -------------------------------------------------------------------------------

    DiskDecision unplannable(DiskContext disk, DecisionStatus status, String reason) {
        return new DiskDecision(disk.disk().label(), status, Optional.empty(), Optional.empty(), reason, List.of(),
                List.of(), List.of(), 0);
    }

    DiskDecision disk(PlannedVm vm, DiskContext disk, DiskScan scan) {
        PlatformRules rules = eval.platform(vm.platform());
        int[] proxies = rules.proxyCandidates();
        int[] order = scan.eligible == 0 ? new int[0]
                : bestProxies(vm, disk, scan, rules, full ? scan.eligible : 1 + RUNNER_UPS);
        if (order.length == 0) {
            return noProxy(vm, disk, scan, rules);
        }
        int best = proxies[order[0]];
        int chosenWave = wave[best];
        int before = load[best];
        Candidate[] candidates = new Candidate[full ? proxies.length : order.length];
        ProxyExplanation chosen = null;
        for (int k = 0; k < order.length; k++) {
            ProxyExplanation e = explanation(vm, disk, scan, proxies, order[k]);
            chosen = k == 0 ? e : chosen;
            candidates[k] = proxyCandidate(proxies[order[k]], e);
        }
        if (full) {
            int k = order.length;
            for (int i = 0; i < proxies.length; i++) {
                if (scan.rank[i] < 0) {
                    candidates[k++] = proxyCandidate(proxies[i], scan.explained[i]);
                }
            }
        }
        assignDisk(best);
        TransportStep step = chosen.winner();
        String proxy = servers.name(best);
        String reason = chosenWave == 0
                ? proxy + " via " + step.mode() + " (" + step.reason() + "); " + HOW_CHOSEN + "; " + before + " of "
                        + slots[best] + " task slots in use"
                : proxy + " via " + step.mode() + " (" + step.reason() + "); " + HOW_CHOSEN + "; every eligible proxy"
                        + " is busy, so it waits for wave " + chosenWave + " on " + proxy + " (" + before + " of "
                        + slots[best] + " task slots in use by earlier tasks)";
        return new DiskDecision(disk.disk().label(), chosenWave == 0 ? DecisionStatus.ASSIGNED
                : DecisionStatus.WAITING_FOR_SLOT, Optional.of(proxy), Optional.of(step.mode()), reason,
                chosen.negotiation(), List.of(candidates), fallbackWarnings(vm, disk, proxy, chosen.negotiation()),
                chosenWave);
    }

    private void assignDisk(int s) {
        load[s]++;
        wave[s] = load[s] / slots[s];
        guestLoad[s]++;
        guestOrder.grew(s);
        for (LoadOrder order : proxyOrder) {
            if (order != null) {
                order.grew(s);
            }
        }
    }

    /** (wave, transport rank, load / slots, name); negative if {@code a} comes first. */
    private int compareProxies(int a, int rankA, int b, int rankB) {
        int c = Integer.compare(wave[a], wave[b]);
        if (c != 0) {
            return c;
        }
        c = Integer.compare(rankA, rankB);
        if (c != 0) {
            return c;
        }
        c = Long.compare((long) load[a] * slots[b], (long) load[b] * slots[a]);
        return c != 0 ? c : Integer.compare(a, b);
    }

    /**
     * The best {@code k} eligible candidate positions, best first, by (wave, transport rank,
     * load / slots, name). Two small searches instead of one over every proxy: the few proxies
     * whose rank beats the platform's last rank (the scan listed them), compared one by one;
     * and the proxies of the last rank, which differ only by load and name, so walking them
     * least loaded first the first {@code k} that qualify are their best. In a compact plan a
     * candidate's rank is only its early rank: it is confirmed (rules, last-rank modes) only
     * when it would enter the best {@code k}.
     */
    private int[] bestProxies(PlannedVm vm, DiskContext disk, DiskScan scan, PlatformRules rules, int k) {
        int[] proxies = rules.proxyCandidates();
        int capacity = Math.min(k, scan.eligible);
        Top top = new Top(capacity, proxies, topScratch);
        for (int b = 0; b < scan.better.length; b++) {
            top.offer(scan.better[b], scan.betterRank[b], disk, rules);
            isBetter[scan.better[b]] = true;
        }
        int last = rules.lastRank();
        LoadOrder order = proxyOrder[vm.platform().ordinal()];
        int[] position = proxyPosition[vm.platform().ordinal()];
        Top lasts = new Top(capacity, proxies, lastsScratch);
        boolean anyAtLast = full || rules.lastRankOffered();
        for (int q = 0; anyAtLast && q < order.size() && !lasts.full(); q++) {
            int s = order.get(q);
            int i = position[s];
            boolean atLast = full ? scan.rank[i] == last : eval.proxyCoreOk(s) && !isBetter[i];
            if (atLast) {
                lasts.offer(i, last, disk, rules);
            }
        }
        for (int b : scan.better) {
            isBetter[b] = false;
        }
        for (int j = 0; j < lasts.size(); j++) {
            top.offerConfirmed(lasts.position(j), last);
        }
        return top.positions();
    }

    /**
     * The best few candidate positions seen, by {@link #compareProxies}; confirmed before they
     * enter. Works in scratch arrays of the decider (phase two is sequential).
     */
    private final class Top {
        private final int[] proxies;
        private final int capacity;
        private final int[] position;
        private final int[] rank;
        private int n;

        Top(int capacity, int[] proxies, int[][] scratch) {
            this.proxies = proxies;
            this.capacity = capacity;
            if (scratch[0].length < capacity) {
                scratch[0] = new int[capacity];
                scratch[1] = new int[capacity];
            }
            this.position = scratch[0];
            this.rank = scratch[1];
        }

        boolean full() {
            return n == capacity;
        }

        int size() {
            return n;
        }

        int position(int j) {
            return position[j];
        }

        int[] positions() {
            return Arrays.copyOf(position, n);
        }

        void offer(int i, int r, DiskContext disk, PlatformRules rules) {
            if (enters(i, r) && (full || eval.confirm(rules, disk, proxies[i], r))) {
                insert(i, r);
            }
        }

        void offerConfirmed(int i, int r) {
            if (enters(i, r)) {
                insert(i, r);
            }
        }

        private boolean enters(int i, int r) {
            return n < capacity || compareProxies(proxies[i], r, proxies[position[n - 1]], rank[n - 1]) < 0;
        }

        private void insert(int i, int r) {
            int j = n < capacity ? n++ : n - 1;
            while (j > 0 && compareProxies(proxies[i], r, proxies[position[j - 1]], rank[j - 1]) < 0) {
                position[j] = position[j - 1];
                rank[j] = rank[j - 1];
                j--;
            }
            position[j] = i;
            rank[j] = r;
        }
    }

    private ProxyExplanation explanation(PlannedVm vm, DiskContext disk, DiskScan scan, int[] proxies, int pos) {
        return scan.explained != null ? scan.explained[pos] : eval.explainProxy(vm, disk, proxies[pos]);
    }

    private Candidate proxyCandidate(int s, ProxyExplanation e) {
        return new Candidate(servers.name(s), e.eligible(), 0, load[s], slots[s], e.verdicts());
    }

    private static List<String> fallbackWarnings(PlannedVm vm, DiskContext disk, String proxy, List<TransportStep> chain) {
        TransportStep winner = chain.get(chain.size() - 1);
        if (!winner.fallback()) {
            return List.of();
        }
        List<String> earlier = chain.subList(0, chain.size() - 1).stream().map(TransportStep::toString).toList();
        return List.of("Disk '" + disk.disk().label() + "' of VM '" + vm.name() + "' falls back to " + winner.mode()
                + " on " + proxy + " (" + winner.reason() + ")"
                + (earlier.isEmpty() ? "" : "; tried first: " + String.join("; ", earlier)));
    }

    /** No proxy qualifies: the platform's fallback (Hyper-V on-host, seed 004), or CANNOT_PROCESS. */
    private DiskDecision noProxy(PlannedVm vm, DiskContext disk, DiskScan scan, PlatformRules rules) {
        int[] proxies = rules.proxyCandidates();
        ProxyExplanation[] explained = scan.explained;
        if (explained == null && (scan.failure == null || retained + proxies.length <= budget)) {
            explained = new ProxyExplanation[proxies.length];
            for (int i = 0; i < proxies.length; i++) {
                explained[i] = eval.explainProxy(vm, disk, proxies[i]);
            }
        }
        String failure = scan.failure != null ? scan.failure
                : CandidateScan.diskFailure(vm, disk, rules, eval, servers, explained);
        List<Candidate> candidates = new ArrayList<>();
        int keep = retainAll(proxies.length);
        for (int i = 0; i < keep; i++) {
            candidates.add(proxyCandidate(proxies[i], explained != null ? explained[i]
                    : eval.explainProxy(vm, disk, proxies[i])));
        }
        Optional<PlatformSupport.Fallback> fallback = fallback(rules.support(), disk);
        if (fallback.isEmpty()) {
            return new DiskDecision(disk.disk().label(), DecisionStatus.CANNOT_PROCESS, Optional.empty(),
                    Optional.empty(), failure, List.of(), candidates, List.of(), 0);
        }
        TransportStep step = eval.checkFallbackStep(fallback.get().step());
        String name = fallback.get().server();
        OptionalInt server = name == null ? OptionalInt.empty() : servers.find(name);
        String impossible = !step.available() ? step.mode() + " is unavailable (" + step.reason() + ")"
                : server.isEmpty() ? step.mode() + " on '" + name + "' is impossible: the server is not in the inventory"
                : !servers.enabled(server.getAsInt()) ? step.mode() + " on '" + servers.name(server.getAsInt())
                        + "' is impossible: the server is disabled"
                : null;
        if (impossible != null) {
            return new DiskDecision(disk.disk().label(), DecisionStatus.CANNOT_PROCESS, Optional.empty(),
                    Optional.empty(), failure + "; fallback " + impossible, List.of(step), candidates, List.of(), 0);
        }
        int s = server.getAsInt();
        int w = wave[s];
        assignDisk(s);
        String who = servers.name(s);
        String reason = who + " via " + step.mode() + " (fallback: " + step.reason() + ")"
                + (w == 0 ? "" : "; waits for wave " + w + " on " + who) + ". " + failure;
        String warning = "Disk '" + disk.disk().label() + "' of VM '" + vm.name() + "' falls back to " + step.mode()
                + " on " + who + " (" + step.reason() + "): no " + rules.support().proxyRole() + " server qualifies";
        return new DiskDecision(disk.disk().label(), w == 0 ? DecisionStatus.ASSIGNED : DecisionStatus.WAITING_FOR_SLOT,
                Optional.of(who), Optional.of(step.mode()), reason, List.of(step), candidates, List.of(warning), w);
    }

    private static Optional<PlatformSupport.Fallback> fallback(PlatformSupport support, DiskContext disk) {
        try {
            Optional<PlatformSupport.Fallback> f = support.noProxyFallback(disk);
            return f == null ? Optional.empty() : f.filter(x -> x.step() != null);
        } catch (RuntimeException e) {
            return Optional.of(new PlatformSupport.Fallback(null, new TransportStep("fallback", false,
                    "the plugin's fallback failed: " + e + " (a defect in plugin " + support.name() + ")", true)));
        }
    }

    /** How many of {@code n} candidates a no-choice decision keeps: all, unless the compact plan's budget is spent. */
    private int retainAll(int n) {
        if (full || retained + n <= budget) {
            retained += full ? 0 : n;
            return n;
        }
        capped = true;
        return Math.min(n, CAPPED_CANDIDATES);
    }
}
