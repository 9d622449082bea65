package io.ferry.shell.internal;

import io.ferry.api.mover.RestoreResult;
import io.ferry.api.session.GuestRecord;
import io.ferry.api.session.Session;
import io.ferry.api.session.TaskRecord;
import io.ferry.api.session.VmRestoreResult;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Sessions as JSON for {@code --json}, laid out by {@link JsonText} like every other
 * {@code --json} output. Members are named like the record components; enum values are the
 * constants' names ({@code SUCCESS}, {@code NOT_EXECUTED}); sizes are bytes; times are
 * ISO-8601 instants; durations are milliseconds; a member whose value is unknown (a task not
 * yet finished has no {@code finished}) is left out, as elsewhere. Each session carries
 * {@code totals} over its tasks and, per task, the dedupe and compression ratios and the rate
 * the API computes.
 */
final class SessionJson {

    private SessionJson() {
    }

    static String session(Session session) {
        JsonText w = new JsonText();
        write(w, session, true);
        return w.text();
    }

    /** A list of sessions, without their tasks' and guests' details (as {@code ferry:session-list} shows them). */
    static String list(List<Session> sessions) {
        JsonText w = new JsonText().beginArray();
        sessions.forEach(s -> write(w, s, false));
        return w.endArray().text();
    }

    static String restore(VmRestoreResult result, Map<String, String> diskOfBackup) {
        JsonText w = new JsonText().beginObject().field("vm", result.vm()).field("session", result.session());
        w.name("disks").beginArray();
        for (RestoreResult r : result.disks()) {
            w.beginObject();
            optional(w, "disk", diskOfBackup.get(r.backupId()));
            w.field("backupId", r.backupId()).field("target", r.target()).field("size", r.size())
                    .field("writtenBytes", r.writtenBytes()).field("zeroBytes", r.zeroBytes())
                    .field("elapsedMillis", r.elapsed().toMillis()).endObject();
        }
        return w.endArray().endObject().text();
    }

    private static void write(JsonText w, Session s, boolean details) {
        w.beginObject().field("id", s.id()).field("job", s.job()).field("trigger", s.trigger());
        optional(w, "retryOf", s.retryOf());
        w.field("status", s.status().name()).field("started", s.started().toString());
        time(w, "finished", s.finished());
        s.duration().ifPresent(d -> w.field("durationMillis", d.toMillis()));
        w.field("message", s.message());
        totals(w, s.tasks());
        if (details) {
            w.name("guests").beginArray();
            s.guests().forEach(g -> guest(w, g));
            w.endArray();
            w.name("tasks").beginArray();
            s.tasks().forEach(t -> task(w, t));
            w.endArray();
        }
        w.endObject();
    }

    private static void totals(JsonText w, List<TaskRecord> tasks) {
        SessionText.Totals t = SessionText.Totals.of(tasks);
        w.name("totals").beginObject().field("tasks", tasks.size());
        w.name("taskStatus").beginObject();
        tasks.stream().map(TaskRecord::status).distinct().sorted()
                .forEach(status -> w.field(status.name(), tasks.stream().filter(x -> x.status() == status).count()));
        w.endObject();
        w.field("sizeBytes", t.size()).field("readBytes", t.read()).field("transferredBytes", t.transferred())
                .field("storedBytes", t.stored()).field("dataBytes", t.data()).field("newBytes", t.fresh())
                .field("dedupeRatio", t.dedupeRatio(), 2).field("compressionRatio", t.compressionRatio(), 2)
                .endObject();
    }

    private static void guest(JsonText w, GuestRecord g) {
        w.beginObject().field("vm", g.vm());
        optional(w, "proxy", g.proxy());
        w.field("status", g.status().name()).field("executed", g.executed()).field("channel", g.channel())
                .field("detail", g.detail()).field("frozenMillis", g.frozen().toMillis()).endObject();
    }

    private static void task(JsonText w, TaskRecord t) {
        w.beginObject().field("id", t.id()).field("vm", t.vm()).field("disk", t.disk())
                .field("status", t.status().name());
        optional(w, "proxy", t.proxy());
        optional(w, "transportMode", t.transportMode());
        w.field("reason", t.reason());
        optional(w, "changeTracking", t.changeTracking());
        optional(w, "changeNote", t.changeNote());
        optional(w, "backupId", t.backupId());
        w.field("sizeBytes", t.sizeBytes()).field("readBytes", t.readBytes())
                .field("transferredBytes", t.transferredBytes()).field("storedBytes", t.storedBytes())
                .field("dataBytes", t.dataBytes()).field("newBytes", t.newBytes())
                .field("dedupeRatio", t.dedupeRatio(), 2).field("compressionRatio", t.compressionRatio(), 2);
        time(w, "started", t.started());
        time(w, "finished", t.finished());
        t.duration().ifPresent(d -> w.field("durationMillis", d.toMillis())
                .field("bytesPerSecond", Math.round(t.bytesPerSecond())));
        optional(w, "error", t.error());
        w.name("warnings").beginArray();
        t.warnings().forEach(w::value);
        w.endArray().endObject();
    }

    private static void optional(JsonText w, String name, String value) {
        if (value != null) {
            w.field(name, value);
        }
    }

    private static void time(JsonText w, String name, Instant value) {
        if (value != null) {
            w.field(name, value.toString());
        }
    }
}
