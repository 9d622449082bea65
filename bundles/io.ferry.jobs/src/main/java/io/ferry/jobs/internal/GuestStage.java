package io.ferry.jobs.internal;

import io.ferry.api.inventory.OsFamily;
import io.ferry.api.inventory.Platform;
import io.ferry.api.inventory.VirtualDisk;
import io.ferry.api.inventory.VirtualMachine;
import io.ferry.api.job.GuestProcessing;
import io.ferry.api.job.JobSpec;
import io.ferry.api.selection.Candidate;
import io.ferry.api.selection.DecisionStatus;
import io.ferry.api.selection.GuestInteractionDecision;
import io.ferry.api.selection.RuleVerdict;
import io.ferry.api.selection.VmPlan;
import io.ferry.api.session.ChangedBlockLedger;
import io.ferry.api.session.GuestRecord;
import io.ferry.api.session.SessionStore;
import io.ferry.api.session.TaskStatus;
import io.ferry.api.spi.DiskView;
import io.ferry.api.spi.PointInTime;
import io.ferry.api.spi.PointInTimeProvider;
import io.ferry.jobs.internal.VmViews.DiskRead;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The guest processing stage of one VM, done before its disks are read (seed 001:
 * 001_7a67f23d89d19bc8.txt).
 *
 * <p>When a {@link PointInTimeProvider} supports the VM (a running QEMU VM, Proxmox VE),
 * it opens point-in-time views of the disks, freezing and thawing the guest through the
 * agent when the job asks for guest processing; the disks are then read from the views,
 * incrementally where the changed-block ledger trusts the dirty bitmap. If that fails
 * because the guest interaction proxy cannot reach the guest (the provider throws, or
 * reports the guest stage FAILED), it is tried once more on the plan's failover proxy, the
 * backup server, and the record says so.
 *
 * <p>Otherwise the disks are read from their inventory locations as they are, and the
 * record says what guest processing would have done: for VMware and Hyper-V VMs, whose
 * guest channels (VIX, VSS, PowerShell Direct) cannot run here, it is NOT_EXECUTED and
 * names the proxy that would do it; for other VMs it is SKIPPED.
 */
final class GuestStage {

    private static final Logger LOG = LoggerFactory.getLogger(GuestStage.class);

    private final Supplier<List<PointInTimeProvider>> providers;
    private final SessionStore store;

    GuestStage(Supplier<List<PointInTimeProvider>> providers, SessionStore store) {
        this.providers = Objects.requireNonNull(providers, "providers");
        this.store = Objects.requireNonNull(store, "store");
    }

    /** Runs the stage for {@code vm}; never throws (a failure is in the result). */
    VmViews open(JobSpec job, VirtualMachine vm, VmPlan plan) {
        Optional<PointInTimeProvider> provider = provider(vm);
        if (provider.isPresent()) {
            return openPointInTime(provider.get(), job, vm, plan.guestInteraction());
        }
        return readAsTheyAre(job, vm, plan);
    }

    private Optional<PointInTimeProvider> provider(VirtualMachine vm) {
        for (PointInTimeProvider p : providers.get()) {
            try {
                if (p.supports(vm)) {
                    return Optional.of(p);
                }
            } catch (RuntimeException e) {
                LOG.warn("Point-in-time provider {} failed to say whether it supports VM {}", p, vm.name(), e);
            }
        }
        return Optional.empty();
    }

    // --- VMs with point-in-time views ---------------------------------------------------------

    private VmViews openPointInTime(PointInTimeProvider provider, JobSpec job, VirtualMachine vm,
            GuestInteractionDecision gi) {
        boolean wanted = job.guestProcessing().enabled();
        boolean guestProcessing = wanted && gi.status() == DecisionStatus.ASSIGNED && gi.proxy().isPresent();
        String proxy = gi.proxy().orElse("");
        Optional<String> failover = gi.failoverProxy().filter(f -> guestProcessing && !f.equalsIgnoreCase(proxy));
        Map<String, ChangedBlockLedger> ledger = ledger(vm);
        PointInTime pit;
        try {
            pit = provider.open(vm, guestProcessing, proxy, ledger);
        } catch (RuntimeException e) {
            if (failover.isEmpty()) {
                return failed(vm, proxy, "cannot take point-in-time views of the disks: " + e.getMessage());
            }
            return onFailover(provider, vm, proxy, failover.get(), e.getMessage());
        }
        GuestRecord record = pit.guest();
        if (failover.isPresent() && record.status() == TaskStatus.FAILED) {
            saveLedger(pit.abort("guest interaction proxy " + proxy + " could not process the guest; failing over to "
                    + failover.get()));
            return onFailover(provider, vm, proxy, failover.get(), record.detail());
        }
        if (wanted && !guestProcessing) {
            record = new GuestRecord(vm.name(), null, TaskStatus.FAILED, false, record.channel(),
                    "no guest interaction proxy can serve this VM: " + gi.reason() + "; the disks are read"
                            + " crash-consistent", Duration.ZERO);
        }
        return views(pit, record, ledger);
    }

    /** Seed 001: the guest interaction proxy could not process the guest; the backup server takes over. */
    private VmViews onFailover(PointInTimeProvider provider, VirtualMachine vm, String proxy, String failover,
            String why) {
        LOG.info("Guest interaction proxy {} could not process VM {} ({}); failing over to {}", proxy, vm.name(), why,
                failover);
        Map<String, ChangedBlockLedger> ledger = ledger(vm);
        PointInTime pit;
        try {
            pit = provider.open(vm, true, failover, ledger);
        } catch (RuntimeException e) {
            return failed(vm, failover, "cannot take point-in-time views of the disks: on guest interaction proxy "
                    + proxy + ": " + why + "; on the failover proxy " + failover + ": " + e.getMessage());
        }
        GuestRecord second = pit.guest();
        TaskStatus status = second.status() == TaskStatus.SUCCESS ? TaskStatus.WARNING : second.status();
        GuestRecord record = new GuestRecord(second.vm(), failover, status, second.executed(), second.channel(),
                "guest interaction proxy " + proxy + " could not process the guest (" + why + "); the backup server "
                        + failover + " took over (seed 001): " + second.detail(), second.frozen());
        return views(pit, record, ledger);
    }

    private static VmViews views(PointInTime pit, GuestRecord record, Map<String, ChangedBlockLedger> ledger) {
        List<DiskRead> reads = new ArrayList<>();
        for (DiskView view : pit.disks()) {
            ChangedBlockLedger entry = ledger.get(view.disk().toLowerCase(Locale.ROOT));
            reads.add(new DiskRead(view.disk(), view.location(), view.dirtyBitmap(), view.changeNote(), entry, null));
        }
        return VmViews.of(record, pit, reads);
    }

    private VmViews failed(VirtualMachine vm, String proxy, String why) {
        GuestRecord record = new GuestRecord(vm.name(), proxy.isEmpty() ? null : proxy, TaskStatus.FAILED, true, "",
                why, Duration.ZERO);
        return VmViews.failed(record, "guest processing stage of VM " + vm.name() + " failed: " + why);
    }

    /** The ledger entries of the VM's disks, by lower-case label. */
    private Map<String, ChangedBlockLedger> ledger(VirtualMachine vm) {
        Map<String, ChangedBlockLedger> entries = new TreeMap<>();
        for (VirtualDisk disk : vm.spec().disks()) {
            store.ledger(ChainKeys.of(vm.name(), disk.label()))
                    .ifPresent(e -> entries.put(disk.label().toLowerCase(Locale.ROOT), e));
        }
        return entries;
    }

    private void saveLedger(List<ChangedBlockLedger> entries) {
        entries.forEach(store::saveLedger);
    }

    // --- VMs read as they are -----------------------------------------------------------------

    private VmViews readAsTheyAre(JobSpec job, VirtualMachine vm, VmPlan plan) {
        List<DiskRead> reads = new ArrayList<>();
        for (VirtualDisk disk : vm.spec().disks()) {
            if (disk.location().startsWith("qemu+unix:")) {
                reads.add(DiskRead.unreadable(disk.label(), "disk location " + disk.location() + " is a disk of a"
                        + " running QEMU VM: reading it needs a point-in-time provider (the Proxmox plugin,"
                        + " io.ferry.plugin.proxmox), and none that is installed supports VM " + vm.name()));
            } else {
                reads.add(new DiskRead(disk.label(), disk.location(), null, null, null, null));
            }
        }
        return VmViews.of(recordWithoutProvider(job, vm, plan), null, reads);
    }

    /** What guest processing does (or would do) for a VM no provider supports. */
    static GuestRecord recordWithoutProvider(JobSpec job, VirtualMachine vm, VmPlan plan) {
        GuestProcessing gp = job.guestProcessing();
        GuestInteractionDecision gi = plan.guestInteraction();
        boolean remote = plan.platform() == Platform.VMWARE || plan.platform() == Platform.HYPERV;
        if (!gp.enabled()) {
            return new GuestRecord(vm.name(), null, TaskStatus.SKIPPED, false, "", "guest processing is off in job '"
                    + job.name() + "': the disks are read crash-consistent", Duration.ZERO);
        }
        if (gi.status() != DecisionStatus.ASSIGNED || gi.proxy().isEmpty()) {
            return new GuestRecord(vm.name(), null, TaskStatus.FAILED, false, "", "no guest interaction proxy can"
                    + " serve this VM: " + gi.reason() + "; the disks are read crash-consistent", Duration.ZERO);
        }
        String proxy = gi.proxy().get();
        String channel = channel(plan.platform(), vm, gi);
        String failover = gi.failoverProxy().filter(f -> !f.equalsIgnoreCase(proxy))
                .map(f -> " (failover: " + f + ")").orElse("");
        String action = "would " + operations(gp, vm) + " through " + channel + " on guest interaction proxy " + proxy
                + failover;
        if (remote) {
            return new GuestRecord(vm.name(), proxy, TaskStatus.NOT_EXECUTED, false, channel, action
                    + "; not executed: " + plan.platform() + " guest processing cannot run on this machine, the disks"
                    + " are read crash-consistent from their locations", Duration.ZERO);
        }
        return new GuestRecord(vm.name(), proxy, TaskStatus.SKIPPED, false, channel, action + "; skipped: no installed"
                + " point-in-time provider supports VM " + vm.name() + " (its disks are not on a QMP socket), so the"
                + " disks are read crash-consistent from their locations", Duration.ZERO);
    }

    private static String operations(GuestProcessing gp, VirtualMachine vm) {
        boolean windows = vm.spec().guestOs().family() == OsFamily.WINDOWS;
        List<String> steps = new ArrayList<>();
        if (gp.applicationAware()) {
            steps.add(windows ? "quiesce applications with VSS" : "freeze the file systems with the pre-freeze and"
                    + " post-thaw scripts");
        }
        if (gp.logProcessing()) {
            steps.add("process transaction logs");
        }
        if (gp.indexing()) {
            steps.add("index the guest file system");
        }
        if (steps.size() == 1) {
            return steps.get(0);
        }
        return String.join(", ", steps.subList(0, steps.size() - 1)) + " and " + steps.get(steps.size() - 1);
    }

    /** The guest channel the chosen proxy passed its connection rule with (VIX, PowerShell Direct, LAN). */
    private static String channel(Platform platform, VirtualMachine vm, GuestInteractionDecision gi) {
        String proxy = gi.proxy().orElse("");
        for (Candidate c : gi.candidates()) {
            if (!c.server().equalsIgnoreCase(proxy)) {
                continue;
            }
            for (RuleVerdict v : c.verdicts()) {
                if (!v.passed()) {
                    continue;
                }
                if (v.reason().startsWith("VIX")) {
                    return "VIX";
                }
                if (v.reason().startsWith("PowerShell Direct")) {
                    return "PowerShell Direct";
                }
                if (v.reason().startsWith("LAN connection")) {
                    return "network";
                }
            }
        }
        return switch (platform) {
            case VMWARE -> "network or VIX";
            case HYPERV -> vm.spec().guestOs().family() == OsFamily.WINDOWS ? "network or PowerShell Direct"
                    : "network";
            case PROXMOX -> "qemu-guest-agent";
        };
    }
}
