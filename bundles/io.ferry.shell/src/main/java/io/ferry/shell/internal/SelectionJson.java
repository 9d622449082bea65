package io.ferry.shell.internal;

import io.ferry.api.inventory.Platform;
import io.ferry.api.selection.Candidate;
import io.ferry.api.selection.CheckResult;
import io.ferry.api.selection.DiskDecision;
import io.ferry.api.selection.GuestInteractionDecision;
import io.ferry.api.selection.Plan;
import io.ferry.api.selection.PlanChange;
import io.ferry.api.selection.PluginInfo;
import io.ferry.api.selection.ReadinessReport;
import io.ferry.api.selection.RuleVerdict;
import io.ferry.api.selection.Scenario;
import io.ferry.api.selection.TransportStep;
import io.ferry.api.selection.VmPlan;
import io.ferry.api.selection.WhatIf;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The selection records as JSON, for {@code --json}, laid out by {@link JsonText} like every
 * other {@code --json} output. Members are named and ordered like the record components; an empty {@code Optional} is left out, as in the inventory file format;
 * enum values are their constant names ({@code ASSIGNED}, {@code VMWARE_PROXY}); sets are sorted.
 */
final class SelectionJson {

    private SelectionJson() {
    }

    static String plan(Plan plan) {
        JsonText w = new JsonText();
        writePlan(w, plan);
        return w.text();
    }

    static String whatIf(WhatIf whatIf) {
        JsonText w = new JsonText().beginObject();
        w.name("scenario");
        writeScenario(w, whatIf.scenario());
        w.name("changes").beginArray();
        for (PlanChange c : whatIf.changes()) {
            w.beginObject().field("vm", c.vm()).field("item", c.item()).field("before", c.before())
                    .field("after", c.after()).endObject();
        }
        w.endArray();
        w.name("before");
        writePlan(w, whatIf.before());
        w.name("after");
        writePlan(w, whatIf.after());
        return w.endObject().text();
    }

    static String readiness(List<ReadinessReport> reports) {
        JsonText w = new JsonText().beginArray();
        for (ReadinessReport r : reports) {
            w.beginObject().field("server", r.server()).field("role", r.role().name()).field("ready", r.ready());
            w.name("results").beginArray();
            for (CheckResult c : r.results()) {
                w.beginObject().field("check", c.check()).field("ok", c.ok()).field("severity", c.severity().name())
                        .field("detail", c.detail());
                unlessEmpty(w, "fix", c.fix());
                unlessEmpty(w, "seed", c.seed());
                w.endObject();
            }
            w.endArray().endObject();
        }
        return w.endArray().text();
    }

    static String plugins(List<PluginInfo> plugins) {
        JsonText w = new JsonText().beginArray();
        for (PluginInfo p : plugins) {
            w.beginObject().field("bundle", p.bundle()).field("state", p.state().name())
                    .field("spiVersion", p.spiVersion());
            optional(w, "platform", p.platform().map(Platform::name));
            strings(w, "contributions", p.contributions());
            unlessEmpty(w, "reason", p.reason());
            w.endObject();
        }
        return w.endArray().text();
    }

    private static void writePlan(JsonText w, Plan plan) {
        w.beginObject().field("subject", plan.subject());
        w.name("vms").beginArray();
        for (VmPlan vm : plan.vms()) {
            writeVm(w, vm);
        }
        w.endArray();
        strings(w, "unservedPlatforms", new TreeSet<>(plan.unservedPlatforms().stream().map(Platform::name).toList()));
        strings(w, "warnings", plan.warnings());
        w.endObject();
    }

    private static void writeVm(JsonText w, VmPlan vm) {
        w.beginObject().field("vm", vm.vm()).field("platform", vm.platform().name()).field("host", vm.host());
        GuestInteractionDecision g = vm.guestInteraction();
        w.name("guestInteraction").beginObject().field("status", g.status().name());
        optional(w, "proxy", g.proxy());
        w.field("reason", g.reason());
        writeCandidates(w, g.candidates());
        optional(w, "failoverProxy", g.failoverProxy());
        w.endObject();
        w.name("disks").beginArray();
        for (DiskDecision d : vm.disks()) {
            writeDisk(w, d);
        }
        w.endArray().endObject();
    }

    private static void writeDisk(JsonText w, DiskDecision d) {
        w.beginObject().field("disk", d.disk()).field("status", d.status().name());
        optional(w, "proxy", d.proxy());
        optional(w, "transportMode", d.transportMode());
        w.field("reason", d.reason());
        w.name("negotiation").beginArray();
        for (TransportStep s : d.negotiation()) {
            w.beginObject().field("mode", s.mode()).field("available", s.available()).field("reason", s.reason())
                    .field("fallback", s.fallback()).endObject();
        }
        w.endArray();
        writeCandidates(w, d.candidates());
        strings(w, "warnings", d.warnings());
        w.field("wave", d.wave());
        w.endObject();
    }

    private static void writeCandidates(JsonText w, List<Candidate> candidates) {
        w.name("candidates").beginArray();
        for (Candidate c : candidates) {
            w.beginObject().field("server", c.server()).field("eligible", c.eligible()).field("tier", c.tier())
                    .field("runningTasks", c.runningTasks()).field("taskSlots", c.taskSlots());
            w.name("verdicts").beginArray();
            for (RuleVerdict v : c.verdicts()) {
                w.beginObject().field("rule", v.rule()).field("passed", v.passed()).field("reason", v.reason());
                unlessEmpty(w, "seed", v.seed());
                w.endObject();
            }
            w.endArray().endObject();
        }
        w.endArray();
    }

    private static void writeScenario(JsonText w, Scenario s) {
        w.beginObject();
        strings(w, "removedServers", s.removedServers());
        w.name("taskSlots").beginObject();
        new TreeMap<>(s.taskSlots()).forEach((server, slots) -> w.field(server, slots));
        w.endObject();
        strings(w, "failedTransportModes", new TreeSet<>(s.failedTransportModes()));
        w.endObject();
    }

    private static void strings(JsonText w, String name, Iterable<String> values) {
        w.name(name).beginArray();
        values.forEach(w::value);
        w.endArray();
    }

    private static void optional(JsonText w, String name, Optional<String> value) {
        value.ifPresent(v -> w.field(name, v));
    }

    /** Seeds and fixes are empty strings when there is none; left out like an empty Optional. */
    private static void unlessEmpty(JsonText w, String name, String value) {
        if (!value.isEmpty()) {
            w.field(name, value);
        }
    }
}
