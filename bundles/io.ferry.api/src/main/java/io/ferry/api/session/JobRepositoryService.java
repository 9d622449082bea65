package io.ferry.api.session;

import io.ferry.api.repository.BackupInfo;
import io.ferry.api.repository.ProgressListener;
import io.ferry.api.repository.VerifyReport;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The repositories the jobs store to, for every front end (the shell's {@code --job-repo},
 * the REST API, the web console): list them and their backups, verify them and restore from
 * them. The rules live here, so each front end inherits them: listing needs
 * {@code ferry-viewer}, verify {@code ferry-operator}, a restore {@code ferry-admin} (the
 * shell's command ACL says the same); restores and verifies are recorded in the audit trail
 * with the user; a restore writes only where the path policy allows restore targets
 * ({@code restore.roots} of {@code io.ferry.paths}, or an NBD server allowed by
 * {@code nbd.hosts}/{@code socket.roots}), never over an existing file or export unless
 * asked, and creates files readable by Ferry's user only (0600). Implemented by the job
 * runner (bundle {@code io.ferry.jobs}), which opens the repositories with its own password.
 *
 * @since 1.2
 */
@ProviderType
public interface JobRepositoryService {

    /**
     * Every repository server a job names, in name order, with its repository's figures once
     * a job has stored there (role {@code ferry-viewer}).
     */
    List<JobRepositorySummary> repositories();

    /**
     * The complete backups in the job repository of {@code repositoryServer}, newest first
     * (role {@code ferry-viewer}).
     *
     * @param disk only the backups of this chain key ({@code VM/LABEL}), when present
     * @param vm   only the backups of this VM's disks (case-insensitive), when present
     * @throws io.ferry.api.NotFoundException when there is no such server or no job stored there yet
     */
    List<BackupInfo> backups(String repositoryServer, Optional<String> disk, Optional<String> vm);

    /** One backup by id or unique prefix (role {@code ferry-viewer}); {@code NotFoundException} otherwise. */
    BackupInfo backup(String repositoryServer, String idOrPrefix);

    /**
     * Reads back and checks every chunk of the named backups (ids or unique prefixes; all when
     * the list is empty), as {@code ferry:verify --job-repo}: role {@code ferry-operator},
     * audited as {@code verify}. May take long: the listener sees the progress.
     */
    VerifyReport verify(String repositoryServer, List<String> backups, ProgressListener listener);

    /**
     * Restores one backup (role {@code ferry-admin}, audited as {@code restore-disk}). A
     * relative target is a name under the first of {@link #restoreRoots()} (missing
     * directories below it are created, 0700); an absolute one must lie inside
     * {@code restore.roots}, else {@link io.ferry.api.paths.PathNotAllowedException} naming
     * the setting. An existing target is a {@code ConflictException} unless
     * {@link DiskRestoreRequest#overwrite()}.
     */
    DiskRestoreResult restoreDisk(DiskRestoreRequest request, ProgressListener listener);

    /**
     * Restores every disk of a VM from one session, as {@link SessionService#restoreVm} does,
     * with a relative {@code target} taken as a directory under the first of
     * {@link #restoreRoots()} (role {@code ferry-admin}, audited as {@code restore}). Nothing is
     * written when a target file exists and overwriting was not asked for.
     */
    VmRestoreResult restoreVm(VmRestoreRequest request, ProgressListener listener);

    /** The directories restore targets may be in ({@code restore.roots}), resolved, in configuration order. */
    List<Path> restoreRoots();
}
