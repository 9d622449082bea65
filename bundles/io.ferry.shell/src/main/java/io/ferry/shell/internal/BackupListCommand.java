package io.ferry.shell.internal;

import io.ferry.api.repository.BackupInfo;
import io.ferry.api.repository.Repository;
import io.ferry.api.repository.RepositoryService;
import io.ferry.api.session.SessionService;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.FileCompleter;
import org.apache.karaf.shell.support.table.ShellTable;

@Service
@Command(scope = "ferry", name = "backups", description = "Lists the complete backups in a repository.",
        detailedDescription = """
                Lists the complete backups, oldest first: id, disk key, when the backup
                finished (UTC), disk size, bytes read from the source, new data added to
                the repository and what it costs there after compression and encryption,
                the parent it is incremental to ("full" when it has none) and how unchanged
                data was found (dirty-bitmap:NAME, dedupe or full). An id, or any unique
                prefix of it, names a backup for ferry:restore-disk and ferry:verify.

                Examples:
                  ferry:backups --repo /srv/ferry/repo
                  ferry:backups --repo /srv/ferry/repo --disk web-01/disk0
                  ferry:backups --repo /srv/ferry/repo --json""")
public class BackupListCommand implements Action {

    @Reference
    private RepositoryService repositories;

    @Reference
    private Session session;

    @Option(name = "--repo", description = "Repository directory (or --job-repo)")
    @Completion(FileCompleter.class)
    private String repo;

    @Option(name = "--disk", description = "Only the backups of this disk key")
    private String disk;

    @Option(name = "--json", description = "Print the backups as JSON")
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

    /** The Karaf process's environment; replaced in tests. */
    private Function<String, String> environment = System::getenv;

    @Override
    public Object execute() {
        RepoAccess.Opened opened = RepoAccess.open(repositories, sessions, session, environment, repo, jobRepo,
                passwordFile, "ferry:backups");
        Path directory = opened.directory();
        List<BackupInfo> backups;
        try (Repository repository = opened.repository()) {
            backups = repository.backups().stream().filter(b -> disk == null || b.disk().equals(disk.strip())).toList();
        }
        if (json) {
            JsonOutput.print(JsonOutput.VIEWS.backups(backups));
            return null;
        }
        ShellTable table = new ShellTable();
        table.column("Id");
        table.column("Disk");
        table.column("Finished (UTC)");
        table.column("Size").alignRight();
        table.column("Read").alignRight();
        table.column("New / stored").alignRight();
        table.column("Parent");
        table.column("Tracking");
        table.emptyTableText(disk == null ? "No backups in " + directory + "; make one with ferry:backup-disk"
                : "No backups of disk '" + disk.strip() + "' in " + directory + " (ferry:backups --repo " + directory
                        + " lists all disks)");
        for (BackupInfo b : backups) {
            table.addRow().addContent(b.id(), b.disk(), BackupText.time(b.finished()), ProgressBar.bytes(b.size()),
                    ProgressBar.bytes(b.stats().readBytes()), BackupText.newAndStored(b.stats()), BackupText.parent(b),
                    b.stats().changeTracking() == null ? "" : b.stats().changeTracking());
        }
        TerminalText.print(table, System.out);
        return null;
    }
}
