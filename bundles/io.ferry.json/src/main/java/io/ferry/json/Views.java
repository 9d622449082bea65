package io.ferry.json;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.api.agent.AgentCapabilities;
import io.ferry.api.agent.AgentInfo;
import io.ferry.api.agent.EnrollmentToken;
import io.ferry.api.audit.AuditEntry;
import io.ferry.api.inventory.ImportReport;
import io.ferry.api.inventory.Platform;
import io.ferry.api.job.GuestProcessing;
import io.ferry.api.job.Job;
import io.ferry.api.job.JobSpec;
import io.ferry.api.job.ServerChoice;
import io.ferry.api.mover.RestoreResult;
import io.ferry.api.repository.BackupInfo;
import io.ferry.api.repository.BackupStats;
import io.ferry.api.repository.ChunkProblem;
import io.ferry.api.repository.PruneReport;
import io.ferry.api.repository.RepositoryInfo;
import io.ferry.api.repository.RetentionPolicy;
import io.ferry.api.repository.VerifyReport;
import io.ferry.api.security.ApiToken;
import io.ferry.api.security.NewApiToken;
import io.ferry.api.selection.PluginInfo;
import io.ferry.api.session.GuestRecord;
import io.ferry.api.session.Session;
import io.ferry.api.session.SessionService;
import io.ferry.api.session.SessionStatus;
import io.ferry.api.session.TaskProgress;
import io.ferry.api.session.TaskRecord;
import io.ferry.api.session.TaskStatus;
import io.ferry.api.session.VmRestoreResult;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The API records as JSON trees: what the REST API answers and the shell's {@code --json}
 * prints (through {@link FerryJson#text}), so a script can move from {@code bin/client} to the
 * API without renaming anything: enum values are the constants' names, sizes bytes, times
 * ISO-8601 instants, durations milliseconds, and a member whose value is unknown is left out.
 * The selection's records need no view: {@link #record} writes them as they are.
 */
public final class Views {
    /** An agent without a heartbeat for this long is {@code lost} (as ferry:agent-list says). */
    public static final Duration AGENT_LOST_AFTER = Duration.ofSeconds(30);

    private final ObjectMapper mapper;

    /** Views made with {@link FerryJson#mapper()}. */
    public Views() {
        this(FerryJson.mapper());
    }

    /** Views made with {@code mapper}, which should be {@link FerryJson#configure configured} for {@link #record}. */
    public Views(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** A record as it is ({@link FerryJson}): plans, readiness reports, what-if answers. */
    public JsonNode record(Object value) {
        return mapper.valueToTree(value);
    }

    // --- jobs: the jobs entries of the inventory export, plus id and version -------------------

    public ObjectNode job(Job job) {
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
    public ObjectNode session(Session s, boolean details) {
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

    /**
     * A session with its guests and tasks (ferry:session-show, GET /sessions/{id}); while it
     * runs, its tasks' live {@code progress} too.
     */
    public ObjectNode session(Session s, SessionService sessions) {
        ObjectNode o = session(s, true);
        if (s.status() == SessionStatus.RUNNING) {
            o.set("progress", progress(sessions.progress(s.id())));
        }
        return o;
    }

    /** Sessions without their guests and tasks (ferry:session-list, GET /sessions). */
    public ArrayNode sessions(List<Session> sessions) {
        ArrayNode a = mapper.createArrayNode();
        sessions.forEach(s -> a.add(session(s, false)));
        return a;
    }

    /** Live progress of a running session's tasks (SessionService.progress). */
    public ArrayNode progress(List<TaskProgress> progress) {
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

    public ObjectNode plugin(PluginInfo p) {
        ObjectNode o = mapper.createObjectNode();
        o.put("bundle", p.bundle()).put("state", p.state().name()).put("spiVersion", p.spiVersion());
        p.platform().map(Platform::name).ifPresent(v -> o.put("platform", v));
        strings(o.putArray("contributions"), p.contributions());
        if (!p.reason().isEmpty()) {
            o.put("reason", p.reason());
        }
        return o;
    }

    public ObjectNode agent(AgentInfo a, Instant now) {
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
    public static String agentState(AgentInfo agent, Instant now) {
        if (agent.lastHeartbeat().isEmpty()) {
            return "waiting";
        }
        return Duration.between(agent.lastHeartbeat().get(), now).compareTo(AGENT_LOST_AFTER) > 0 ? "lost" : "ok";
    }

    public ObjectNode auditEntry(AuditEntry e) {
        return mapper.createObjectNode().put("id", e.id()).put("time", e.time().toString()).put("user", e.user())
                .put("action", e.action()).put("target", e.target()).put("result", e.result().name())
                .put("message", e.message());
    }

    public ArrayNode plugins(List<PluginInfo> plugins) {
        ArrayNode a = mapper.createArrayNode();
        plugins.forEach(p -> a.add(plugin(p)));
        return a;
    }

    public ArrayNode agents(List<AgentInfo> agents, Instant now) {
        ArrayNode a = mapper.createArrayNode();
        agents.forEach(x -> a.add(agent(x, now)));
        return a;
    }

    /** An enrollment token (shown only when made) with the command that enrolls the agent. */
    public ObjectNode enrollmentToken(EnrollmentToken token, String command) {
        return mapper.createObjectNode().put("server", token.server()).put("id", token.id())
                .put("expires", token.expires().toString()).put("token", token.text()).put("command", command);
    }

    // --- API tokens ---------------------------------------------------------------------------

    /** An API token as listed: never its text, {@code lastUsed} and {@code revoked} only when they happened. */
    public ObjectNode token(ApiToken t, Instant now) {
        ObjectNode o = mapper.createObjectNode().put("id", t.id()).put("user", t.user()).put("role", t.role().roleName())
                .put("state", tokenState(t, now)).put("description", t.description()).put("created", t.created().toString())
                .put("expires", t.expires().toString());
        t.lastUsed().ifPresent(u -> o.put("lastUsed", u.toString()));
        t.revoked().ifPresent(r -> o.put("revoked", r.toString()));
        return o;
    }

    /** A token just made: as listed, with its text, which is shown only now. */
    public ObjectNode token(NewApiToken made, Instant now) {
        return token(made.token(), now).put("token", made.text());
    }

    /** active, expired or revoked. */
    public static String tokenState(ApiToken t, Instant now) {
        return t.revoked().isPresent() ? "revoked" : t.validAt(now) ? "active" : "expired";
    }

    // --- inventory import ---------------------------------------------------------------------

    /** What an import counted, and whether it {@code applied} them (not in a dry run). */
    public ObjectNode importReport(String file, ImportReport report) {
        return mapper.createObjectNode().put("file", file).put("applied", report.applied())
                .put("servers", report.servers()).put("hosts", report.hosts()).put("vms", report.vms())
                .put("disks", report.disks()).put("jobs", report.jobs());
    }

    // --- repositories, backups, restores ------------------------------------------------------
    // durations are ISO-8601 ({@code PT8.25S}) with the milliseconds as a number next to them

    public ObjectNode repository(RepositoryInfo info) {
        return mapper.createObjectNode().put("path", info.path().toString()).put("id", info.id())
                .put("formatVersion", info.formatVersion()).put("chunkSize", info.chunkSize())
                .put("created", info.created().toString()).put("encryption", info.encryption())
                .put("compression", info.compression()).put("kdf", info.kdf()).put("backups", info.backups())
                .put("chunks", info.chunks()).put("storedBytes", info.storedBytes())
                .put("logicalBytes", info.logicalBytes());
    }

    public ArrayNode backups(List<BackupInfo> backups) {
        ArrayNode a = mapper.createArrayNode();
        backups.forEach(b -> a.add(backup(b)));
        return a;
    }

    /** A backup; one without a parent (a full backup) has no {@code parent}. */
    public ObjectNode backup(BackupInfo b) {
        ObjectNode o = mapper.createObjectNode().put("id", b.id()).put("disk", b.disk()).put("source", b.source())
                .put("size", b.size()).put("chunkSize", b.chunkSize()).put("started", b.started().toString())
                .put("finished", b.finished().toString()).put("duration", b.duration().toString())
                .put("durationMillis", b.duration().toMillis());
        b.parentId().ifPresent(p -> o.put("parent", p));
        BackupStats s = b.stats();
        ObjectNode stats = o.putObject("stats").put("readBytes", s.readBytes()).put("dataBytes", s.dataBytes())
                .put("zeroBytes", s.zeroBytes()).put("newChunks", s.newChunks()).put("reusedChunks", s.reusedChunks())
                .put("newBytes", s.newBytes()).put("storedBytes", s.storedBytes())
                .put("dedupeRatio", round3(s.dedupeRatio())).put("compressionRatio", round3(s.compressionRatio()));
        if (s.changeTracking() != null) {
            stats.put("changeTracking", s.changeTracking());
        }
        ObjectNode labels = o.putObject("labels");
        new TreeMap<>(b.labels()).forEach(labels::put);
        return o;
    }

    /** A disk restored from {@code backup}. */
    public ObjectNode restore(RestoreResult result, BackupInfo backup) {
        return mapper.createObjectNode().put("backupId", result.backupId()).put("disk", backup.disk())
                .put("target", result.target()).put("size", result.size()).put("writtenBytes", result.writtenBytes())
                .put("zeroBytes", result.zeroBytes()).put("elapsed", result.elapsed().toString())
                .put("elapsedMillis", result.elapsed().toMillis());
    }

    /** A VM restored, disk by disk; {@code diskOfBackup} names each backup's disk where known. */
    public ObjectNode restore(VmRestoreResult result, Map<String, String> diskOfBackup) {
        ObjectNode o = mapper.createObjectNode().put("vm", result.vm()).put("session", result.session());
        ArrayNode disks = o.putArray("disks");
        for (RestoreResult r : result.disks()) {
            ObjectNode d = disks.addObject();
            optional(d, "disk", diskOfBackup.get(r.backupId()));
            d.put("backupId", r.backupId()).put("target", r.target()).put("size", r.size())
                    .put("writtenBytes", r.writtenBytes()).put("zeroBytes", r.zeroBytes())
                    .put("elapsedMillis", r.elapsed().toMillis());
        }
        return o;
    }

    public ObjectNode verify(Path repository, VerifyReport report) {
        ObjectNode o = mapper.createObjectNode().put("repository", repository.toString()).put("ok", report.ok());
        strings(o.putArray("backups"), report.backups());
        o.put("chunks", report.chunks()).put("bytes", report.bytes());
        ArrayNode problems = o.putArray("problems");
        for (ChunkProblem p : report.problems()) {
            ObjectNode problem = problems.addObject().put("chunk", p.chunk()).put("problem", p.problem());
            strings(problem.putArray("backups"), p.backups());
        }
        strings(o.putArray("movedAside"), report.movedAside());
        strings(o.putArray("healedChunks"), report.healedChunks());
        strings(o.putArray("healedBackups"), report.healedBackups());
        strings(o.putArray("brokenBackups"), report.brokenBackups());
        return o;
    }

    public ObjectNode prune(Path repository, RetentionPolicy policy, PruneReport report) {
        ObjectNode o = mapper.createObjectNode().put("repository", repository.toString()).put("dryRun", report.dryRun());
        o.putObject("policy").put("keepLast", policy.keepLast()).put("keepDaily", policy.keepDaily())
                .put("keepWeekly", policy.keepWeekly()).put("keepMonthly", policy.keepMonthly());
        strings(o.putArray("removedBackups"), report.removedBackups());
        strings(o.putArray("keptBackups"), report.keptBackups());
        o.put("removedChunks", report.removedChunks()).put("freedBytes", report.freedBytes());
        return o;
    }

    // --- helpers ------------------------------------------------------------------------------

    private static void strings(ArrayNode a, Iterable<String> values) {
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

    public static double round2(double value) {
        return Math.round(value * 100.0) / 100.0;
    }

    static double round3(double value) {
        return Math.round(value * 1000.0) / 1000.0;
    }
}
