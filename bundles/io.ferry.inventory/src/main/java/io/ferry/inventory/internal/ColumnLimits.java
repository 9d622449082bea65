package io.ferry.inventory.internal;

import io.ferry.api.inventory.Cidr;
import io.ferry.api.inventory.HostSpec;
import io.ferry.api.inventory.OsInfo;
import io.ferry.api.inventory.ServerSpec;
import io.ferry.api.inventory.VirtualDisk;
import io.ferry.api.inventory.VmSpec;
import io.ferry.api.job.JobSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The column sizes of the inventory schema (migrations V1, V2) as validation: every text an object brings
 * is checked against the column that stores it, so a value that does not fit is refused naming its field
 * (by the shell's add/update and by import, its --dry-run included) instead of failing as a database error
 * when written. Names, labels and keys are limited by the API's own checks (63 characters).
 */
final class ColumnLimits {
    static final int ADDRESS = 253;
    static final int OS_PART = 64;
    static final int TEXT = 255;
    static final int CIDR = 64;
    static final int KEY = 63;
    static final int FACT_VALUE = 1024;
    static final int DISK_LOCATION = 4096;
    static final int SCHEDULE = 1000;

    private ColumnLimits() {
    }

    static void server(ServerSpec s) {
        Bounded.text("address", s.address(), ADDRESS);
        os("os", s.os());
        networks(s.networks());
        Bounded.text("site", s.site().orElse(null), TEXT);
        Bounded.text("domain", s.domain().orElse(null), TEXT);
        each("trustedDomains", List.copyOf(s.trustedDomains()), TEXT);
        for (Map.Entry<String, String> fact : s.facts().entrySet()) {
            Bounded.text("facts", fact.getKey(), KEY);
            Bounded.text("facts." + fact.getKey(), fact.getValue(), FACT_VALUE);
        }
        each("installedPackages", List.copyOf(s.installedPackages()), TEXT);
    }

    static void host(HostSpec h) {
        Bounded.text("address", h.address(), ADDRESS);
        Bounded.text("version", h.version().orElse(null), TEXT);
        Bounded.text("domain", h.domain().orElse(null), TEXT);
    }

    static void vm(VmSpec v) {
        os("guestOs", v.guestOs());
        networks(v.networks());
        v.credentials().ifPresent(c -> Bounded.text("credentials.user", c.user(), TEXT));
        for (int i = 0; i < v.disks().size(); i++) {
            VirtualDisk d = v.disks().get(i);
            Bounded.text("disks[" + i + "].label", d.label(), KEY);
            Bounded.text("disks[" + i + "].location", d.location(), DISK_LOCATION);
            Bounded.text("disks[" + i + "].storage", d.storage().orElse(null), KEY);
        }
    }

    static void job(JobSpec j) {
        Bounded.text("schedule", Optional.ofNullable(j.schedule()).map(s -> s.text()).orElse(null), SCHEDULE);
    }

    private static void os(String field, OsInfo os) {
        Bounded.text(field + ".distribution", os.distribution(), OS_PART);
        Bounded.text(field + ".version", os.version(), OS_PART);
    }

    private static void networks(List<Cidr> networks) {
        for (int i = 0; i < networks.size(); i++) {
            Bounded.text("networks[" + i + "]", networks.get(i).value(), CIDR);
        }
    }

    private static void each(String field, List<String> values, int max) {
        for (int i = 0; i < values.size(); i++) {
            Bounded.text(field + "[" + i + "]", values.get(i), max);
        }
    }
}
