package io.ferry.rest.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ferry.api.agent.AgentCapabilities;
import io.ferry.api.agent.AgentInfo;
import io.ferry.api.audit.AuditEntry;
import io.ferry.api.inventory.Platform;
import io.ferry.api.job.GuestProcessing;
import io.ferry.api.job.Job;
import io.ferry.api.job.JobSpec;
import io.ferry.api.job.ServerChoice;
import io.ferry.api.repository.RetentionPolicy;
import io.ferry.api.selection.PluginInfo;
import io.ferry.api.session.GuestRecord;
import io.ferry.api.session.Session;
import io.ferry.api.session.TaskProgress;
import io.ferry.api.session.TaskRecord;
import io.ferry.api.session.TaskStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The API records as JSON, member for member as the shell's {@code --json} prints them
 * (io.ferry.shell: JobJson, SessionJson, SelectionJson.plugins, AgentListCommand.json,
 * AuditListCommand.json), so a script can move from {@code bin/client} to the API without
 * renaming anything: enum values are the constants' names, sizes bytes, times ISO-8601
 * instants, durations milliseconds, and a member whose value is unknown is left out.
 */
final class Views {
    /** An agent without a heartbeat for this long is {@code lost} (as ferry:agent-list says). */
    static final Duration AGENT_LOST_AFTER = Duration.ofSeconds(30);

    private final ObjectMapper mapper;

    Views(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    // --- jobs: the jobs entries of the inventory export, plus id and version -------------------

    ObjectNode job(Job job) {
        JobSpec spec = job.spec();
        ObjectNode o = mapper.createObjectNode();
        o.put("id", job.id()).put("version", job.version()).put("name", spec.name()).put("platform", spec.platform().name());
        strings(o.putArray("vms"), spec.vms());
        o.put("repository", spec.repository());
        choice(o.putObject("proxies"), spec.proxies());
        o.put("transportMode", spec.transport().fixedMode().map(Enum::name).orElse("AUTOMATIC"))
                .put("failoverToNetwork", spec.transport().failoverToNetwork());
        GuestProcessing gp = spec.guestProcessing();
        ObjectNode guest = o.putObject("guestProcessing").put("applicationAware", gp.applicationAware())
                .put("indexing", gp.indexing()).put("logProcessing", gp.logProcessing());
        choice(guest.putObject("guestProxies"), gp.guestProxies());
        RetentionPolicy retention = spec.retention();
        o.put("onHostFallback", spec.onHostFallback()).put("schedule", spec.schedule().text());
        o.putObject("retention").put("keepLast", retention.keepLast()).put("keepDaily", retention.keepDaily())
                .put("keepWeekly", retention.keepWeekly()).put("keepMonthly", retention.keepMonthly());
        return o;
    }

    private static void choice(ObjectNode o, ServerChoice choice) {
        o.put("automatic", choice.automatic());
        if (!choice.servers().isEmpty()) {
            strings(o.putArray("servers"), choice.servers());
        }
    }

    // --- sessions -----------------------------------------------------------------------------

    /** A session; with {@code details} its guests and tasks too (ferry:session-show), else not (ferry:session-list). */
    ObjectNode session(Session s, boolean details) {
        ObjectNode o = mapper.createObjectNode();
        o.put("id", s.id()).put("job", s.job()).put("trigger", s.trigger());
        optional(o, "retryOf", s.retryOf());
        o.put("status", s.status().name()).put("started", s.started().toString());
        time(o, "finished", s.finished());
        s.duration().ifPresent(d -> o.put("durationMillis", d.toMillis()));
        o.put("message", s.message());
        totals(o.putObject("totals"), s.tasks());
        if (details) {
            ArrayNode guests = o.putArray("guests");
            s.guests().forEach(g -> guest(guests.addObject(), g));
            ArrayNode tasks = o.putArray("tasks");
            s.tasks().forEach(t -> task(tasks.addObject(), t));
        }
        return o;
    }

    /** Live progress of a running session's tasks (SessionService.progress). */
    ArrayNode progress(List<TaskProgress> progress) {
        ArrayNode a = mapper.createArrayNode();
        for (TaskProgress p : progress) {
            ObjectNode o = a.addObject().put("task", p.taskId()).put("status", p.status().name());
            if (p.progress() != null) { // a queued task has none yet
                o.put("phase", p.progress().phase()).put("doneBytes", p.progress().done())
                        .put("totalBytes", p.progress().total()).put("readBytes", p.progress().read())
                        .put("storedBytes", p.progress().stored()).put("elapsedMillis", p.progress().elapsed().toMillis());
            }
        }
        return a;
    }

    private static void totals(ObjectNode o, List<TaskRecord> tasks) {
        long size = 0;
        long read = 0;
        long transferred = 0;
        long stored = 0;
        long data = 0;
        long fresh = 0;
        Map<TaskStatus, Long> byStatus = new TreeMap<>();
        for (TaskRecord t : tasks) {
            size += t.sizeBytes();
            read += t.readBytes();
            transferred += t.transferredBytes();
            stored += t.storedBytes();
            data += t.dataBytes();
            fresh += t.newBytes();
            byStatus.merge(t.status(), 1L, Long::sum);
        }
        o.put("tasks", tasks.size());
        ObjectNode status = o.putObject("taskStatus");
        byStatus.forEach((k, v) -> status.put(k.name(), v));
        o.put("sizeBytes", size).put("readBytes", read).put("transferredBytes", transferred).put("storedBytes", stored)
                .put("dataBytes", data).put("newBytes", fresh)
                .put("dedupeRatio", round2(data == 0 ? 1.0 : (double) data / Math.max(1, fresh)))
                .put("compressionRatio", round2(stored == 0 ? 1.0 : (double) fresh / stored));
    }

    private static void guest(ObjectNode o, GuestRecord g) {
        o.put("vm", g.vm());
        optional(o, "proxy", g.proxy());
        o.put("status", g.status().name()).put("executed", g.executed()).put("channel", g.channel())
                .put("detail", g.detail()).put("frozenMillis", g.frozen().toMillis());
    }

    private static void task(ObjectNode o, TaskRecord t) {
        o.put("id", t.id()).put("vm", t.vm()).put("disk", t.disk()).put("status", t.status().name());
        optional(o, "proxy", t.proxy());
        optional(o, "transportMode", t.transportMode());
        o.put("reason", t.reason());
        optional(o, "changeTracking", t.changeTracking());
        optional(o, "changeNote", t.changeNote());
        optional(o, "backupId", t.backupId());
        o.put("sizeBytes", t.sizeBytes()).put("readBytes", t.readBytes()).put("transferredBytes", t.transferredBytes())
                .put("storedBytes", t.storedBytes()).put("dataBytes", t.dataBytes()).put("newBytes", t.newBytes())
                .put("dedupeRatio", round2(t.dedupeRatio())).put("compressionRatio", round2(t.compressionRatio()));
        time(o, "started", t.started());
        time(o, "finished", t.finished());
        t.duration().ifPresent(d -> o.put("durationMillis", d.toMillis())
                .put("bytesPerSecond", Math.round(t.bytesPerSecond())));
        optional(o, "error", t.error());
        strings(o.putArray("warnings"), t.warnings());
    }

    // --- plugins, agents, audit ---------------------------------------------------------------

    ObjectNode plugin(PluginInfo p) {
        ObjectNode o = mapper.createObjectNode();
        o.put("bundle", p.bundle()).put("state", p.state().name()).put("spiVersion", p.spiVersion());
        p.platform().map(Platform::name).ifPresent(v -> o.put("platform", v));
        strings(o.putArray("contributions"), p.contributions());
        if (!p.reason().isEmpty()) {
            o.put("reason", p.reason());
        }
        return o;
    }

    ObjectNode agent(AgentInfo a, Instant now) {
        ObjectNode o = mapper.createObjectNode();
        o.put("server", a.server()).put("state", agentState(a, now));
        o.put("address", a.address().orElse(null));
        o.put("lastHeartbeat", a.lastHeartbeat().map(Instant::toString).orElse(null));
        if (a.lastHeartbeat().isPresent()) {
            o.put("ageSeconds", Duration.between(a.lastHeartbeat().get(), now).toSeconds());
        } else {
            o.putNull("ageSeconds");
        }
        o.put("runningTasks", a.runningTasks()).put("certificateFingerprint", a.certificateFingerprint())
                .put("certificateExpires", a.certificateExpires().toString()).put("enrolled", a.enrolled().toString());
        if (a.capabilities().isPresent()) {
            AgentCapabilities c = a.capabilities().get();
            ObjectNode caps = o.putObject("capabilities").put("ferryVersion", c.ferryVersion())
                    .put("protocol", c.protocol().toString()).put("os", c.os()).put("libnbd", c.libnbdVersion())
                    .put("qemu", c.qemuVersion());
            strings(caps.putArray("platforms"), c.platforms());
            caps.put("scratchFreeBytes", c.scratchFreeBytes()).put("taskSlots", c.taskSlots())
                    .put("storeAddress", c.servesRepositories() ? c.storeAddress() : null);
        } else {
            o.putNull("capabilities");
        }
        return o;
    }

    /** ok, lost (no heartbeat for {@link #AGENT_LOST_AFTER}) or waiting (enrolled, no heartbeat yet). */
    static String agentState(AgentInfo agent, Instant now) {
        if (agent.lastHeartbeat().isEmpty()) {
            return "waiting";
        }
        return Duration.between(agent.lastHeartbeat().get(), now).compareTo(AGENT_LOST_AFTER) > 0 ? "lost" : "ok";
    }

    ObjectNode auditEntry(AuditEntry e) {
        return mapper.createObjectNode().put("id", e.id()).put("time", e.time().toString()).put("user", e.user())
                .put("action", e.action()).put("target", e.target()).put("result", e.result().name())
                .put("message", e.message());
    }

    // --- helpers ------------------------------------------------------------------------------

    private static void strings(ArrayNode a, List<String> values) {
        values.forEach(a::add);
    }

    private static void optional(ObjectNode o, String name, String value) {
        if (value != null) {
            o.put(name, value);
        }
    }

    private static void time(ObjectNode o, String name, Instant value) {
        if (value != null) {
            o.put(name, value.toString());
        }
    }

    static double round2(double value) {
        return Math.round(value * 100.0) / 100.0;
    }
}
