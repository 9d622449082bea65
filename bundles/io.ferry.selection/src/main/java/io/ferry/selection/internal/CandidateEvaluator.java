package io.ferry.selection.internal;

import io.ferry.api.inventory.ManagedServer;
import io.ferry.api.inventory.Platform;
import io.ferry.api.inventory.RoleType;
import io.ferry.api.job.JobSpec;
import io.ferry.api.selection.RuleVerdict;
import io.ferry.api.selection.TransportStep;
import io.ferry.api.spi.DiskContext;
import io.ferry.api.spi.GuestInteractionRule;
import io.ferry.api.spi.PlatformSupport;
import io.ferry.api.spi.ProxyRule;
import io.ferry.api.spi.TransportModeProvider;
import io.ferry.api.spi.VmContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Applies the core rules and the plugins' rules to one (VM, server) or (disk, server) pair.
 * Two forms of each: fast ones that answer yes or no and allocate nothing of their own (for
 * the pairs of a large plan: {@link #guestEligible}, and {@link #earlyRank} then
 * {@link #confirm} for proxies), and explaining ones that collect every verdict and the
 * transport negotiation (for the candidates a plan shows). Both give the same eligibility.
 * Thread-safe once built: the planner scans VMs in parallel.
 *
 * <p>A plugin rule that throws or returns nothing fails for that candidate with a reason
 * naming the defect, instead of failing the whole plan.
 */
final class CandidateEvaluator {
    /** Ranks are 0..MAX_RANK; transport preferences beyond that many distinct values share the last. */
    static final int MAX_RANK = 254;
    static final String WHAT_IF_FAILED = "what-if: mode marked as failed";

    private final ServerTable servers;
    private final Set<String> failedModes;
    private final PlatformRules[] platforms = new PlatformRules[Platform.values().length];
    private final int[] guestCandidates;
    private final boolean[] backupRole;
    private final RuleVerdict[] enabled;
    private final RuleVerdict[] preferred;
    private final RuleVerdict[] rhel9;
    private final RuleVerdict[] jobList;
    private final RuleVerdict[][] linuxWindows;
    private final RuleVerdict[][] gmsa;
    private final boolean[] proxyCoreOk;
    private final boolean[] guestCoreOk;
    private final boolean[] windows;
    private final ManagedServer[] byIndex;
    /**
     * The passing transport verdict per winning step: plugins that hand out shared steps get
     * shared verdicts, so a plan of 30,000 disks does not hold 90,000 copies of the same text.
     */
    private final ConcurrentHashMap<TransportStep, RuleVerdict> transportPasses = new ConcurrentHashMap<>();
    private static final int TRANSPORT_PASSES_KEPT = 50_000;

    /** What a platform brings: its plugin, rules, transport modes and proxy candidates. */
    record PlatformRules(PlatformSupport support, GuestInteractionRule[] guestRules, ProxyRule[] proxyRules,
            TransportModeProvider[] transports, int[] preferenceRank, boolean[] failed, int[] proxyCandidates,
            boolean lastRankOffered) {

        /** The rank of the least preferred transport modes (usually network, available to every proxy). */
        int lastRank() {
            return preferenceRank.length == 0 ? 0 : preferenceRank[preferenceRank.length - 1];
        }
    }

    /** Every verdict on a (disk, proxy) pair, the negotiation, and the rank of the winning mode (-1: none). */
    record ProxyExplanation(List<RuleVerdict> verdicts, List<TransportStep> negotiation, int rank) {
        boolean eligible() {
            return rank >= 0;
        }

        TransportStep winner() {
            return negotiation.get(negotiation.size() - 1);
        }
    }

    CandidateEvaluator(JobSpec job, ServerTable servers, PluginSet plugins, Set<String> failedModes) {
        this.servers = servers;
        this.failedModes = Set.copyOf(failedModes);
        int n = servers.size();
        guestCandidates = servers.holding(RoleType.GUEST_INTERACTION);
        backupRole = new boolean[n];
        for (int s : servers.holding(RoleType.BACKUP_SERVER)) {
            backupRole[s] = true;
        }
        enabled = new RuleVerdict[n];
        preferred = new RuleVerdict[n];
        rhel9 = new RuleVerdict[n];
        jobList = new RuleVerdict[n];
        linuxWindows = new RuleVerdict[n][2];
        gmsa = new RuleVerdict[n][2];
        proxyCoreOk = new boolean[n];
        guestCoreOk = new boolean[n];
        windows = new boolean[n];
        byIndex = new ManagedServer[n];
        for (int s = 0; s < n; s++) {
            ManagedServer server = servers.server(s);
            byIndex[s] = server;
            enabled[s] = CoreRules.serverEnabled(server);
            preferred[s] = CoreRules.preferredGuestProxy(server, job.guestProcessing().guestProxies());
            rhel9[s] = CoreRules.rhel9GuestInteractionPackages(server);
            jobList[s] = CoreRules.jobProxyList(server, job.proxies());
            for (int flag = 0; flag < 2; flag++) {
                linuxWindows[s][flag] = CoreRules.linuxCannotServeWindowsGuest(server, flag == 1);
                gmsa[s][flag] = CoreRules.gmsaNeedsWindowsProxy(server, flag == 1);
            }
            proxyCoreOk[s] = enabled[s].passed() && jobList[s].passed();
            guestCoreOk[s] = enabled[s].passed() && rhel9[s].passed();
            windows[s] = servers.windows(s);
        }
        for (Platform platform : Platform.values()) {
            plugins.support(platform).ifPresent(support -> platforms[platform.ordinal()] = platformRules(support, plugins));
        }
    }

    private PlatformRules platformRules(PlatformSupport support, PluginSet plugins) {
        Platform platform = support.platform();
        List<TransportModeProvider> transports = plugins.transportModes(platform);
        TreeSet<Integer> preferences = new TreeSet<>();
        transports.forEach(t -> preferences.add(t.preference()));
        List<Integer> distinct = new ArrayList<>(preferences);
        int[] rank = transports.stream().mapToInt(t -> Math.min(MAX_RANK, distinct.indexOf(t.preference())))
                .toArray();
        boolean[] failed = new boolean[transports.size()];
        boolean lastOffered = false;
        for (int i = 0; i < failed.length; i++) {
            failed[i] = failedModes.contains(transports.get(i).mode());
            lastOffered |= !failed[i] && rank[i] == rank[rank.length - 1];
        }
        return new PlatformRules(support, plugins.guestRules(platform).toArray(GuestInteractionRule[]::new),
                plugins.proxyRules(platform).toArray(ProxyRule[]::new),
                transports.toArray(TransportModeProvider[]::new), rank, failed, servers.holding(support.proxyRole()),
                lastOffered);
    }

    /** The platform's rules, or null when no plugin serves it. */
    PlatformRules platform(Platform platform) {
        return platforms[platform.ordinal()];
    }

    /** The core proxy rules (enabled, job proxy list) pass: the same for every disk of the plan. */
    boolean proxyCoreOk(int s) {
        return proxyCoreOk[s];
    }

    /** Servers considered as guest interaction proxies: all holding the role, in name order. */
    int[] guestCandidates() {
        return guestCandidates;
    }

    boolean isBackupServer(int s) {
        return backupRole[s];
    }

    // --- guest interaction (seed 001) --------------------------------------------------------

    /** Tier 1-4 of seed 001: same network before other network, non-backup-server before backup server. */
    int tier(PlannedVm vm, int s) {
        boolean same = vm.sameNetwork().get(s);
        return same ? (backupRole[s] ? 2 : 1) : (backupRole[s] ? 4 : 3);
    }

    boolean guestEligible(PlannedVm vm, int s) {
        return guestCoreOk(vm, s, true) && guestPluginRulesPass(vm, s);
    }

    /**
     * Whether the backup server can take over when the chosen proxy cannot connect (seed 001):
     * it must meet every rule except the job's preferred list, which names who is tried first.
     */
    boolean canTakeOver(PlannedVm vm, int s) {
        return guestCoreOk(vm, s, false) && guestPluginRulesPass(vm, s);
    }

    private boolean guestCoreOk(PlannedVm vm, int s, boolean withPreferredList) {
        return guestCoreOk[s] && (!withPreferredList || preferred[s].passed())
                && (windows[s] || !(vm.windowsGuest() || vm.gmsa()));
    }

    private boolean guestPluginRulesPass(PlannedVm vm, int s) {
        ManagedServer server = byIndex[s];
        VmContext context = vm.context().orElseThrow();
        for (GuestInteractionRule rule : platforms[vm.platform().ordinal()].guestRules()) {
            if (!evaluate(rule, server, context).passed()) {
                return false;
            }
        }
        return true;
    }

    /** Every verdict, core rules first, in evaluation order. */
    List<RuleVerdict> explainGuest(PlannedVm vm, int s) {
        GuestInteractionRule[] rules = platforms[vm.platform().ordinal()].guestRules();
        RuleVerdict[] out = new RuleVerdict[5 + rules.length];
        out[0] = enabled[s];
        out[1] = preferred[s];
        out[2] = linuxWindows[s][flag(vm.windowsGuest())];
        out[3] = gmsa[s][flag(vm.gmsa())];
        out[4] = rhel9[s];
        ManagedServer server = byIndex[s];
        VmContext context = vm.context().orElseThrow();
        for (int i = 0; i < rules.length; i++) {
            out[5 + i] = evaluate(rules[i], server, context);
        }
        return List.of(out);
    }

    // --- backup proxy per disk ---------------------------------------------------------------

    /**
     * What a compact scan learns about a pair without calling the rules or the least preferred
     * modes: -1 if a core rule fails; the rank of the first available mode if one ranks before
     * the last; otherwise {@link PlatformRules#lastRank()}, meaning "eligible only if a mode of
     * the last rank is available and the rules pass", which {@link #confirm} checks when it
     * matters. Those last modes (network for VMware) are available almost everywhere, so asking
     * them and the rules only for the few proxies that could win halves the calls of a plan.
     */
    int earlyRank(PlatformRules rules, DiskContext disk, int s) {
        if (!proxyCoreOk[s]) {
            return -1;
        }
        int last = rules.lastRank();
        int r = firstAvailable(rules, disk, s, 0, last);
        return r >= 0 ? r : rules.lastRankOffered() ? last : -1;
    }

    /** Whether a pair with {@link #earlyRank} {@code early} is eligible, at exactly that rank. */
    boolean confirm(PlatformRules rules, DiskContext disk, int s, int early) {
        if (!proxyRulesPass(rules, disk, s)) {
            return false;
        }
        int last = rules.lastRank();
        return early < last || firstAvailable(rules, disk, s, last, last + 1) == last;
    }

    private boolean proxyRulesPass(PlatformRules rules, DiskContext disk, int s) {
        ManagedServer server = byIndex[s];
        for (ProxyRule rule : rules.proxyRules()) {
            if (!evaluate(rule, server, disk).passed()) {
                return false;
            }
        }
        return true;
    }

    /** The rank of the first available mode whose rank is in [from, to), or -1. */
    private int firstAvailable(PlatformRules rules, DiskContext disk, int s, int from, int to) {
        ManagedServer server = byIndex[s];
        TransportModeProvider[] transports = rules.transports();
        int[] rank = rules.preferenceRank();
        boolean[] failed = rules.failed();
        boolean anyFailed = !failedModes.isEmpty();
        for (int i = 0; i < transports.length; i++) {
            if (failed[i] || rank[i] < from) {
                continue;
            }
            if (rank[i] >= to) {
                return -1;
            }
            TransportStep step = evaluate(transports[i], server, disk);
            if (step.available() && !(anyFailed && failedModes.contains(step.mode()))) {
                return rank[i];
            }
        }
        return -1;
    }

    ProxyExplanation explainProxy(PlannedVm vm, DiskContext disk, int s) {
        PlatformRules rules = platforms[vm.platform().ordinal()];
        ManagedServer server = byIndex[s];
        ProxyRule[] proxyRules = rules.proxyRules();
        RuleVerdict[] verdicts = new RuleVerdict[3 + proxyRules.length];
        verdicts[0] = enabled[s];
        verdicts[1] = jobList[s];
        boolean rulesPass = enabled[s].passed() && jobList[s].passed();
        for (int i = 0; i < proxyRules.length; i++) {
            verdicts[2 + i] = evaluate(proxyRules[i], server, disk);
            rulesPass &= verdicts[2 + i].passed();
        }
        TransportModeProvider[] transports = rules.transports();
        TransportStep[] chain = new TransportStep[transports.length];
        int steps = 0;
        int rank = -1;
        for (int i = 0; i < transports.length && rank < 0; i++) {
            TransportStep step = rules.failed()[i]
                    ? TransportStep.unavailable(transports[i].mode(), WHAT_IF_FAILED)
                    : evaluate(transports[i], server, disk);
            if (step.available() && failedModes.contains(step.mode())) {
                step = TransportStep.unavailable(step.mode(), WHAT_IF_FAILED);
            }
            chain[steps++] = step;
            if (step.available()) {
                rank = rules.preferenceRank()[i];
            }
        }
        List<TransportStep> negotiation = switch (steps) {
            case 0 -> List.of();
            case 1 -> List.of(chain[0]);
            case 2 -> List.of(chain[0], chain[1]);
            default -> List.of(Arrays.copyOf(chain, steps));
        };
        verdicts[verdicts.length - 1] = rank >= 0 ? transportPass(negotiation.get(steps - 1))
                : transportVerdict(vm.platform(), negotiation, false);
        return new ProxyExplanation(List.of(verdicts), negotiation, rulesPass ? rank : -1);
    }

    private RuleVerdict transportPass(TransportStep winner) {
        RuleVerdict v = transportPasses.get(winner);
        if (v == null) {
            v = transportVerdict(null, List.of(winner), true);
            if (transportPasses.size() < TRANSPORT_PASSES_KEPT) {
                transportPasses.putIfAbsent(winner, v);
            }
        }
        return v;
    }

    private static RuleVerdict transportVerdict(Platform platform, List<TransportStep> chain, boolean found) {
        if (chain.isEmpty()) {
            return RuleVerdict.fail(CoreRules.TRANSPORT_NEGOTIATION, "no transport mode for " + platform
                    + " is installed", "");
        }
        if (found) {
            TransportStep w = chain.get(chain.size() - 1);
            return RuleVerdict.pass(CoreRules.TRANSPORT_NEGOTIATION, w.mode() + (w.fallback() ? " (fallback)" : "")
                    + ": " + w.reason(), "");
        }
        return RuleVerdict.fail(CoreRules.TRANSPORT_NEGOTIATION, "no transport mode is available: "
                + String.join("; ", chain.stream().map(TransportStep::toString).toList()), "");
    }

    /** A fallback step as the core sees it: unavailable when the what-if marked its mode as failed. */
    TransportStep checkFallbackStep(TransportStep step) {
        return step.available() && failedModes.contains(step.mode())
                ? new TransportStep(step.mode(), false, WHAT_IF_FAILED, true) : step;
    }

    // --- calling plugins ---------------------------------------------------------------------

    private static RuleVerdict evaluate(GuestInteractionRule rule, ManagedServer server, VmContext vm) {
        try {
            return orDefect(rule.evaluate(server, vm), rule.name());
        } catch (RuntimeException e) {
            return defect(rule.name(), e);
        }
    }

    private static RuleVerdict evaluate(ProxyRule rule, ManagedServer server, DiskContext disk) {
        try {
            return orDefect(rule.evaluate(server, disk), rule.name());
        } catch (RuntimeException e) {
            return defect(rule.name(), e);
        }
    }

    private static TransportStep evaluate(TransportModeProvider mode, ManagedServer server, DiskContext disk) {
        try {
            TransportStep step = mode.evaluate(server, disk);
            return step != null ? step : TransportStep.unavailable(mode.mode(), "the transport mode returned no"
                    + " answer (a defect in its plugin)");
        } catch (RuntimeException e) {
            return TransportStep.unavailable(mode.mode(), "the transport mode failed: " + e + " (a defect in its plugin)");
        }
    }

    private static RuleVerdict orDefect(RuleVerdict verdict, String rule) {
        return verdict != null ? verdict
                : RuleVerdict.fail(rule, "the rule returned no verdict (a defect in its plugin)", "");
    }

    private static RuleVerdict defect(String rule, RuntimeException e) {
        return RuleVerdict.fail(rule, "the rule failed: " + e + " (a defect in its plugin)", "");
    }

    private static int flag(boolean b) {
        return b ? 1 : 0;
    }
}
