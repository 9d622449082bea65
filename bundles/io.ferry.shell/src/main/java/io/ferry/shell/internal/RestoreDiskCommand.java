package io.ferry.shell.internal;

import io.ferry.api.NotFoundException;
import io.ferry.api.ValidationException;
import io.ferry.api.mover.DataMover;
import io.ferry.api.mover.DiskSources;
import io.ferry.api.mover.DiskTarget;
import io.ferry.api.mover.RestoreResult;
import io.ferry.api.mover.SourceOptions;
import io.ferry.api.repository.BackupInfo;
import io.ferry.api.repository.Repository;
import io.ferry.api.repository.RepositoryService;
import io.ferry.api.session.DiskRestoreRequest;
import io.ferry.api.session.DiskRestoreResult;
import io.ferry.api.session.JobRepositoryService;
import io.ferry.api.session.SessionService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.FileCompleter;

@Service
@Command(scope = "ferry", name = "restore-disk", description = "Restores a backup to a sparse file, a block device or an NBD export.",
        detailedDescription = """
                Restores the backup named by --backup (its id or a unique prefix of it, see
                ferry:backups), or the latest backup of --disk. Every chunk is checked
                while it is read; a damaged chunk stops the restore with an error.

                TARGET is a path or an NBD URI (nbd://, nbds://, nbd+unix://). A new file
                is created sparse: zero and unallocated parts of the disk stay holes. An
                existing file, block device or export is only written with --overwrite
                (a file is then cut to the disk size; a device or export must be at least
                as large as the disk).

                The repository password comes from --password-file, else from the
                environment variable FERRY_REPOSITORY_PASSWORD, else from a prompt.
                Options come before TARGET.

                Examples:
                  ferry:restore-disk --repo /srv/ferry/repo --backup 01JB7 /var/tmp/web-01.raw
                  ferry:restore-disk --repo /srv/ferry/repo --disk web-01/disk0 /var/tmp/web-01.raw
                  ferry:restore-disk --repo /srv/ferry/repo --disk web-01/disk0 --overwrite /dev/vg0/web-01
                  ferry:restore-disk --repo /srv/ferry/repo --backup 01JB7 --overwrite "nbd+unix:///restore?socket=/run/ferry/r.sock\"""")
public class RestoreDiskCommand implements Action {

    @Reference
    private RepositoryService repositories;

    @Reference
    private DiskSources sources;

    @Reference
    private DataMover mover;

    @Reference
    private Session session;

    @Option(name = "--repo", description = "Repository directory (or --job-repo)")
    @Completion(FileCompleter.class)
    private String repo;

    @Option(name = "--backup", description = "Backup id or a unique prefix of it (see ferry:backups)")
    private String backup;

    @Option(name = "--disk", description = "Restore the latest backup of this disk key")
    private String disk;

    @Option(name = "--overwrite", description = "Write over an existing file, block device or NBD export")
    private boolean overwrite;

    @Option(name = "--tls-certificates", description = "Directory with ca-cert.pem (and client-cert.pem,"
            + " client-key.pem) for an nbds:// target")
    @Completion(FileCompleter.class)
    private String tlsCertificates;

    @Option(name = "--no-progress", description = "Do not show the progress bar")
    private boolean noProgress;

    @Option(name = "--json", description = "Print the result as JSON (no progress bar)")
    private boolean json;

    @Option(name = "--password-file", description = "File whose first line is the password (else"
            + " FERRY_REPOSITORY_PASSWORD, else a prompt)")
    @Completion(FileCompleter.class)
    private String passwordFile;

    @Option(name = "--job-repo", description = "Instead of --repo: the repository the jobs store to on this"
            + " repository server, opened with Ferry's own password (no --password-file)")
    @Completion(ServerNameCompleter.class)
    private String jobRepo;

    @Reference(optional = true)
    private SessionService sessions;

    /** Restores from a job repository (--job-repo): the service confines, refuses, checks the role and audits. */
    @Reference(optional = true)
    private JobRepositoryService jobRepositories;

    @Argument(index = 0, name = "TARGET", required = true, description = "File, block device or NBD URI to write")
    @Completion(FileCompleter.class)
    private String target;

    /** The Karaf process's environment; replaced in tests. */
    private Function<String, String> environment = System::getenv;

    @Override
    public Object execute() throws Exception {
        if (blank(backup) && blank(disk)) {
            throw new ValidationException("--backup", "name the backup to restore: --backup ID (or a unique prefix of"
                    + " it) or --disk KEY for the latest backup of a disk; list them with ferry:backups "
                    + RepoAccess.option(repo, jobRepo));
        }
        String location = BackupDiskCommand.location(session, target);
        refuseExistingFile(location);
        if (jobRepo != null && !jobRepo.isBlank() && tlsCertificates == null) {
            return restoreFromJobRepository(location);
        }
        SourceOptions options = BackupDiskCommand.withTls(SourceOptions.defaults(), session, tlsCertificates,
                location, "targets");
        BackupInfo info;
        RestoreResult result;
        RepoAccess.Opened opened = RepoAccess.open(repositories, sessions, session, environment, repo, jobRepo,
                passwordFile, "ferry:restore-disk");
        Path directory = opened.directory();
        try (Repository repository = opened.repository()) {
            info = chosen(repository, directory);
            ProgressBar bar = ProgressBar.forSession(session, !noProgress && !json);
            try (DiskTarget disk = sources.create(location, info.size(), overwrite, options)) {
                result = bar.run("restore", () -> mover.restore(repository, info.id(), disk, bar));
            } finally {
                bar.finish();
            }
        }
        return print(result, info);
    }

    /** The job runner's service restores (an nbds:// target with --tls-certificates takes the path above). */
    private Object restoreFromJobRepository(String location) {
        if (repo != null) {
            throw new ValidationException("--job-repo", "give --repo DIRECTORY or --job-repo SERVER, not both");
        }
        if (passwordFile != null) {
            throw new ValidationException("--password-file", "a job repository is opened with Ferry's own password:"
                    + " leave out --password-file");
        }
        if (jobRepositories == null) {
            throw new io.ferry.api.FerryException("The job runner (bundle io.ferry.jobs) is not running: job"
                    + " repositories cannot be opened");
        }
        DiskRestoreRequest request = new DiskRestoreRequest(jobRepo.strip(), Optional.ofNullable(backup),
                Optional.ofNullable(disk), location, overwrite);
        ProgressBar bar = ProgressBar.forSession(session, !noProgress && !json);
        DiskRestoreResult restored;
        try {
            restored = bar.run("restore", () -> jobRepositories.restoreDisk(request, bar));
        } finally {
            bar.finish();
        }
        return print(restored.result(), restored.backup());
    }

    private Object print(RestoreResult result, BackupInfo info) {
        if (json) {
            JsonOutput.print(JsonOutput.VIEWS.restore(result, info));
            return null;
        }
        System.out.println("Restored backup " + result.backupId() + " of disk '" + info.disk() + "' ("
                + BackupText.time(info.finished()) + ") to " + result.target() + ".");
        System.out.println("  " + ProgressBar.bytes(result.size()) + ": " + ProgressBar.bytes(result.writtenBytes())
                + " written, " + ProgressBar.bytes(result.zeroBytes()) + " left as holes or zeroed; "
                + BackupText.duration(result.elapsed()) + " (" + BackupText.rate(result.size(), result.elapsed()) + ")");
        return null;
    }

    private BackupInfo chosen(Repository repository, Path directory) {
        if (blank(backup)) {
            String key = disk.strip();
            return repository.latest(key).orElseThrow(() -> new NotFoundException("No backup of disk '" + key + "' in "
                    + directory + " (see ferry:backups --repo " + directory + ")"));
        }
        BackupInfo info = repository.backup(backup.strip());
        if (!blank(disk) && !info.disk().equals(disk.strip())) {
            throw new ValidationException("--disk", "backup " + info.id() + " is of disk '" + info.disk() + "', not '"
                    + disk.strip() + "'; leave out --disk, or pick a backup of that disk (ferry:backups --repo "
                    + directory + " --disk " + disk.strip() + ")");
        }
        return info;
    }

    /** A clear word before the password prompt; the disk sources refuse it as well. */
    private void refuseExistingFile(String location) {
        if (overwrite || !location.startsWith("/")) {
            return;
        }
        Path path = Path.of(location);
        if (Files.exists(path)) {
            throw new ValidationException("TARGET", "'" + path + "' exists; add --overwrite to write the disk over it"
                    + " (a file is cut to the disk size), or name a new file");
        }
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
