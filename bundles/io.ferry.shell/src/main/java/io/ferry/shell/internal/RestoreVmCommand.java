package io.ferry.shell.internal;

import io.ferry.api.ValidationException;
import io.ferry.api.mover.RestoreResult;
import io.ferry.api.session.SessionService;
import io.ferry.api.session.TaskRecord;
import io.ferry.api.session.VmRestoreResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;
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
@Command(scope = "ferry", name = "restore", description = "Restores every disk of a VM from a backup session.",
        detailedDescription = """
                Restores all disks of VM as a backup session left them: the session named by
                --session (an id or a unique prefix of it, see ferry:session-list), else the
                latest session in which the VM's disks were backed up successfully. Every
                chunk is checked while it is read.

                --to is a directory or an NBD URI prefix. Into a directory, each disk is
                written as a sparse file named VM-DISK.raw (zero and unallocated parts stay
                holes). With an NBD URI prefix each disk goes to the export named by its
                label. Existing files or exports are only written with --overwrite.

                Ctrl-C cancels the restore. Options come before VM.

                Examples:
                  ferry:restore --to /var/tmp/restore pve-web-01
                  ferry:restore --session 01a2097a-32 --to /var/tmp/restore pve-web-01
                  ferry:restore --overwrite --to /var/tmp/restore pve-web-01
                  ferry:restore --to "nbd+unix:///?socket=/run/ferry/restore.sock" pve-web-01
                  ferry:restore --json --to /var/tmp/restore pve-web-01""")
public class RestoreVmCommand implements Action {

    private static final Pattern NBD_URI = Pattern.compile("(?i)nbds?(\\+unix)?://.*");

    @Reference
    private SessionService sessions;

    @Reference
    private Session shell;

    @Option(name = "--session", description = "Session to restore from (id or unique prefix; default: the latest"
            + " successful backup of the VM)")
    @Completion(SessionIdCompleter.class)
    private String session;

    @Option(name = "--to", required = true, description = "Directory (one VM-DISK.raw per disk) or NBD URI prefix")
    @Completion(FileCompleter.class)
    private String to;

    @Option(name = "--overwrite", description = "Write over existing files or exports")
    private boolean overwrite;

    @Option(name = "--no-progress", description = "Do not show the progress bar")
    private boolean noProgress;

    @Option(name = "--json", description = "Print the result as JSON (no progress bar)")
    private boolean json;

    @Argument(index = 0, name = "VM", required = true, description = "Name of the VM")
    @Completion(VmNameCompleter.class)
    private String vm;

    @Override
    public Object execute() {
        String target = target(shell, to);
        String from = session == null || session.isBlank() ? null : session.strip();
        VmRestoreResult result;
        ProgressBar bar = ProgressBar.forSession(shell, !noProgress && !json);
        try {
            result = bar.run("restore", () -> sessions.restoreVm(vm.strip(), from, target, overwrite, bar));
        } finally {
            bar.finish();
        }
        Map<String, String> disks = disksByBackup(result);
        if (json) {
            JsonOutput.print(JsonOutput.VIEWS.restore(result, disks));
            return null;
        }
        System.out.println("Restored " + PlanPrinter.plural(result.disks().size(), "disk") + " of VM '" + result.vm()
                + "' from session " + result.session() + " to " + target + ".");
        ShellTable table = new ShellTable();
        table.column("Disk");
        table.column("Backup");
        table.column("Target");
        table.column("Size").alignRight();
        table.column("Written").alignRight();
        table.column("Holes or zeros").alignRight();
        table.column("Duration").alignRight();
        table.column("Rate").alignRight();
        for (RestoreResult r : result.disks()) {
            table.addRow().addContent(disks.getOrDefault(r.backupId(), "?"), r.backupId(), r.target(),
                    ProgressBar.bytes(r.size()), ProgressBar.bytes(r.writtenBytes()), ProgressBar.bytes(r.zeroBytes()),
                    BackupText.duration(r.elapsed()), BackupText.rate(r.size(), r.elapsed()));
        }
        TerminalText.print(table, System.out);
        return null;
    }

    /** Disk label of each restored backup, from the session's tasks. */
    private Map<String, String> disksByBackup(VmRestoreResult result) {
        Map<String, String> disks = new HashMap<>();
        sessions.session(result.session()).ifPresent(s -> {
            for (TaskRecord t : s.tasks()) {
                if (t.backupId() != null && t.vm().equalsIgnoreCase(result.vm())) {
                    disks.put(t.backupId(), t.disk());
                }
            }
        });
        return disks;
    }

    /** An NBD URI prefix as given; a directory relative to the shell's directory, refused when it is a file. */
    static String target(Session shell, String to) {
        if (to == null || to.isBlank()) {
            throw new ValidationException("--to", "is empty: name a directory (one file per disk is written into"
                    + " it) or an NBD URI prefix, e.g. --to /var/tmp/restore");
        }
        String value = to.strip();
        if (NBD_URI.matcher(value).matches()) {
            return value;
        }
        if (value.contains("://")) {
            throw new ValidationException("--to", "'" + value + "' is neither a directory nor an nbd://, nbds:// or"
                    + " nbd+unix:// URI");
        }
        Path path = RepoAccess.path(shell, value, "--to");
        if (Files.exists(path) && !Files.isDirectory(path)) {
            throw new ValidationException("--to", "'" + path + "' is a file: name a directory (each disk is"
                    + " written into it as VM-DISK.raw) or an NBD URI prefix");
        }
        return path.toString();
    }
}
