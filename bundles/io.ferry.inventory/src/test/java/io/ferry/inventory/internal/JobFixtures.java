package io.ferry.inventory.internal;

import io.ferry.api.inventory.Platform;
import io.ferry.api.inventory.TransportMode;
import io.ferry.api.job.GuestProcessing;
import io.ferry.api.job.JobSpec;
import io.ferry.api.job.ServerChoice;
import io.ferry.api.job.TransportChoice;
import java.util.List;

/** Jobs over {@link InventoryFixtures#populate}: one per platform, every field used. */
final class JobFixtures {
    private JobFixtures() {
    }

    /** VMware: explicit proxies, fixed transport mode without failover, full guest processing, preferred guest proxies. */
    static JobSpec webNightly() {
        return new JobSpec("web-nightly", Platform.VMWARE, List.of("web-01"), "px-win-01",
                ServerChoice.preferred(List.of("px-lin-01", "backup-01")),
                TransportChoice.fixed(TransportMode.VIRTUAL_APPLIANCE, false),
                new GuestProcessing(true, true, true, ServerChoice.preferred(List.of("rocky-01", "px-win-01"))), false);
    }

    /** Hyper-V: everything automatic, on-host fallback allowed. */
    static JobSpec sqlHourly() {
        return JobSpec.of("sql-hourly", Platform.HYPERV, List.of("sql-01"), "px-win-01");
    }

    /** Proxmox VE: the backup server as general-purpose proxy, application-aware processing. */
    static JobSpec dcDaily() {
        return new JobSpec("dc-daily", Platform.PROXMOX, List.of("dc-01"), "px-win-01",
                ServerChoice.preferred(List.of("backup-01")), TransportChoice.AUTOMATIC,
                new GuestProcessing(true, false, false, ServerChoice.AUTOMATIC), false);
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

        private Spec(JobSpec s) {
            name = s.name();
            platform = s.platform();
            vms = s.vms();
            repository = s.repository();
            proxies = s.proxies();
            transport = s.transport();
            guestProcessing = s.guestProcessing();
            onHostFallback = s.onHostFallback();
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

        JobSpec build() {
            return new JobSpec(name, platform, vms, repository, proxies, transport, guestProcessing, onHostFallback);
        }
    }
}
