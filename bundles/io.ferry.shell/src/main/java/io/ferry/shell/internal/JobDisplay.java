package io.ferry.shell.internal;

import io.ferry.api.job.GuestProcessing;
import io.ferry.api.job.JobSpec;
import io.ferry.api.job.Schedule;
import io.ferry.api.job.ServerChoice;
import io.ferry.api.job.TransportChoice;
import io.ferry.api.repository.RetentionPolicy;
import java.util.ArrayList;
import java.util.List;

/** How job settings read in tables, details and messages. */
final class JobDisplay {

    private JobDisplay() {
    }

    /** {@code vmware, 2 VMs, repository repo-01}. */
    static String summary(JobSpec spec) {
        int vms = spec.vms().size();
        return EnumNames.display(spec.platform()) + ", " + vms + (vms == 1 ? " VM" : " VMs") + ", repository "
                + spec.repository();
    }

    /** {@code automatic} or the servers in order. */
    static String servers(ServerChoice choice) {
        return choice.automatic() ? "automatic" : Display.list(choice.servers());
    }

    /** {@code auto} or the fixed mode and whether it may fall back to network mode. */
    static String transport(TransportChoice transport) {
        return transport.fixedMode().map(m -> EnumNames.display(m) + (transport.failoverToNetwork()
                ? ", failover to network" : ", no failover")).orElse(RoleRequest.AUTO);
    }

    /** {@code manual}, or the schedule as saved, e.g. {@code weekly mon,thu 21:30}. */
    static String schedule(Schedule schedule) {
        return schedule.text();
    }

    /** The rules that keep something, e.g. {@code last 3, daily 14, monthly 12}. */
    static String retention(RetentionPolicy retention) {
        List<String> rules = new ArrayList<>();
        if (retention.keepLast() > 0) {
            rules.add("last " + retention.keepLast());
        }
        if (retention.keepDaily() > 0) {
            rules.add("daily " + retention.keepDaily());
        }
        if (retention.keepWeekly() > 0) {
            rules.add("weekly " + retention.keepWeekly());
        }
        if (retention.keepMonthly() > 0) {
            rules.add("monthly " + retention.keepMonthly());
        }
        return String.join(", ", rules);
    }

    /** {@code application-aware, indexing} or {@code off}. */
    static String guestProcessing(GuestProcessing gp) {
        List<String> on = new ArrayList<>();
        if (gp.applicationAware()) {
            on.add("application-aware");
        }
        if (gp.indexing()) {
            on.add("indexing");
        }
        if (gp.logProcessing()) {
            on.add("log processing");
        }
        return on.isEmpty() ? "off" : String.join(", ", on);
    }
}
