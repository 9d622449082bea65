package io.ferry.shell.internal;

import io.ferry.api.mover.RestoreResult;
import io.ferry.api.repository.BackupInfo;
import io.ferry.api.repository.BackupStats;
import io.ferry.api.repository.ChunkProblem;
import io.ferry.api.repository.PruneReport;
import io.ferry.api.repository.RepositoryInfo;
import io.ferry.api.repository.RetentionPolicy;
import io.ferry.api.repository.VerifyReport;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The repository records as JSON for {@code --json}, laid out by {@link JsonText} like every
 * other {@code --json} output. Members are named like the record components (camelCase);
 * sizes are numbers of bytes; times are ISO-8601 instants ({@code 2025-03-01T02:00:13.512Z}),
 * durations ISO-8601 durations ({@code PT8.25S}) with the milliseconds as a number next to
 * them; a backup without a parent has no {@code parent} member, as an empty Optional is left
 * out elsewhere.
 */
final class RepoJson {

    private RepoJson() {
    }

    static String info(RepositoryInfo info) {
        return new JsonText().beginObject().field("path", info.path().toString()).field("id", info.id())
                .field("formatVersion", info.formatVersion()).field("chunkSize", info.chunkSize())
                .field("created", info.created().toString()).field("encryption", info.encryption())
                .field("compression", info.compression()).field("kdf", info.kdf()).field("backups", info.backups())
                .field("chunks", info.chunks()).field("storedBytes", info.storedBytes())
                .field("logicalBytes", info.logicalBytes()).endObject().text();
    }

    static String backups(List<BackupInfo> backups) {
        JsonText w = new JsonText().beginArray();
        backups.forEach(b -> writeBackup(w, b));
        return w.endArray().text();
    }

    static String backup(BackupInfo backup) {
        JsonText w = new JsonText();
        writeBackup(w, backup);
        return w.text();
    }

    static String restore(RestoreResult result, BackupInfo backup) {
        return new JsonText().beginObject().field("backupId", result.backupId()).field("disk", backup.disk())
                .field("target", result.target()).field("size", result.size())
                .field("writtenBytes", result.writtenBytes()).field("zeroBytes", result.zeroBytes())
                .field("elapsed", result.elapsed().toString()).field("elapsedMillis", result.elapsed().toMillis())
                .endObject().text();
    }

    static String verify(Path repository, VerifyReport report) {
        JsonText w = new JsonText().beginObject().field("repository", repository.toString()).field("ok", report.ok());
        strings(w, "backups", report.backups());
        w.field("chunks", report.chunks()).field("bytes", report.bytes());
        w.name("problems").beginArray();
        for (ChunkProblem p : report.problems()) {
            w.beginObject().field("chunk", p.chunk()).field("problem", p.problem());
            strings(w, "backups", p.backups());
            w.endObject();
        }
        w.endArray();
        strings(w, "movedAside", report.movedAside());
        strings(w, "healedChunks", report.healedChunks());
        strings(w, "healedBackups", report.healedBackups());
        strings(w, "brokenBackups", report.brokenBackups());
        return w.endObject().text();
    }

    static String prune(Path repository, RetentionPolicy policy, PruneReport report) {
        JsonText w = new JsonText().beginObject().field("repository", repository.toString())
                .field("dryRun", report.dryRun());
        w.name("policy").beginObject().field("keepLast", policy.keepLast()).field("keepDaily", policy.keepDaily())
                .field("keepWeekly", policy.keepWeekly()).field("keepMonthly", policy.keepMonthly()).endObject();
        strings(w, "removedBackups", report.removedBackups());
        strings(w, "keptBackups", report.keptBackups());
        w.field("removedChunks", report.removedChunks()).field("freedBytes", report.freedBytes());
        return w.endObject().text();
    }

    private static void writeBackup(JsonText w, BackupInfo b) {
        w.beginObject().field("id", b.id()).field("disk", b.disk()).field("source", b.source()).field("size", b.size())
                .field("chunkSize", b.chunkSize()).field("started", b.started().toString())
                .field("finished", b.finished().toString()).field("duration", b.duration().toString())
                .field("durationMillis", b.duration().toMillis());
        b.parentId().ifPresent(p -> w.field("parent", p));
        BackupStats s = b.stats();
        w.name("stats").beginObject().field("readBytes", s.readBytes()).field("dataBytes", s.dataBytes())
                .field("zeroBytes", s.zeroBytes()).field("newChunks", s.newChunks())
                .field("reusedChunks", s.reusedChunks()).field("newBytes", s.newBytes())
                .field("storedBytes", s.storedBytes()).field("dedupeRatio", s.dedupeRatio(), 3)
                .field("compressionRatio", s.compressionRatio(), 3);
        if (s.changeTracking() != null) {
            w.field("changeTracking", s.changeTracking());
        }
        w.endObject();
        w.name("labels").beginObject();
        for (Map.Entry<String, String> e : new TreeMap<>(b.labels()).entrySet()) {
            w.field(e.getKey(), e.getValue());
        }
        w.endObject().endObject();
    }

    private static void strings(JsonText w, String name, Iterable<String> values) {
        w.name(name).beginArray();
        values.forEach(w::value);
        w.endArray();
    }
}
