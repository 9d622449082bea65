package io.ferry.shell.internal;

import io.ferry.api.ValidationException;
import io.ferry.api.repository.Repository;
import io.ferry.api.repository.RepositoryInfo;
import io.ferry.api.repository.RepositoryService;
import io.ferry.api.session.SessionService;
import java.nio.file.Path;
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
import org.apache.karaf.shell.support.table.ShellTable;

@Service
@Command(scope = "ferry", name = "repo-info", description = "Shows a repository's settings and what it holds.",
        detailedDescription = """
                Opens the repository with its password (which checks the password; nothing
                is changed) and shows its id, format version, chunk size, encryption,
                compression and key derivation, the number of backups and chunks, what the
                chunks cost on disk and how much disk data the backups protect.

                Options come before the path.

                Examples:
                  ferry:repo-info /srv/ferry/repo
                  ferry:repo-info --json --password-file /etc/ferry/repo.pass /srv/ferry/repo""")
public class RepoInfoCommand implements Action {

    @Reference
    private RepositoryService repositories;

    @Reference
    private Session session;

    @Argument(index = 0, name = "PATH", description = "Repository directory (or --job-repo SERVER)")
    @Completion(FileCompleter.class)
    private String path;

    @Option(name = "--json", description = "Print the repository info as JSON")
    private boolean json;

    @Option(name = "--password-file", description = "File whose first line is the password (else"
            + " FERRY_REPOSITORY_PASSWORD, else a prompt)")
    @Completion(FileCompleter.class)
    private String passwordFile;

    @Option(name = "--job-repo", description = "Instead of PATH: the repository the jobs store to on this"
            + " repository server, opened with Ferry's own password (no --password-file)")
    @Completion(ServerNameCompleter.class)
    private String jobRepo;

    @Reference(optional = true)
    private SessionService sessions;

    /** The Karaf process's environment; replaced in tests. */
    private Function<String, String> environment = System::getenv;

    @Override
    public Object execute() {
        if (path != null && jobRepo != null) {
            throw new ValidationException("--job-repo", "give PATH or --job-repo SERVER, not both");
        }
        RepoAccess.Opened opened = RepoAccess.open(repositories, sessions, session, environment, path, jobRepo,
                passwordFile, "ferry:repo-info");
        RepositoryInfo info;
        try (Repository repository = opened.repository()) {
            info = repository.info();
        }
        if (json) {
            JsonOutput.print(JsonOutput.VIEWS.repository(info));
            return null;
        }
        System.out.println("Repository " + info.path());
        ShellTable table = BackupText.details();
        BackupText.row(table, "Id", info.id());
        BackupText.row(table, "Format version", info.formatVersion());
        BackupText.row(table, "Created", BackupText.time(info.created()));
        BackupText.row(table, "Chunk size", ByteSize.format(info.chunkSize()));
        BackupText.row(table, "Encryption", info.encryption());
        BackupText.row(table, "Compression", info.compression());
        BackupText.row(table, "Key derivation", info.kdf());
        BackupText.row(table, "Backups", info.backups());
        BackupText.row(table, "Chunks", info.chunks() + " (" + ProgressBar.bytes(info.storedBytes()) + " on disk)");
        BackupText.row(table, "Protected", ProgressBar.bytes(info.logicalBytes()) + " of disks in "
                + PlanPrinter.plural(info.backups(), "backup") + (info.storedBytes() > 0 ? " (" + BackupText.ratio(
                        (double) info.logicalBytes() / info.storedBytes()) + " the space the chunks use)" : ""));
        TerminalText.print(table, System.out);
        return null;
    }
}
