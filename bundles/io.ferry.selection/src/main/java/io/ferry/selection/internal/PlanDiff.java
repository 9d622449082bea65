package io.ferry.selection.internal;

import io.ferry.api.selection.DecisionStatus;
import io.ferry.api.selection.DiskDecision;
import io.ferry.api.selection.GuestInteractionDecision;
import io.ferry.api.selection.Plan;
import io.ferry.api.selection.PlanChange;
import io.ferry.api.selection.VmPlan;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The differences between two plans of the same job, one row per changed decision: the
 * guest interaction proxy ({@value #GUEST_INTERACTION}) and each disk, described in one
 * line ("px-02 via virtual-appliance", "px-02 via network, wave 1", "CANNOT_PROCESS: ...").
 */
final class PlanDiff {
    static final String GUEST_INTERACTION = "guest interaction";
    static final String ABSENT = "not in the plan";

    private PlanDiff() {
    }

    static List<PlanChange> between(Plan before, Plan after) {
        Map<String, VmPlan> afterByVm = byVm(after);
        Map<String, VmPlan> beforeByVm = byVm(before);
        List<PlanChange> out = new ArrayList<>();
        for (VmPlan b : before.vms()) {
            VmPlan a = afterByVm.get(key(b.vm()));
            compare(out, b.vm(), GUEST_INTERACTION, describe(b.guestInteraction()),
                    a == null ? ABSENT : describe(a.guestInteraction()));
            Map<String, DiskDecision> afterDisks = new LinkedHashMap<>();
            if (a != null) {
                a.disks().forEach(d -> afterDisks.put(key(d.disk()), d));
            }
            for (DiskDecision d : b.disks()) {
                DiskDecision ad = afterDisks.remove(key(d.disk()));
                compare(out, b.vm(), d.disk(), describe(d), ad == null ? ABSENT : describe(ad));
            }
            afterDisks.values().forEach(d -> compare(out, b.vm(), d.disk(), ABSENT, describe(d)));
        }
        for (VmPlan a : after.vms()) {
            if (!beforeByVm.containsKey(key(a.vm()))) {
                compare(out, a.vm(), GUEST_INTERACTION, ABSENT, describe(a.guestInteraction()));
                a.disks().forEach(d -> compare(out, a.vm(), d.disk(), ABSENT, describe(d)));
            }
        }
        return out;
    }

    static String describe(GuestInteractionDecision d) {
        return switch (d.status()) {
            case ASSIGNED, WAITING_FOR_SLOT -> d.proxy().orElse("?");
            case NOT_REQUIRED -> "not required";
            default -> d.status() + ": " + d.reason();
        };
    }

    static String describe(DiskDecision d) {
        if (d.status() != DecisionStatus.ASSIGNED && d.status() != DecisionStatus.WAITING_FOR_SLOT) {
            return d.status() + ": " + d.reason();
        }
        String what = d.proxy().orElse("?") + " via " + d.transportMode().orElse("?");
        return d.wave() == 0 ? what : what + ", wave " + d.wave();
    }

    private static void compare(List<PlanChange> out, String vm, String item, String before, String after) {
        if (!before.equals(after)) {
            out.add(new PlanChange(vm, item, before, after));
        }
    }

    private static Map<String, VmPlan> byVm(Plan plan) {
        Map<String, VmPlan> out = new LinkedHashMap<>();
        plan.vms().forEach(v -> out.put(key(v.vm()), v));
        return out;
    }

    private static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
