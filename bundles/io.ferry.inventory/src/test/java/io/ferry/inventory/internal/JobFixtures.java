package io.ferry.inventory.internal;

import io.ferry.api.inventory.Platform;
import io.ferry.api.inventory.TransportMode;
import io.ferry.api.job.GuestProcessing;
import io.ferry.api.job.JobSpec;
import io.ferry.api.job.Schedule;
import io.ferry.api.job.ServerChoice;
import io.ferry.api.job.TransportChoice;
import io.ferry.api.repository.RetentionPolicy;
import java.util.List;

/** Jobs over {@link InventoryFixtures#populate}: one per platform, every field used. */
final class JobFixtures {
    private JobFixtures() {
    }

    /**
     * VMware: explicit proxies, fixed transport mode without failover, full guest processing, preferred guest
     * proxies, a weekly schedule and a retention using every rule.
     */
    static JobSpec webNightly() {
        return new JobSpec("web-nightly", Platform.VMWARE, List.of("web-01"), "px-win-01",
                ServerChoice.preferred(List.of("px-lin-01", "backup-01")),
                TransportChoice.fixed(TransportMode.VIRTUAL_APPLIANCE, false),
                new GuestProcessing(true, true, true, ServerChoice.preferred(List.of("rocky-01", "px-win-01"))), false,
                Schedule.parse("weekly mon,thu 21:30"), new RetentionPolicy(3, 14, 8, 12));
    }

    /** Hyper-V: everything automatic, on-host fallback allowed, run manually, the default retention. */
    static JobSpec sqlHourly() {
        return JobSpec.of("sql-hourly", Platform.HYPERV, List.of("sql-01"), "px-win-01");
    }

    /** Proxmox VE: the backup server as general-purpose proxy, application-aware processing, daily, keep 30. */
    static JobSpec dcDaily() {
        return new JobSpec("dc-daily", Platform.PROXMOX, List.of("dc-01"), "px-win-01",
                ServerChoice.preferred(List.of("backup-01")), TransportChoice.AUTOMATIC,
                new GuestProcessing(true, false, false, ServerChoice.AUTOMATIC), false, Schedule.parse("daily 22:00"),
                RetentionPolicy.keepLast(30));
    }

    /** A changed copy of a spec. */
    static Spec from(JobSpec spec) {
        return new Spec(spec);
    }

    static final class Spec {
        private String name;
        private Platform platform;
        private List<String> vms;
        private String repository;
        private ServerChoice proxies;
        private TransportChoice transport;
        private GuestProcessing guestProcessing;
        private boolean onHostFallback;
        private Schedule schedule;
        private RetentionPolicy retention;

        private Spec(JobSpec s) {
            name = s.name();
            platform = s.platform();
            vms = s.vms();
            repository = s.repository();
            proxies = s.proxies();
            transport = s.transport();
            guestProcessing = s.guestProcessing();
            onHostFallback = s.onHostFallback();
            schedule = s.schedule();
            retention = s.retention();
        }

        Spec name(String value) {
            name = value;
            return this;
        }

        Spec vms(String... value) {
            vms = List.of(value);
            return this;
        }

        Spec repository(String value) {
            repository = value;
            return this;
        }

        Spec proxies(String... value) {
            proxies = value.length == 0 ? ServerChoice.AUTOMATIC : ServerChoice.preferred(List.of(value));
            return this;
        }

        Spec transport(TransportChoice value) {
            transport = value;
            return this;
        }

        Spec guestProxies(String... value) {
            GuestProcessing g = guestProcessing;
            guestProcessing = new GuestProcessing(g.applicationAware(), g.indexing(), g.logProcessing(),
                    value.length == 0 ? ServerChoice.AUTOMATIC : ServerChoice.preferred(List.of(value)));
            return this;
        }

        Spec schedule(String value) {
            schedule = Schedule.parse(value);
            return this;
        }

        Spec retention(int keepLast, int keepDaily, int keepWeekly, int keepMonthly) {
            retention = new RetentionPolicy(keepLast, keepDaily, keepWeekly, keepMonthly);
            return this;
        }

        JobSpec build() {
            return new JobSpec(name, platform, vms, repository, proxies, transport, guestProcessing, onHostFallback,
                    schedule, retention);
        }
    }
}
