package io.ferry.jobs.internal;

import io.ferry.api.ConflictException;
import io.ferry.api.FerryException;
import io.ferry.api.NotFoundException;
import io.ferry.api.ValidationException;
import io.ferry.api.inventory.InventoryService;
import io.ferry.api.inventory.ManagedServer;
import io.ferry.api.inventory.VirtualDisk;
import io.ferry.api.inventory.VirtualMachine;
import io.ferry.api.job.Job;
import io.ferry.api.job.JobService;
import io.ferry.api.mover.DataMover;
import io.ferry.api.mover.DiskSources;
import io.ferry.api.mover.DiskTarget;
import io.ferry.api.mover.RestoreResult;
import io.ferry.api.mover.SourceOptions;
import io.ferry.api.repository.ProgressListener;
import io.ferry.api.repository.Repository;
import io.ferry.api.session.Session;
import io.ferry.api.session.SessionStore;
import io.ferry.api.session.TaskRecord;
import io.ferry.api.session.TaskStatus;
import io.ferry.api.session.VmRestoreResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Restores every disk of a VM from the backups one session wrote: to a directory (one
 * sparse file per disk, {@code VM-DISK.raw}) or to NBD exports (the target is a URI prefix
 * the disk label is appended to, e.g. {@code nbd://host:10809/} gives
 * {@code nbd://host:10809/scsi0:0}). Without a session, the newest session in which every
 * disk of the VM was backed up is used. Nothing is written when a target file exists and
 * overwriting was not asked for.
 */
final class VmRestore {

    /** How many recent sessions are searched for the newest complete backup of a VM. */
    private static final int SESSIONS_SEARCHED = 1000;

    private final SessionStore store;
    private final JobService jobs;
    private final InventoryService inventory;
    private final JobRepositories repositories;
    private final DiskSources sources;
    private final DataMover mover;

    VmRestore(SessionStore store, JobService jobs, InventoryService inventory, JobRepositories repositories,
            DiskSources sources, DataMover mover) {
        this.store = Objects.requireNonNull(store, "store");
        this.jobs = Objects.requireNonNull(jobs, "jobs");
        this.inventory = Objects.requireNonNull(inventory, "inventory");
        this.repositories = Objects.requireNonNull(repositories, "repositories");
        this.sources = Objects.requireNonNull(sources, "sources");
        this.mover = Objects.requireNonNull(mover, "mover");
    }

    VmRestoreResult restore(String vm, String sessionId, String target, boolean overwrite, ProgressListener listener) {
        if (vm == null || vm.isBlank()) {
            throw new ValidationException("vm", "name the VM to restore");
        }
        if (target == null || target.isBlank()) {
            throw new ValidationException("target", "name a directory or an NBD URI prefix to restore to");
        }
        Session session = sessionId == null || sessionId.isBlank() ? newestComplete(vm) : store.session(sessionId)
                .orElseThrow(() -> new NotFoundException("No session '" + sessionId + "' (see ferry:session-list)"));
        List<TaskRecord> disks = disksOf(session, vm);
        String vmName = disks.get(0).vm();
        // before anything is opened or created: the target must be inside restore.roots (or an allowed NBD server)
        sources.checkTarget(target.strip());
        Repository repository = repositories.open(repositoryServer(session));
        boolean nbd = target.startsWith("nbd");
        List<String> locations = new ArrayList<>();
        for (TaskRecord disk : disks) {
            locations.add(nbd ? nbdTarget(target.strip(), disk.disk())
                    : Path.of(target).resolve(ChainKeys.restoreFileName(vmName, disk.disk())).toString());
        }
        if (!nbd) {
            prepareDirectory(Path.of(target), locations, overwrite);
        }
        List<RestoreResult> results = new ArrayList<>();
        for (int i = 0; i < disks.size(); i++) {
            TaskRecord disk = disks.get(i);
            long size = repository.backup(disk.backupId()).size();
            try (DiskTarget out = sources.create(locations.get(i), size, overwrite, SourceOptions.defaults())) {
                results.add(mover.restore(repository, disk.backupId(), out, listener));
            } catch (IOException e) {
                throw new FerryException("Closing restore target " + locations.get(i) + " failed: " + e.getMessage(),
                        e);
            }
        }
        return new VmRestoreResult(vmName, session.id(), results);
    }

    /** The VM's tasks of the session in disk order; every one must have a backup. */
    private List<TaskRecord> disksOf(Session session, String vm) {
        List<TaskRecord> disks = new ArrayList<>(session.tasks().stream().filter(t -> t.vm().equalsIgnoreCase(vm))
                .toList());
        if (disks.isEmpty()) {
            throw new NotFoundException("Session " + session.id() + " of job " + session.job() + " has no disk of VM '"
                    + vm + "' (see ferry:session-show " + session.id() + ")");
        }
        List<String> missing = disks.stream().filter(t -> t.backupId() == null).map(TaskRecord::disk).toList();
        if (!missing.isEmpty()) {
            throw new ConflictException("Session " + session.id() + " did not back up disk(s) " + String.join(", ",
                    missing) + " of VM " + vm + ": restore from a session that backed up every disk (leave out the"
                    + " session to use the newest one)");
        }
        Optional<VirtualMachine> known = inventory.vm(vm);
        if (known.isPresent()) {
            List<String> order = known.get().spec().disks().stream().map(VirtualDisk::label)
                    .map(l -> l.toLowerCase(Locale.ROOT)).toList();
            disks.sort(Comparator.comparingInt(t -> {
                int i = order.indexOf(t.disk().toLowerCase(Locale.ROOT));
                return i < 0 ? Integer.MAX_VALUE : i;
            }));
        }
        return disks;
    }

    /** The newest finished session in which every disk of the VM was backed up. */
    private Session newestComplete(String vm) {
        for (Session s : store.sessions(null, SESSIONS_SEARCHED)) {
            if (!s.status().finished()) {
                continue;
            }
            List<TaskRecord> disks = s.tasks().stream().filter(t -> t.vm().equalsIgnoreCase(vm)).toList();
            boolean complete = !disks.isEmpty() && disks.stream().allMatch(t -> t.backupId() != null
                    && (t.status() == TaskStatus.SUCCESS || t.status() == TaskStatus.WARNING));
            if (complete) {
                return s;
            }
        }
        throw new NotFoundException("No session backed up every disk of VM '" + vm + "' (see ferry:session-list)");
    }

    private String repositoryServer(Session session) {
        Job job = jobs.job(session.job()).orElseThrow(() -> new NotFoundException("Job '" + session.job()
                + "' of session " + session.id() + " no longer exists, so its repository is unknown: restore the disks"
                + " one by one with ferry:restore-disk from the repository under " + repositories.root()));
        return inventory.server(job.spec().repository()).map(ManagedServer::name).orElse(job.spec().repository());
    }

    private static void prepareDirectory(Path dir, List<String> files, boolean overwrite) {
        if (!overwrite) {
            List<String> existing = files.stream().filter(f -> Files.exists(Path.of(f))).toList();
            if (!existing.isEmpty()) {
                throw new ConflictException("Restore target(s) " + String.join(", ", existing) + " exist already:"
                        + " nothing was written; choose another directory or allow overwriting (--overwrite)");
            }
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new FerryException("Cannot create restore directory " + dir + ": " + e.getMessage(), e);
        }
    }

    /** {@code prefix} with the disk label appended to its export name (before any {@code ?query}). */
    static String nbdTarget(String prefix, String label) {
        int q = prefix.indexOf('?');
        String base = q < 0 ? prefix : prefix.substring(0, q);
        String query = q < 0 ? "" : prefix.substring(q);
        int authority = base.indexOf("://");
        if (authority >= 0 && base.indexOf('/', authority + 3) < 0) {
            base = base + "/";
        }
        return base + exportName(label) + query;
    }

    private static String exportName(String label) {
        StringBuilder out = new StringBuilder();
        for (byte b : label.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            boolean plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "._~:-".indexOf(c) >= 0;
            out.append(plain ? String.valueOf(c) : String.format(Locale.ROOT, "%%%02X", b & 0xff));
        }
        return out.toString();
    }
}
