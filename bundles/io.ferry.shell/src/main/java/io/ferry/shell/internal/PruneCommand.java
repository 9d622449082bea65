package io.ferry.shell.internal;

import io.ferry.api.ValidationException;
import io.ferry.api.repository.BackupInfo;
import io.ferry.api.repository.PruneReport;
import io.ferry.api.repository.Repository;
import io.ferry.api.repository.RepositoryService;
import io.ferry.api.session.SessionService;
import io.ferry.api.repository.RetentionPolicy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
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
@Command(scope = "ferry", name = "prune", description = "Removes backups a retention policy does not keep, and the chunks no backup needs.",
        detailedDescription = """
                Applies the policy to the backups of each disk key: a backup is kept when
                any rule keeps it, and the newest backup of each disk is always kept.
                --keep-last N keeps the newest N; --keep-daily N the newest backup of each
                of the last N days that have backups; --keep-weekly and --keep-monthly the
                same per ISO week and per month. Then deletes the chunks no remaining
                backup references (also those left by failed or cancelled backups).

                Prune refuses to run while a backup is being written to the repository;
                run it again when the backup has finished. An interrupted prune leaves a
                consistent repository; run it again. Try --dry-run first.

                Examples:
                  ferry:prune --repo /srv/ferry/repo --dry-run --keep-daily 7 --keep-weekly 4
                  ferry:prune --repo /srv/ferry/repo --keep-last 3 --keep-daily 14 --keep-monthly 12
                  ferry:prune --repo /srv/ferry/repo --json --password-file /etc/ferry/repo.pass --keep-last 10""")
public class PruneCommand implements Action {

    @Reference
    private RepositoryService repositories;

    @Reference
    private Session session;

    @Option(name = "--repo", description = "Repository directory (or --job-repo)")
    @Completion(FileCompleter.class)
    private String repo;

    @Option(name = "--keep-last", description = "Keep the newest N backups of each disk")
    private int keepLast;

    @Option(name = "--keep-daily", description = "Keep the newest backup of each of the last N days with backups")
    private int keepDaily;

    @Option(name = "--keep-weekly", description = "Keep the newest backup of each of the last N ISO weeks with backups")
    private int keepWeekly;

    @Option(name = "--keep-monthly", description = "Keep the newest backup of each of the last N months with backups")
    private int keepMonthly;

    @Option(name = "--dry-run", description = "Only show what would be removed; change nothing")
    private boolean dryRun;

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

    /** The Karaf process's environment; replaced in tests. */
    private Function<String, String> environment = System::getenv;

    @Override
    public Object execute() {
        RetentionPolicy policy = policy();
        List<BackupInfo> before;
        PruneReport report;
        RepoAccess.Opened opened = RepoAccess.open(repositories, sessions, session, environment, repo, jobRepo,
                passwordFile, "ferry:prune");
        Path directory = opened.directory();
        try (Repository repository = opened.repository()) {
            before = repository.backups();
            ProgressBar bar = ProgressBar.forSession(session, !noProgress && !json);
            try {
                report = bar.run("prune", () -> repository.prune(policy, dryRun, bar));
            } finally {
                bar.finish();
            }
        }
        if (json) {
            JsonOutput.print(JsonOutput.VIEWS.prune(directory, policy, report));
            return null;
        }
        System.out.println("Prune of " + directory + " with " + describe(policy)
                + (report.dryRun() ? " (dry run: nothing was changed)" : "") + ":");
        TerminalText.print(table(before, report), System.out);
        System.out.println(summary(report));
        return null;
    }

    private RetentionPolicy policy() {
        try {
            return new RetentionPolicy(keepLast, keepDaily, keepWeekly, keepMonthly);
        } catch (ValidationException e) {
            String option = switch (e.field()) {
                case "keepLast" -> "--keep-last";
                case "keepDaily" -> "--keep-daily";
                case "keepWeekly" -> "--keep-weekly";
                case "keepMonthly" -> "--keep-monthly";
                default -> "";
            };
            throw new ValidationException(option, e.problem());
        }
    }

    /** {@code keep-last 3, keep-daily 14}. */
    static String describe(RetentionPolicy policy) {
        List<String> rules = new ArrayList<>();
        rule(rules, "keep-last", policy.keepLast());
        rule(rules, "keep-daily", policy.keepDaily());
        rule(rules, "keep-weekly", policy.keepWeekly());
        rule(rules, "keep-monthly", policy.keepMonthly());
        return String.join(", ", rules);
    }

    private static void rule(List<String> rules, String name, int value) {
        if (value > 0) {
            rules.add(name + " " + value);
        }
    }

    /** Every backup the prune looked at, by disk and time, with what happened to it. */
    private static ShellTable table(List<BackupInfo> before, PruneReport report) {
        Map<String, BackupInfo> known = before.stream().collect(Collectors.toMap(BackupInfo::id, b -> b, (a, b) -> a));
        Set<String> removed = new HashSet<>(report.removedBackups());
        List<String> ids = new ArrayList<>(report.removedBackups());
        ids.addAll(report.keptBackups());
        ids.sort(Comparator.comparing((String id) -> known.containsKey(id) ? known.get(id).disk() : "")
                .thenComparing(id -> known.containsKey(id) ? known.get(id).finished().toString() : "")
                .thenComparing(id -> id));
        ShellTable table = new ShellTable();
        table.column("Backup");
        table.column("Disk");
        table.column("Finished (UTC)");
        table.column("Size").alignRight();
        table.column(report.dryRun() ? "Would be" : "Result");
        table.emptyTableText("The repository holds no backups");
        for (String id : ids) {
            BackupInfo b = known.get(id);
            String action = removed.contains(id) ? "removed" : "kept";
            table.addRow().addContent(id, b == null ? "" : b.disk(), b == null ? "" : BackupText.time(b.finished()),
                    b == null ? "" : ProgressBar.bytes(b.size()), action);
        }
        return table;
    }

    static String summary(PruneReport report) {
        String backups = PlanPrinter.plural(report.removedBackups().size(), "backup");
        String chunks = PlanPrinter.plural(report.removedChunks(), "chunk");
        String freed = ProgressBar.bytes(report.freedBytes());
        String kept = PlanPrinter.plural(report.keptBackups().size(), "backup");
        if (report.dryRun()) {
            return "Dry run: would remove " + backups + " and " + chunks + ", freeing " + freed + "; would keep " + kept
                    + ". Nothing was changed.";
        }
        return "Removed " + backups + " and " + chunks + ", freed " + freed + "; kept " + kept + ".";
    }
}
