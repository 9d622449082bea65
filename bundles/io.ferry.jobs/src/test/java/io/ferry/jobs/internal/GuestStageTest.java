package io.ferry.jobs.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.FerryException;
import io.ferry.api.inventory.DiskFormat;
import io.ferry.api.inventory.OsInfo;
import io.ferry.api.inventory.Platform;
import io.ferry.api.inventory.VirtualDisk;
import io.ferry.api.inventory.VirtualMachine;
import io.ferry.api.inventory.VmSpec;
import io.ferry.api.job.GuestProcessing;
import io.ferry.api.job.JobSpec;
import io.ferry.api.job.ServerChoice;
import io.ferry.api.job.TransportChoice;
import io.ferry.api.selection.Candidate;
import io.ferry.api.selection.DecisionStatus;
import io.ferry.api.selection.GuestInteractionDecision;
import io.ferry.api.selection.RuleVerdict;
import io.ferry.api.selection.VmPlan;
import io.ferry.api.session.ChangedBlockLedger;
import io.ferry.api.session.GuestRecord;
import io.ferry.api.session.TaskStatus;
import io.ferry.api.spi.DiskView;
import io.ferry.api.spi.PointInTime;
import io.ferry.api.spi.PointInTimeProvider;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The guest processing stage of a VM (seed 001: 001_7a67f23d89d19bc8.txt). */
class GuestStageTest {

    private final InMemorySessionStore store = new InMemorySessionStore();
    private final ScriptedProvider provider = new ScriptedProvider();
    private final List<PointInTimeProvider> providers = new CopyOnWriteArrayList<>(List.of(provider));
    private final GuestStage stage = new GuestStage(() -> providers, store);

    /** Fails (throws) or reports a FAILED guest stage on some proxies; records its calls. */
    static final class ScriptedProvider implements PointInTimeProvider {
        final List<String> calls = new ArrayList<>();
        Set<String> unreachableFrom = Set.of();
        Set<String> guestFailsFrom = Set.of();
        Map<String, ChangedBlockLedger> ledgerSeen;

        @Override
        public boolean supports(VirtualMachine vm) {
            return vm.spec().disks().stream().allMatch(d -> d.location().startsWith("qemu+unix:"));
        }

        @Override
        public PointInTime open(VirtualMachine vm, boolean guestProcessing, String guestProxy,
                Map<String, ChangedBlockLedger> ledger) {
            calls.add("open on " + guestProxy + (guestProcessing ? "" : " without guest processing"));
            ledgerSeen = ledger;
            if (unreachableFrom.contains(guestProxy)) {
                throw new FerryException("guest agent of " + vm.name() + " does not answer from " + guestProxy);
            }
            TaskStatus status = guestFailsFrom.contains(guestProxy) ? TaskStatus.FAILED : TaskStatus.SUCCESS;
            GuestRecord record = new GuestRecord(vm.name(), guestProxy, status, true, "qemu-guest-agent",
                    status == TaskStatus.FAILED ? "guest-fsfreeze-freeze timed out" : "froze 1 file system",
                    Duration.ofMillis(70));
            List<DiskView> views = vm.spec().disks().stream().map(d -> new DiskView(d.label(),
                    "nbd+unix:///" + d.label() + "?socket=/run/vm.sock", d.capacityBytes(), null, "first backup"))
                    .toList();
            return new PointInTime() {
                @Override
                public GuestRecord guest() {
                    return record;
                }

                @Override
                public List<DiskView> disks() {
                    return views;
                }

                @Override
                public List<ChangedBlockLedger> commit(Map<String, String> backupIds) {
                    calls.add("commit");
                    return List.of();
                }

                @Override
                public List<ChangedBlockLedger> abort(String reason) {
                    calls.add("abort: " + reason);
                    return List.of(new ChangedBlockLedger(vm.name() + "/scsi0", null, 3, null, 0, false, reason,
                            Instant.now()));
                }

                @Override
                public void close() {
                }
            };
        }
    }

    private static VirtualMachine vm(String name, OsInfo os, String location) {
        return new VirtualMachine("id-" + name, 1, new VmSpec(name, "host-01", os, List.of(), List.of(
                new VirtualDisk("scsi0", 1 << 20, DiskFormat.QCOW2, location, Optional.empty())), Optional.empty(),
                false));
    }

    private static VirtualMachine qemuVm() {
        return vm("pve-01", OsInfo.linux("debian", "12"), "qemu+unix:///run/qemu/101.qmp?node=drive-scsi0");
    }

    private static JobSpec job(Platform platform, boolean guestProcessing) {
        return new JobSpec("job", platform, List.of("vm"), "repo-01", ServerChoice.AUTOMATIC,
                TransportChoice.AUTOMATIC, guestProcessing ? new GuestProcessing(true, false, false,
                        ServerChoice.AUTOMATIC) : GuestProcessing.DISABLED, false);
    }

    private static VmPlan plan(VirtualMachine vm, Platform platform, String proxy, List<Candidate> candidates) {
        GuestInteractionDecision gi = proxy == null
                ? new GuestInteractionDecision(DecisionStatus.NOT_REQUIRED, Optional.empty(), "off", List.of(),
                        Optional.empty())
                : new GuestInteractionDecision(DecisionStatus.ASSIGNED, Optional.of(proxy), "same network",
                        candidates, Optional.of("bk-01"));
        return new VmPlan(vm.name(), platform, "host-01", gi, List.of());
    }

    @Test
    void theGuestInteractionProxyProcessesTheGuestAndTheViewsAreReadWithTheDisksLedger() {
        ChangedBlockLedger entry = new ChangedBlockLedger("pve-01/scsi0", "ferry-4", 4, "b4", 1 << 20, true, null,
                Instant.now());
        store.saveLedger(entry);

        VmViews views = stage.open(job(Platform.PROXMOX, true), qemuVm(), plan(qemuVm(), Platform.PROXMOX, "gip-01",
                List.of()));

        assertEquals(List.of("open on gip-01"), provider.calls);
        assertEquals(Map.of("scsi0", entry), provider.ledgerSeen);
        assertEquals(TaskStatus.SUCCESS, views.guest().status());
        assertEquals("gip-01", views.guest().proxy());
        assertEquals("nbd+unix:///scsi0?socket=/run/vm.sock", views.disk("SCSI0").location());
        assertEquals(entry, views.disk("scsi0").ledger());
        assertTrue(views.pointInTime().isPresent());
    }

    /** Seed 001: if the guest interaction proxy fails to connect, the backup server takes over. */
    @Test
    void whenTheGuestInteractionProxyCannotReachTheGuestTheBackupServerTakesOverAndTheRecordSaysSo() {
        provider.unreachableFrom = Set.of("gip-01");

        VmViews views = stage.open(job(Platform.PROXMOX, true), qemuVm(), plan(qemuVm(), Platform.PROXMOX, "gip-01",
                List.of()));

        assertEquals(List.of("open on gip-01", "open on bk-01"), provider.calls);
        GuestRecord g = views.guest();
        assertEquals(TaskStatus.WARNING, g.status(), "a failover is a warning");
        assertEquals("bk-01", g.proxy());
        assertEquals("guest interaction proxy gip-01 could not process the guest (guest agent of pve-01 does not"
                + " answer from gip-01); the backup server bk-01 took over (seed 001): froze 1 file system",
                g.detail());
        assertNull(views.disk("scsi0").problem());
    }

    @Test
    void aGuestStageReportedFailedIsAbortedAndRetriedOnTheBackupServerKeepingTheLedgerItReturns() {
        provider.guestFailsFrom = Set.of("gip-01");

        VmViews views = stage.open(job(Platform.PROXMOX, true), qemuVm(), plan(qemuVm(), Platform.PROXMOX, "gip-01",
                List.of()));

        assertEquals("open on gip-01", provider.calls.get(0));
        assertTrue(provider.calls.get(1).startsWith("abort: guest interaction proxy gip-01 could not process the"
                + " guest; failing over to bk-01"), provider.calls.toString());
        assertEquals("open on bk-01", provider.calls.get(2));
        assertFalse(store.ledger("pve-01/scsi0").orElseThrow().trusted(), "the aborted view's ledger is stored");
        assertEquals(TaskStatus.WARNING, views.guest().status());
        assertTrue(views.guest().detail().contains("(guest-fsfreeze-freeze timed out)"), views.guest().detail());
    }

    @Test
    void whenNeitherProxyReachesTheGuestNoDiskOfTheVmCanBeReadAndTheReasonNamesBoth() {
        provider.unreachableFrom = Set.of("gip-01", "bk-01");

        VmViews views = stage.open(job(Platform.PROXMOX, true), qemuVm(), plan(qemuVm(), Platform.PROXMOX, "gip-01",
                List.of()));

        assertEquals(TaskStatus.FAILED, views.guest().status());
        String problem = views.disk("scsi0").problem();
        assertTrue(problem.startsWith("guest processing stage of VM pve-01 failed: cannot take point-in-time views"
                + " of the disks: on guest interaction proxy gip-01: guest agent of pve-01 does not answer from gip-01;"
                + " on the failover proxy bk-01: guest agent of pve-01 does not answer from bk-01"), problem);
        assertTrue(views.pointInTime().isEmpty());
    }

    @Test
    void withoutGuestProcessingTheViewsAreTakenWithoutFreezingAndWithoutFailover() {
        provider.unreachableFrom = Set.of("");

        VmViews views = stage.open(job(Platform.PROXMOX, false), qemuVm(), plan(qemuVm(), Platform.PROXMOX, null,
                List.of()));

        assertEquals(List.of("open on  without guest processing"), provider.calls);
        assertTrue(views.disk("scsi0").problem().contains("cannot take point-in-time views"));
    }

    @Test
    void hyperVGuestProcessingIsRecordedNotExecutedWithTheChannelTheProxyPassedItsRuleWith() {
        VirtualMachine vm = vm("sql-01", OsInfo.windows("server", "2019"), "\\\\fs01\\vms\\sql-01.vhdx");
        Candidate chosen = new Candidate("gip-win-01", true, 3, 0, 4, List.of(RuleVerdict.pass("hyperv-lan-connection",
                "PowerShell Direct: gip-win-01 shares no network with VM sql-01, but host hv-01 runs Hyper-V 2019",
                "001_7a67f23d89d19bc8.txt")));

        VmViews views = stage.open(job(Platform.HYPERV, true), vm, plan(vm, Platform.HYPERV, "gip-win-01",
                List.of(chosen)));

        GuestRecord g = views.guest();
        assertEquals(TaskStatus.NOT_EXECUTED, g.status());
        assertFalse(g.executed());
        assertEquals("PowerShell Direct", g.channel());
        assertEquals("would quiesce applications with VSS through PowerShell Direct on guest interaction proxy"
                + " gip-win-01 (failover: bk-01); not executed: HYPERV guest processing cannot run on this machine,"
                + " the disks are read crash-consistent from their locations", g.detail());
        assertEquals("\\\\fs01\\vms\\sql-01.vhdx", views.disk("scsi0").location(), "read from its location");
        assertTrue(provider.calls.isEmpty());
    }

    @Test
    void aRunningQemuVmWithoutAProviderIsSkippedAndItsDisksCannotBeRead() {
        providers.clear();

        VmViews views = stage.open(job(Platform.PROXMOX, true), qemuVm(), plan(qemuVm(), Platform.PROXMOX, "gip-01",
                List.of()));

        assertEquals(TaskStatus.SKIPPED, views.guest().status());
        assertTrue(views.guest().detail().contains("no installed point-in-time provider supports VM pve-01"));
        assertTrue(views.disk("scsi0").problem().contains("needs a point-in-time provider (the Proxmox plugin"),
                views.disk("scsi0").problem());
    }
}
