package io.ferry.shell.internal;

import io.ferry.api.FerryException;
import io.ferry.api.repository.ChunkProblem;
import io.ferry.api.repository.Repository;
import io.ferry.api.repository.RepositoryService;
import io.ferry.api.session.JobRepositoryService;
import io.ferry.api.session.SessionService;
import io.ferry.api.repository.VerifyReport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
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

/**
 * Verify prints its whole report first and then, when a chunk failed, ends with an error:
 * the shell shows it as "Error executing command: ..." and {@code bin/client -b} exits
 * with status 1, so scripts and schedulers notice a damaged repository.
 */
@Service
@Command(scope = "ferry", name = "verify", description = "Reads back and checks every chunk of the backups in a repository.",
        detailedDescription = """
                Reads every chunk the backups reference (of the named BACKUPs, ids or unique
                prefixes; of all backups when none is named), decrypts it and checks its hash.
                Prints OK, or every missing or damaged chunk with the backups it breaks; then
                the command fails, so that scripts see it (bin/client -b exits with status 1).
                A damaged chunk file is moved aside (renamed to <id>.bad) and recorded: the
                next backup that carries the same data writes it again, which heals every
                backup that uses it. The next verify lists the backups healed since.
                Nothing else is changed.

                Examples:
                  ferry:verify --repo /srv/ferry/repo
                  ferry:verify --repo /srv/ferry/repo 01JB7 01JC2
                  ferry:verify --repo /srv/ferry/repo --json --password-file /etc/ferry/repo.pass""")
public class VerifyCommand implements Action {

    @Reference
    private RepositoryService repositories;

    @Reference
    private Session session;

    @Option(name = "--repo", description = "Repository directory (or --job-repo)")
    @Completion(FileCompleter.class)
    private String repo;

    @Option(name = "--no-progress", description = "Do not show the progress bar")
    private boolean noProgress;

    @Option(name = "--json", description = "Print the report as JSON (no progress bar)")
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

    /** Verifies a job repository (--job-repo): the service checks the role and audits. */
    @Reference(optional = true)
    private JobRepositoryService jobRepositories;

    @Argument(index = 0, name = "BACKUP", multiValued = true, description = "Backup ids or unique prefixes; all when left out")
    private List<String> backups;

    /** The Karaf process's environment; replaced in tests. */
    private Function<String, String> environment = System::getenv;

    @Override
    public Object execute() throws Exception {
        if (jobRepo != null && !jobRepo.isBlank() && jobRepositories != null && repo == null && passwordFile == null) {
            return verifyJobRepository();
        }
        RepoAccess.Opened opened = RepoAccess.open(repositories, sessions, session, environment, repo, jobRepo,
                passwordFile, "ferry:verify");
        Path directory = opened.directory();
        VerifyReport report;
        long started = System.nanoTime();
        try (Repository repository = opened.repository()) {
            Set<String> ids = new LinkedHashSet<>();
            for (String prefix : Arguments.nonBlank(backups)) {
                ids.add(repository.backup(prefix).id());
            }
            ProgressBar bar = ProgressBar.forSession(session, !noProgress && !json);
            try {
                report = bar.run("verify", () -> repository.verify(List.copyOf(ids), bar));
            } finally {
                bar.finish();
            }
        }
        return report(directory, report, Duration.ofNanos(System.nanoTime() - started));
    }

    /** The job runner's service verifies; the directory named in the report is the repository's. */
    private Object verifyJobRepository() throws Exception {
        String server = jobRepo.strip();
        Path directory = jobRepositories.repositories().stream().filter(r -> r.server().equalsIgnoreCase(server))
                .flatMap(r -> r.info().stream()).map(i -> i.path()).findFirst().orElse(Path.of(server));
        long started = System.nanoTime();
        ProgressBar bar = ProgressBar.forSession(session, !noProgress && !json);
        VerifyReport report;
        try {
            report = bar.run("verify", () -> jobRepositories.verify(server, Arguments.nonBlank(backups), bar));
        } finally {
            bar.finish();
        }
        return report(directory, report, Duration.ofNanos(System.nanoTime() - started));
    }

    private Object report(Path directory, VerifyReport report, Duration elapsed) throws Exception {
        if (json) {
            JsonOutput.print(JsonOutput.VIEWS.verify(directory, report));
            if (!report.ok()) {
                throw ReportedFailure.of(failure(directory, report));
            }
            return null;
        }
        print(directory, report, elapsed);
        if (!report.ok()) {
            throw new FerryException(failure(directory, report));
        }
        return null;
    }

    private static void print(Path directory, VerifyReport report, Duration elapsed) {
        String checked = PlanPrinter.plural(report.backups().size(), "backup") + ", "
                + PlanPrinter.plural(report.chunks(), "chunk") + " (" + ProgressBar.bytes(report.bytes()) + ")";
        if (report.ok()) {
            System.out.println(report.backups().isEmpty() ? "OK: " + directory + " holds no backups; nothing to check."
                    : "OK: " + checked + " in " + directory + " read back, decrypted and checked in "
                            + BackupText.duration(elapsed) + ".");
            printHealed(report);
            return;
        }
        ShellTable table = new ShellTable();
        table.column("Chunk");
        table.column("Problem");
        PlanPrinter.text(table, "Breaks backups");
        for (ChunkProblem p : report.problems()) {
            table.addRow().addContent(p.chunk(), p.problem(), PlanPrinter.wrap(String.join(" ", p.backups())));
        }
        TerminalText.print(table, System.out);
        System.out.println("FAILED: " + PlanPrinter.plural(report.problems().size(), "chunk") + " missing or damaged"
                + " in " + directory + "; " + report.brokenBackups().size() + " of " + report.backups().size()
                + " backups cannot be restored intact: " + String.join(", ", report.brokenBackups()) + ". Checked "
                + checked + " in " + BackupText.duration(elapsed) + ".");
        if (!report.movedAside().isEmpty()) {
            System.out.println("Moved aside: " + PlanPrinter.plural(report.movedAside().size(), "damaged chunk file")
                    + " (renamed to <id>.bad). The next backup of the same data writes "
                    + (report.movedAside().size() == 1 ? "it" : "them") + " again and heals the backups listed;"
                    + " then run ferry:verify again.");
        }
        printHealed(report);
    }

    private static void printHealed(VerifyReport report) {
        if (report.healedBackups().isEmpty() && report.healedChunks().isEmpty()) {
            return;
        }
        String backups = report.healedBackups().isEmpty() ? ""
                : "; " + (report.healedBackups().size() == 1 ? "backup " : "backups ")
                        + String.join(", ", report.healedBackups()) + " restore" + (report.healedBackups().size() == 1
                                ? "s" : "") + " intact again";
        System.out.println("Healed since the last verify: " + PlanPrinter.plural(report.healedChunks().size(), "chunk")
                + " written again by later backups" + backups + ".");
    }

    static String failure(Path directory, VerifyReport report) {
        int broken = report.brokenBackups().size();
        return "Verify found " + PlanPrinter.plural(report.problems().size(), "missing or damaged chunk") + " in "
                + directory + ": " + broken + (broken == 1 ? " backup cannot" : " backups cannot")
                + " be restored intact (listed above). See 'When verify finds problems' in docs/backup-and-restore.md";
    }
}
