package io.ferry.jobs.internal;

import io.ferry.api.ConflictException;
import io.ferry.api.FerryException;
import io.ferry.api.NotFoundException;
import io.ferry.api.ValidationException;
import io.ferry.api.audit.Audit;
import io.ferry.api.audit.AuditLog;
import io.ferry.api.inventory.InventoryService;
import io.ferry.api.inventory.ManagedServer;
import io.ferry.api.job.Job;
import io.ferry.api.job.JobService;
import io.ferry.api.mover.DataMover;
import io.ferry.api.mover.DiskSources;
import io.ferry.api.mover.DiskTarget;
import io.ferry.api.mover.RestoreResult;
import io.ferry.api.mover.SourceOptions;
import io.ferry.api.paths.PathArea;
import io.ferry.api.paths.PathNotAllowedException;
import io.ferry.api.paths.PathPolicy;
import io.ferry.api.repository.BackupInfo;
import io.ferry.api.repository.ProgressListener;
import io.ferry.api.repository.Repository;
import io.ferry.api.repository.VerifyReport;
import io.ferry.api.security.FerryRole;
import io.ferry.api.session.DiskRestoreRequest;
import io.ferry.api.session.DiskRestoreResult;
import io.ferry.api.session.JobRepositoryService;
import io.ferry.api.session.JobRepositorySummary;
import io.ferry.api.session.SessionService;
import io.ferry.api.session.VmRestoreRequest;
import io.ferry.api.session.VmRestoreResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * {@link JobRepositoryService} over the job runner's repositories: the one place where the
 * shell's {@code --job-repo} commands, the REST API and the console list, verify and restore
 * job backups. Roles are checked and changes audited here (listing viewer, verify operator,
 * restore admin); restore targets are confined by the {@link PathPolicy} before anything is
 * created, relative names land under the first restore root, and an existing target is
 * refused unless overwriting was asked for. New files are made 0600 by the disk sources.
 */
final class JobRestores implements JobRepositoryService {

    private static final Pattern NBD_URI = Pattern.compile("(?i)nbds?(\\+unix)?://.*");

    private final JobService jobs;
    private final InventoryService inventory;
    private final JobRepositories repositories;
    private final DiskSources sources;
    private final DataMover mover;
    private final PathPolicy policy;
    private final SessionService sessions;
    private final Audit audit;
    private volatile AuditLog auditLog = AuditLog.NONE;

    JobRestores(JobService jobs, InventoryService inventory, JobRepositories repositories, DiskSources sources,
            DataMover mover, PathPolicy policy, SessionService sessions, Clock clock) {
        this.jobs = Objects.requireNonNull(jobs, "jobs");
        this.inventory = Objects.requireNonNull(inventory, "inventory");
        this.repositories = Objects.requireNonNull(repositories, "repositories");
        this.sources = Objects.requireNonNull(sources, "sources");
        this.mover = Objects.requireNonNull(mover, "mover");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.audit = new Audit(() -> auditLog, clock);
    }

    /** Where restores and verifies are recorded ({@link AuditLog#NONE} until set). */
    void auditTo(AuditLog log) {
        this.auditLog = Objects.requireNonNull(log, "log");
    }

    @Override
    public List<JobRepositorySummary> repositories() {
        audit.read(FerryRole.VIEWER, "backups");
        Map<String, List<String>> byServer = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (Job job : jobs.jobs()) {
            String server = inventory.server(job.spec().repository()).map(ManagedServer::name)
                    .orElse(job.spec().repository());
            byServer.computeIfAbsent(server, k -> new ArrayList<>()).add(job.name());
        }
        List<JobRepositorySummary> out = new ArrayList<>();
        byServer.forEach((server, names) -> out.add(new JobRepositorySummary(server, names.stream().sorted().toList(),
                repositories.exists(server) ? Optional.of(repositories.open(server).info()) : Optional.empty())));
        return out;
    }

    @Override
    public List<BackupInfo> backups(String repositoryServer, Optional<String> disk, Optional<String> vm) {
        audit.read(FerryRole.VIEWER, "backups");
        Optional<String> key = disk.map(String::strip).filter(s -> !s.isEmpty());
        Optional<String> machine = vm.map(String::strip).filter(s -> !s.isEmpty());
        List<BackupInfo> all = new ArrayList<>(open(repositoryServer).backups());
        List<BackupInfo> newestFirst = new ArrayList<>();
        for (int i = all.size() - 1; i >= 0; i--) {
            BackupInfo b = all.get(i);
            if (key.map(k -> b.disk().equals(k)).orElse(true) && machine.map(m -> ofVm(b, m)).orElse(true)) {
                newestFirst.add(b);
            }
        }
        return newestFirst;
    }

    /** A job's backup names its VM in the label {@code vm}; a backup made by hand only in its chain key VM/LABEL. */
    private static boolean ofVm(BackupInfo b, String vm) {
        String label = b.labels().get("vm");
        if (label != null) {
            return label.equalsIgnoreCase(vm);
        }
        return b.disk().toLowerCase(Locale.ROOT).startsWith(vm.toLowerCase(Locale.ROOT) + "/");
    }

    @Override
    public BackupInfo backup(String repositoryServer, String idOrPrefix) {
        audit.read(FerryRole.VIEWER, "backups");
        return open(repositoryServer).backup(required("backup", idOrPrefix));
    }

    @Override
    public VerifyReport verify(String repositoryServer, List<String> backups, ProgressListener listener) {
        List<String> named = backups == null ? List.of() : List.copyOf(backups);
        String what = repositoryServer + (named.isEmpty() ? "" : " " + String.join(" ", named));
        return audit.change(FerryRole.OPERATOR, "verify", what, () -> {
            Repository repository = open(repositoryServer);
            Set<String> ids = new LinkedHashSet<>();
            for (String prefix : named) {
                ids.add(repository.backup(required("backups", prefix)).id());
            }
            return repository.verify(List.copyOf(ids), listener == null ? ProgressListener.NONE : listener);
        });
    }

    @Override
    public DiskRestoreResult restoreDisk(DiskRestoreRequest request, ProgressListener listener) {
        Objects.requireNonNull(request, "request");
        String what = request.repository() + " " + request.backup().map(b -> "backup " + b)
                .orElse("latest of " + request.disk().orElse("?")) + " to " + request.target()
                + (request.overwrite() ? " (overwrite)" : "");
        return audit.change(FerryRole.ADMIN, "restore-disk", what, () -> doRestoreDisk(request,
                listener == null ? ProgressListener.NONE : listener));
    }

    private DiskRestoreResult doRestoreDisk(DiskRestoreRequest request, ProgressListener listener) {
        String server = serverName(request.repository());
        // the target is checked before the repository is opened or anything is created
        String location = target(request.target(), false, request.overwrite());
        Repository repository = open(server);
        BackupInfo info = chosen(repository, request);
        if (!isNbd(location)) {
            createParents(Path.of(location));
        }
        try (DiskTarget out = sources.create(location, info.size(), request.overwrite(), SourceOptions.defaults())) {
            RestoreResult result = mover.restore(repository, info.id(), out, listener);
            return new DiskRestoreResult(server, info, result);
        } catch (IOException e) {
            throw new FerryException("Closing restore target " + location + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public VmRestoreResult restoreVm(VmRestoreRequest request, ProgressListener listener) {
        Objects.requireNonNull(request, "request");
        // resolved and confined here; the job runner checks the role, refuses existing files and audits
        String location = target(request.target(), true, true);
        return sessions.restoreVm(request.vm(), request.session().orElse(null), location, request.overwrite(),
                listener);
    }

    @Override
    public List<Path> restoreRoots() {
        return policy.roots(PathArea.RESTORE_TARGETS);
    }

    /** The latest backup of the disk, or the one named (which must be of the disk when both are given). */
    private static BackupInfo chosen(Repository repository, DiskRestoreRequest request) {
        if (request.backup().isEmpty()) {
            String key = request.disk().orElseThrow();
            return repository.latest(key).orElseThrow(() -> new NotFoundException("No backup of disk '" + key
                    + "' in the repository of " + request.repository() + " (its backups list the disks, e.g. GET"
                    + " /api/v1/repositories/" + request.repository() + "/backups or ferry:backups --job-repo "
                    + request.repository() + ")"));
        }
        BackupInfo info = repository.backup(request.backup().get());
        if (request.disk().isPresent() && !info.disk().equals(request.disk().get())) {
            throw new ValidationException("disk", "backup " + info.id() + " is of disk '" + info.disk() + "', not '"
                    + request.disk().get() + "': leave out the disk, or pick a backup of that disk");
        }
        return info;
    }

    /**
     * The location to write: an NBD URI as given (the disk sources check it against
     * {@code nbd.hosts}/{@code socket.roots}); a path made absolute under the first restore root
     * and checked against {@code restore.roots}. Without overwriting, an existing file is refused
     * before anything is opened.
     */
    private String target(String target, boolean directory, boolean overwrite) {
        if (isNbd(target)) {
            sources.checkTarget(target);
            return target;
        }
        if (target.contains("://")) {
            throw new ValidationException("target", "'" + target + "' is neither a path nor an nbd://, nbds:// or"
                    + " nbd+unix:// URI");
        }
        Path path;
        try {
            path = Path.of(target);
        } catch (InvalidPathException e) {
            throw new ValidationException("target", "'" + target + "' is not a path: " + e.getReason());
        }
        if (!path.isAbsolute()) {
            List<Path> roots = restoreRoots();
            if (roots.isEmpty()) {
                throw new PathNotAllowedException(PathArea.RESTORE_TARGETS.setting(), "is empty in etc/"
                        + PathPolicy.PID + ".cfg: no restore target is allowed; name a directory there");
            }
            path = roots.get(0).resolve(path);
        }
        Path allowed = policy.require(PathArea.RESTORE_TARGETS, path);
        if (directory && Files.exists(allowed) && !Files.isDirectory(allowed)) {
            throw new ValidationException("target", "'" + allowed + "' is a file: name a directory (each disk is"
                    + " written into it as VM-DISK.raw)");
        }
        if (!directory && Files.isDirectory(allowed)) {
            throw new ValidationException("target", "'" + allowed + "' is a directory: name a file in it");
        }
        if (!directory && !overwrite && Files.exists(allowed)) {
            throw new ConflictException("Restore target " + allowed + " exists already: nothing was written; name a"
                    + " new file or allow overwriting (overwrite: true, --overwrite)");
        }
        return allowed.toString();
    }

    /** The directories between the restore root and the file, made owner-only (0700) where missing. */
    private static void createParents(Path file) {
        Path parent = file.getParent();
        if (parent == null || Files.isDirectory(parent)) {
            return;
        }
        try {
            if (parent.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.createDirectories(parent, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
            } else {
                Files.createDirectories(parent);
            }
        } catch (IOException e) {
            throw new FerryException("Cannot create the directory " + parent + " of the restore target: "
                    + e.getMessage(), e);
        }
    }

    private static boolean isNbd(String location) {
        return NBD_URI.matcher(location).matches();
    }

    private String serverName(String repositoryServer) {
        String name = required("repository", repositoryServer);
        return inventory.server(name).map(ManagedServer::name).orElseThrow(() -> new NotFoundException("No managed"
                + " server '" + name + "': name the repository server the jobs store to (GET /api/v1/repositories,"
                + " ferry:job-list)"));
    }

    /** The runner's open repository of the server (never closed here: the runner owns it). */
    private Repository open(String repositoryServer) {
        String server = serverName(repositoryServer);
        if (!repositories.exists(server)) {
            throw new NotFoundException("No job has stored to " + server + " yet: its job repository "
                    + repositories.location(server) + " does not exist");
        }
        return repositories.open(server);
    }

    private static String required(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new ValidationException(field, "is missing");
        }
        return value.strip();
    }
}
