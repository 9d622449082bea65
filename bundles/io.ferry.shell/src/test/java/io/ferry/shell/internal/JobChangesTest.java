package io.ferry.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.ValidationException;
import io.ferry.api.inventory.Platform;
import io.ferry.api.inventory.TransportMode;
import io.ferry.api.job.GuestProcessing;
import io.ferry.api.job.JobSpec;
import io.ferry.api.job.Schedule;
import io.ferry.api.job.ServerChoice;
import io.ferry.api.job.TransportChoice;
import io.ferry.api.repository.RetentionPolicy;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobChangesTest {

    private static final JobSpec VMWARE = new JobSpec("web", Platform.VMWARE, List.of("web-01", "web-02"), "repo-01",
            ServerChoice.preferred(List.of("px-01")), TransportChoice.fixed(TransportMode.VIRTUAL_APPLIANCE, false),
            GuestProcessing.DISABLED, false);

    @Test
    void nothingGivenIsEmpty() {
        assertTrue(new JobChanges().isEmpty());
        assertTrue(new JobChanges().addVms(List.of()).isEmpty());
        assertFalse(new JobChanges().autoGuestProxy(true).isEmpty());
        assertFalse(new JobChanges().schedule("manual").isEmpty());
        assertFalse(new JobChanges().keepMonthly(0).isEmpty());
    }

    @Test
    void scheduleAndRetentionAreKeptUnlessGiven() {
        JobSpec scheduled = VMWARE.withSchedule(Schedule.parse("daily 22:00"))
                .withRetention(new RetentionPolicy(5, 0, 4, 0));
        JobSpec renamed = new JobChanges().rename("web-2").applyTo(scheduled);
        assertEquals(scheduled.schedule(), renamed.schedule());
        assertEquals(scheduled.retention(), renamed.retention());
        JobSpec changed = new JobChanges().schedule("weekly sun 01:00").keepWeekly(10).applyTo(scheduled);
        assertEquals("weekly sun 01:00", changed.schedule().text());
        assertEquals(new RetentionPolicy(5, 0, 10, 0), changed.retention());
    }

    @Test
    void vmListIsReplacedThenChangedByAddAndRemove() {
        JobSpec spec = new JobChanges().vms(List.of("web-03", "web-04")).addVms(List.of("web-05"))
                .removeVms(List.of("WEB-03")).applyTo(VMWARE);
        assertEquals(List.of("web-04", "web-05"), spec.vms());
    }

    @Test
    void addingAVmTwiceOrRemovingOneNotInTheJobIsRefused() {
        assertEquals("--add-vm: VM 'WEB-01' is in job 'web' already", assertThrows(ValidationException.class,
                () -> new JobChanges().addVms(List.of("WEB-01")).applyTo(VMWARE)).getMessage());
        assertEquals("--remove-vm: VM 'web-09' is not in job 'web'; it backs up web-01, web-02",
                assertThrows(ValidationException.class,
                        () -> new JobChanges().removeVms(List.of("web-09")).applyTo(VMWARE)).getMessage());
        assertTrue(assertThrows(ValidationException.class, () -> new JobChanges()
                .removeVms(List.of("web-01", "web-02")).applyTo(VMWARE)).getMessage()
                .startsWith("--remove-vm: would leave job 'web' without VMs"));
    }

    @Test
    @org.junit.jupiter.api.DisplayName("seed 003_4fc908c7710b8ec3.txt: a new fixed mode keeps the failover setting;"
            + " auto mode may always fail over to network")
    void transportChangesKeepOrResetFailover() {
        assertEquals(TransportChoice.fixed(TransportMode.DIRECT_STORAGE_ACCESS, false),
                new JobChanges().transportMode("direct-storage-access").applyTo(VMWARE).transport());
        assertEquals(TransportChoice.AUTOMATIC, new JobChanges().transportMode("auto").applyTo(VMWARE).transport());
        assertEquals(TransportChoice.fixed(TransportMode.VIRTUAL_APPLIANCE, true),
                new JobChanges().failover(true).applyTo(VMWARE).transport());
        assertTrue(assertThrows(ValidationException.class, () -> new JobChanges().transportMode("auto").noFailover(true)
                .applyTo(VMWARE)).getMessage().startsWith("--no-failover: applies only to a fixed --transport-mode"));
    }

    @Test
    @org.junit.jupiter.api.DisplayName("seed 004_896724e719374b4d.txt: a job that becomes a Hyper-V job falls back"
            + " on-host by default; leaving VMware resets the transport mode")
    void aNewPlatformResetsWhatDoesNotExistThere() {
        JobSpec hyperV = new JobChanges().platform("hyperv").vms(List.of("sql-01")).autoProxy(true).applyTo(VMWARE);
        assertEquals(Platform.HYPERV, hyperV.platform());
        assertEquals(TransportChoice.AUTOMATIC, hyperV.transport());
        assertTrue(hyperV.onHostFallback());
        assertFalse(new JobChanges().onHostFallback(false).applyTo(hyperV).onHostFallback());
        JobSpec back = new JobChanges().platform("vmware").applyTo(hyperV);
        assertFalse(back.onHostFallback());
        assertEquals("--transport-mode: applies only to vmware jobs, not to hyperv jobs",
                assertThrows(ValidationException.class,
                        () -> new JobChanges().transportMode("network").applyTo(hyperV)).getMessage());
        assertEquals("--on-host-fallback: applies only to hyperv jobs, not to vmware jobs",
                assertThrows(ValidationException.class,
                        () -> new JobChanges().onHostFallback(true).applyTo(VMWARE)).getMessage());
    }

    @Test
    void serverListsAreReplacedOrMadeAutomatic() {
        JobSpec spec = new JobChanges().proxies(List.of("px-02", "px-03")).guestProxies(List.of("gip-01"))
                .applyTo(VMWARE);
        assertEquals(ServerChoice.preferred(List.of("px-02", "px-03")), spec.proxies());
        assertEquals(ServerChoice.preferred(List.of("gip-01")), spec.guestProcessing().guestProxies());
        assertEquals(ServerChoice.AUTOMATIC, new JobChanges().autoProxy(true).applyTo(spec).proxies());
        assertEquals(ServerChoice.AUTOMATIC, new JobChanges().proxies(List.of("")).applyTo(spec).proxies(),
                "an empty --proxy \"\" clears the list, as --trusted-domain \"\" does");
        assertEquals(ServerChoice.AUTOMATIC,
                new JobChanges().autoGuestProxy(true).applyTo(spec).guestProcessing().guestProxies());
    }

    @Test
    void turningApplicationAwareProcessingOffWhileLogProcessingIsOnNamesTheOption() {
        JobSpec withLogs = new JobChanges().applicationAware(true).logProcessing(true).applyTo(VMWARE);
        assertEquals("--log-processing: transaction log processing needs application-aware processing; enable both",
                assertThrows(ValidationException.class,
                        () -> new JobChanges().applicationAware(false).applyTo(withLogs)).getMessage());
    }
}
