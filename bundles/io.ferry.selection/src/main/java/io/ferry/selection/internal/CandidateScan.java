package io.ferry.selection.internal;

import io.ferry.api.inventory.RoleType;
import io.ferry.api.selection.RuleVerdict;
import io.ferry.api.spi.DiskContext;
import io.ferry.selection.internal.CandidateEvaluator.PlatformRules;
import io.ferry.selection.internal.CandidateEvaluator.ProxyExplanation;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Phase one of a plan: every rule on every (VM, server) and (disk, proxy) pair. Nothing here
 * depends on the load or on other VMs, so VMs are scanned in parallel; phase two
 * ({@link PlanDecider}) then chooses in job order.
 *
 * <p>A full scan keeps every verdict of every candidate. A compact scan asks each pair only
 * for the transport modes ranked before the platform's last rank ({@link
 * CandidateEvaluator#earlyRank}) and keeps per disk just the few proxies that have one; the
 * rules and the last-rank modes are asked later, only for the proxies that could win. It
 * leaves the guest interaction proxy to {@link PlanDecider}, which finds the best few lazily
 * too. When the scan already knows no proxy qualifies, it writes the failure summary that
 * becomes the CANNOT_PROCESS reason.
 */
final class CandidateScan {

    private static final int[] NONE = new int[0];

    private CandidateScan() {
    }

    /** What phase one found for a VM. */
    static final class VmScan {
        /** Full scans: the eligible guest interaction proxies (server indices) and their tiers. */
        int[] guestServers = new int[0];
        int[] guestTiers = new int[0];
        /** Full scans: every verdict per guest candidate position. */
        List<RuleVerdict>[] guestVerdicts;
        /** Why no guest interaction proxy qualifies, when none does. */
        String guestFailure;
        /** The backup server could take over guest interaction (seed 001). */
        boolean failoverOk;
        DiskScan[] disks = new DiskScan[0];
    }

    /** What phase one found for a disk. */
    static final class DiskScan {
        /**
         * Candidate positions whose transport rank beats the platform's last rank, with those
         * ranks: usually a handful. Compact scans: early ranks, to be confirmed; every other
         * candidate passing the core rules may be eligible at the last rank.
         */
        int[] better;
        int[] betterRank;
        /** Full scans: per candidate position, the exact rank (-1: not eligible) and every verdict. */
        int[] rank;
        ProxyExplanation[] explained;
        /** Full scans: the eligible candidates; compact scans: those passing the core rules (may be eligible). */
        int eligible;
        /** Why no proxy qualifies, when the scan already knows none does. */
        String failure;
    }

    static VmScan scan(PlannedVm vm, CandidateEvaluator eval, ServerTable servers, boolean full, boolean guest) {
        VmScan out = new VmScan();
        if (!vm.served()) {
            return out;
        }
        if (guest && full) {
            scanGuest(vm, eval, servers, out);
        }
        PlatformRules rules = eval.platform(vm.platform());
        out.disks = new DiskScan[vm.disks().size()];
        for (int d = 0; d < out.disks.length; d++) {
            out.disks[d] = scanDisk(vm, vm.disks().get(d), rules, eval, servers, full);
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static void scanGuest(PlannedVm vm, CandidateEvaluator eval, ServerTable servers, VmScan out) {
        int[] candidates = eval.guestCandidates();
        int[] eligible = new int[candidates.length];
        int[] tiers = new int[candidates.length];
        int count = 0;
        out.guestVerdicts = new List[candidates.length];
        for (int i = 0; i < candidates.length; i++) {
            int s = candidates[i];
            out.guestVerdicts[i] = eval.explainGuest(vm, s);
            if (out.guestVerdicts[i].stream().allMatch(RuleVerdict::passed)) {
                eligible[count] = s;
                tiers[count++] = eval.tier(vm, s);
            }
        }
        out.guestServers = Arrays.copyOf(eligible, count);
        out.guestTiers = Arrays.copyOf(tiers, count);
        out.failoverOk = canTakeOver(vm, eval, servers);
        if (count == 0) {
            out.guestFailure = guestFailure(vm, eval, servers, out.guestVerdicts);
        }
    }

    /** The backup server may take over guest interaction for this VM (seed 001). */
    static boolean canTakeOver(PlannedVm vm, CandidateEvaluator eval, ServerTable servers) {
        int backup = servers.backupServer();
        return backup >= 0 && Arrays.binarySearch(eval.guestCandidates(), backup) >= 0 && eval.canTakeOver(vm, backup);
    }

    /** The CANNOT_PROCESS reason when no guest interaction proxy qualifies; {@code verdicts} may be null (explained here). */
    static String guestFailure(PlannedVm vm, CandidateEvaluator eval, ServerTable servers, List<RuleVerdict>[] verdicts) {
        int[] candidates = eval.guestCandidates();
        if (candidates.length == 0) {
            return "No guest interaction proxy can serve VM '" + vm.name() + "': no managed server holds the"
                    + " GUEST_INTERACTION role";
        }
        FailureSummary summary = new FailureSummary();
        for (int i = 0; i < candidates.length; i++) {
            summary.add(servers.name(candidates[i]), verdicts != null ? verdicts[i] : eval.explainGuest(vm, candidates[i]));
        }
        return "No guest interaction proxy can serve VM '" + vm.name() + "': " + summary.text();
    }

    private static DiskScan scanDisk(PlannedVm vm, DiskContext disk, PlatformRules rules, CandidateEvaluator eval,
            ServerTable servers, boolean full) {
        int[] candidates = rules.proxyCandidates();
        DiskScan out = new DiskScan();
        int last = rules.lastRank();
        int[] better = NONE;
        int[] betterRank = NONE;
        int nBetter = 0;
        if (full) {
            out.rank = new int[candidates.length];
            out.explained = new ProxyExplanation[candidates.length];
        }
        for (int i = 0; i < candidates.length; i++) {
            int rank;
            if (full) {
                out.explained[i] = eval.explainProxy(vm, disk, candidates[i]);
                rank = out.explained[i].rank();
                out.rank[i] = rank;
            } else {
                rank = eval.earlyRank(rules, disk, candidates[i]);
            }
            if (rank < 0) {
                continue;
            }
            out.eligible++;
            if (rank < last) {
                if (nBetter == better.length) {
                    better = Arrays.copyOf(better, Math.max(4, nBetter * 2));
                    betterRank = Arrays.copyOf(betterRank, better.length);
                }
                better[nBetter] = i;
                betterRank[nBetter++] = rank;
            }
        }
        out.better = nBetter == better.length ? better : Arrays.copyOf(better, nBetter);
        out.betterRank = nBetter == betterRank.length ? betterRank : Arrays.copyOf(betterRank, nBetter);
        if (out.eligible == 0) {
            out.failure = diskFailure(vm, disk, rules, eval, servers, out.explained);
        }
        return out;
    }

    /** The CANNOT_PROCESS reason when no proxy qualifies; {@code explained} may be null (explained here). */
    static String diskFailure(PlannedVm vm, DiskContext disk, PlatformRules rules, CandidateEvaluator eval,
            ServerTable servers, ProxyExplanation[] explained) {
        RoleType role = rules.support().proxyRole();
        int[] candidates = rules.proxyCandidates();
        if (candidates.length == 0) {
            return "No " + role + " server can read this disk: no server holds the " + role + " role; assign it"
                    + " (ferry:role-assign SERVER " + role.name().toLowerCase(Locale.ROOT).replace('_', '-') + ")";
        }
        FailureSummary summary = new FailureSummary();
        for (int i = 0; i < candidates.length; i++) {
            summary.add(servers.name(candidates[i]), (explained != null ? explained[i]
                    : eval.explainProxy(vm, disk, candidates[i])).verdicts());
        }
        return "No " + role + " server can read this disk: " + summary.text();
    }
}
