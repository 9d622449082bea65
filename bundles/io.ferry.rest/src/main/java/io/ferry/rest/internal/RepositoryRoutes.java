package io.ferry.rest.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ferry.api.ValidationException;
import io.ferry.api.mover.RestoreResult;
import io.ferry.api.repository.BackupInfo;
import io.ferry.api.repository.ChunkProblem;
import io.ferry.api.repository.ProgressListener;
import io.ferry.api.repository.VerifyReport;
import io.ferry.api.session.DiskRestoreRequest;
import io.ferry.api.session.DiskRestoreResult;
import io.ferry.api.session.JobRepositoryService;
import io.ferry.api.session.JobRepositorySummary;
import io.ferry.api.session.VmRestoreRequest;
import io.ferry.api.session.VmRestoreResult;
import io.ferry.json.Views;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The job repositories, their backups, verify and restore ({@code /repositories},
 * {@code /restores}): each route one call of {@link JobRepositoryService}, the service the
 * shell's {@code --job-repo} commands use, which checks the roles (list viewer, verify
 * operator, restore admin), audits, confines restore targets to {@code restore.roots} and
 * refuses to write over an existing file unless asked. Verify and restore answer when they are
 * done (synchronously). Members are named as the shell's {@code --json} of
 * {@code ferry:backups}, {@code ferry:verify}, {@code ferry:restore-disk} and {@code ferry:restore}.
 */
final class RepositoryRoutes {

    private static final Set<String> DISK_MEMBERS = Set.of("repository", "backup", "disk", "target", "overwrite");
    private static final Set<String> VM_MEMBERS = Set.of("vm", "session", "target", "overwrite");

    private final JobRepositoryService service;
    private final ObjectMapper mapper;

    /** The repositories and backups as the shell's --json prints them (io.ferry.json). */
    private final Views views;

    RepositoryRoutes(JobRepositoryService service, ObjectMapper mapper) {
        this.service = Objects.requireNonNull(service, "service");
        this.mapper = Objects.requireNonNull(mapper, "mapper");
        this.views = new Views(mapper);
    }

    void addTo(Router r) {
        r.get("/repositories", this::repositories);
        r.get("/repositories/{name}/backups", this::backups);
        r.get("/repositories/{name}/backups/{id}", req -> ApiResponse.ok(views.backup(service.backup(
                req.parameter("name"), req.parameter("id")))));
        r.post("/repositories/{name}/verify", this::verify);
        r.post("/restores", this::restore);
    }

    private ApiResponse repositories(ApiRequest req) {
        PageRequest page = PageRequest.of(req);
        List<JobRepositorySummary> all = service.repositories();
        Page<JobRepositorySummary> p = page.page(page.window(all), FerryApi.BASE + "/repositories", "");
        ArrayNode items = mapper.createArrayNode();
        p.items().forEach(s -> items.add(summary(s)));
        return ApiResponse.ok(p.body(mapper, items, (long) all.size()));
    }

    /** Newest first; {@code ?disk=VM/LABEL} and {@code ?vm=} filter. */
    private ApiResponse backups(ApiRequest req) {
        PageRequest page = PageRequest.of(req);
        String server = req.parameter("name");
        Optional<String> disk = req.query("disk");
        Optional<String> vm = req.query("vm");
        List<BackupInfo> all = service.backups(server, disk, vm);
        StringBuilder filters = new StringBuilder();
        disk.ifPresent(d -> filters.append("disk=").append(Paths.encode(d)).append('&'));
        vm.ifPresent(v -> filters.append("vm=").append(Paths.encode(v)).append('&'));
        Page<BackupInfo> p = page.page(page.window(all), FerryApi.BASE + "/repositories/" + Paths.encode(server)
                + "/backups", filters.toString());
        ArrayNode items = mapper.createArrayNode();
        p.items().forEach(b -> items.add(views.backup(b)));
        return ApiResponse.ok(p.body(mapper, items, (long) all.size()));
    }

    /** Body optional: {@code {"backups": ["ID or prefix", ...]}}; none or empty: every backup. */
    private ApiResponse verify(ApiRequest req) {
        String server = req.parameter("name");
        List<String> backups = new ArrayList<>();
        if (req.body().length > 0) {
            JsonNode body = object(req);
            refuseUnknown(body, Set.of("backups"));
            JsonNode list = body.get("backups");
            if (list != null && !list.isNull()) {
                if (!list.isArray()) {
                    throw new ValidationException("backups", "must be a list of backup ids (or unique prefixes)");
                }
                for (JsonNode id : list) {
                    if (!id.isTextual() || id.asText().isBlank()) {
                        throw new ValidationException("backups", "must hold backup ids (strings), not " + id);
                    }
                    backups.add(id.asText().strip());
                }
            }
        }
        long started = System.nanoTime();
        VerifyReport report = service.verify(server, backups, ProgressListener.NONE);
        return ApiResponse.ok(verifyReport(server, report, Duration.ofNanos(System.nanoTime() - started)));
    }

    /**
     * {@code {"repository", "backup" | "disk", "target", "overwrite"}} restores one disk;
     * {@code {"vm", "session", "target", "overwrite"}} every disk of a VM. Targets are files (a VM:
     * a directory) inside {@code restore.roots}; a relative one is under its first directory.
     */
    private ApiResponse restore(ApiRequest req) {
        JsonNode body = object(req);
        String target = ApiRequest.text(body, "target").orElse(null);
        if (target != null && target.contains("://")) {
            throw new ValidationException("target", "'" + target + "' is a URI: the API restores only into files"
                    + " inside restore.roots (etc/io.ferry.paths.cfg); name a file such as web-01-disk0.raw");
        }
        boolean overwrite = flag(body, "overwrite");
        if (body.has("vm")) {
            refuseUnknown(body, VM_MEMBERS);
            VmRestoreResult result = service.restoreVm(new VmRestoreRequest(ApiRequest.text(body, "vm").orElse(null),
                    ApiRequest.text(body, "session"), target, overwrite), ProgressListener.NONE);
            return ApiResponse.ok(vmRestore(result));
        }
        refuseUnknown(body, DISK_MEMBERS);
        DiskRestoreResult result = service.restoreDisk(new DiskRestoreRequest(
                ApiRequest.text(body, "repository").orElse(null),
                ApiRequest.text(body, "backup"), ApiRequest.text(body, "disk"), target, overwrite), ProgressListener.NONE);
        return ApiResponse.ok(diskRestore(result));
    }

    // --- views (the members of the shell's --json) ---------------------------------------------

    private ObjectNode summary(JobRepositorySummary s) {
        ObjectNode o = mapper.createObjectNode().put("server", s.server());
        ArrayNode jobs = o.putArray("jobs");
        s.jobs().forEach(jobs::add);
        o.put("exists", s.info().isPresent());
        s.info().ifPresent(info -> o.set("info", views.repository(info)));
        o.put("backups", FerryApi.BASE + "/repositories/" + Paths.encode(s.server()) + "/backups");
        return o;
    }

    private ObjectNode verifyReport(String server, VerifyReport report, Duration elapsed) {
        ObjectNode o = mapper.createObjectNode().put("repository", server).put("ok", report.ok());
        strings(o, "backups", report.backups());
        o.put("chunks", report.chunks()).put("bytes", report.bytes());
        ArrayNode problems = o.putArray("problems");
        for (ChunkProblem p : report.problems()) {
            ObjectNode problem = problems.addObject().put("chunk", p.chunk()).put("problem", p.problem());
            strings(problem, "backups", p.backups());
        }
        strings(o, "movedAside", report.movedAside());
        strings(o, "healedChunks", report.healedChunks());
        strings(o, "healedBackups", report.healedBackups());
        strings(o, "brokenBackups", report.brokenBackups());
        o.put("elapsedMillis", elapsed.toMillis());
        return o;
    }

    private ObjectNode diskRestore(DiskRestoreResult r) {
        RestoreResult result = r.result();
        ObjectNode o = mapper.createObjectNode().put("kind", "disk").put("repository", r.repository())
                .put("backupId", result.backupId()).put("disk", r.backup().disk())
                .put("finished", r.backup().finished().toString());
        restored(o, result);
        o.set("backup", views.backup(r.backup()));
        return o;
    }

    private ObjectNode vmRestore(VmRestoreResult r) {
        ObjectNode o = mapper.createObjectNode().put("kind", "vm").put("vm", r.vm()).put("session", r.session());
        long size = 0;
        long written = 0;
        long zero = 0;
        Duration elapsed = Duration.ZERO;
        ArrayNode disks = o.putArray("disks");
        for (RestoreResult d : r.disks()) {
            restored(disks.addObject().put("backupId", d.backupId()), d);
            size += d.size();
            written += d.writtenBytes();
            zero += d.zeroBytes();
            elapsed = elapsed.plus(d.elapsed());
        }
        o.put("size", size).put("writtenBytes", written).put("zeroBytes", zero).put("elapsed", elapsed.toString())
                .put("elapsedMillis", elapsed.toMillis());
        return o;
    }

    private static void restored(ObjectNode o, RestoreResult r) {
        o.put("target", r.target()).put("size", r.size()).put("writtenBytes", r.writtenBytes())
                .put("zeroBytes", r.zeroBytes()).put("elapsed", r.elapsed().toString())
                .put("elapsedMillis", r.elapsed().toMillis());
    }

    private static void strings(ObjectNode o, String name, Iterable<String> values) {
        ArrayNode array = o.putArray(name);
        values.forEach(array::add);
    }

    // --- helpers ------------------------------------------------------------------------------

    private JsonNode object(ApiRequest req) {
        JsonNode body = req.jsonObject(mapper);
        return body;
    }

    private static void refuseUnknown(JsonNode body, Set<String> known) {
        for (Iterator<String> names = body.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!known.contains(name)) {
                throw new ValidationException(name, "is not a member of this request; it takes " + String.join(", ",
                        new java.util.TreeSet<>(known)));
            }
        }
    }

    private static boolean flag(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            throw new ValidationException(field, "must be true or false");
        }
        return value.asBoolean();
    }

}
