package io.ferry.shell.internal;

import io.ferry.api.repository.Progress;
import io.ferry.api.session.GuestRecord;
import io.ferry.api.session.Session;
import io.ferry.api.session.TaskProgress;
import io.ferry.api.session.TaskRecord;
import io.ferry.api.session.TaskStatus;
import java.io.PrintStream;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.karaf.shell.support.table.ShellTable;

/**
 * How a session reads as text ({@code ferry:session-show}, and {@code ferry:job-run} when the
 * run ends): a summary with the totals, the guest processing of each VM, the tasks with their
 * proxy, transport mode, change tracking and figures, then per task why that proxy and mode
 * were chosen, why a full read was needed, errors and warnings.
 */
final class SessionText {

    private SessionText() {
    }

    /**
     * @param live progress of the running tasks (empty for a finished session)
     */
    static void print(PrintStream out, Session session, List<TaskProgress> live) {
        out.println(TerminalText.safe("Session " + session.id() + " of job '" + session.job() + "': " + status(session)));
        TerminalText.print(summary(session), out);
        if (!session.guests().isEmpty()) {
            out.println();
            out.println("Guest processing");
            TerminalText.print(guests(session.guests()), out);
        }
        out.println();
        out.println("Tasks");
        TerminalText.print(tasks(session, live), out);
        if (!session.tasks().isEmpty()) {
            out.println();
            TerminalText.print(data(session.tasks()), out);
        }
        notes(out, session.tasks());
    }

    /** {@code success}, {@code running}, ... as the shell writes enum constants. */
    static String status(Session session) {
        return EnumNames.display(session.status());
    }

    static String status(TaskStatus status) {
        return EnumNames.display(status);
    }

    /** {@code 3 disks: 2 success, 1 failed}. */
    static String taskCounts(List<TaskRecord> tasks) {
        if (tasks.isEmpty()) {
            return "no disks";
        }
        Map<TaskStatus, Long> counts = new EnumMap<>(TaskStatus.class);
        tasks.forEach(t -> counts.merge(t.status(), 1L, Long::sum));
        return PlanPrinter.plural(tasks.size(), "disk") + ": " + counts.entrySet().stream()
                .map(e -> e.getValue() + " " + status(e.getKey())).collect(Collectors.joining(", "));
    }

    /** The summary: what ran, when, and the totals over all tasks. */
    private static ShellTable summary(Session session) {
        ShellTable table = BackupText.details();
        BackupText.row(table, "Job", session.job());
        BackupText.row(table, "Trigger", session.retryOf() == null ? session.trigger()
                : session.trigger() + " (retries the failed and stopped tasks of " + session.retryOf() + ")");
        BackupText.row(table, "Status", status(session));
        BackupText.row(table, "Started", BackupText.time(session.started()));
        if (session.finished() != null) {
            BackupText.row(table, "Finished", BackupText.time(session.finished()));
        }
        session.duration().ifPresent(d -> BackupText.row(table, "Duration", BackupText.duration(d)));
        if (!session.message().isEmpty()) {
            BackupText.row(table, "Message", PlanPrinter.wrap(session.message()));
        }
        List<TaskRecord> tasks = session.tasks();
        BackupText.row(table, "Disks", taskCounts(tasks));
        Totals totals = Totals.of(tasks);
        BackupText.row(table, "Size", ProgressBar.bytes(totals.size()));
        BackupText.row(table, "Read", ProgressBar.bytes(totals.read()) + share(totals.read(), totals.size()));
        BackupText.row(table, "Transferred", ProgressBar.bytes(totals.transferred()));
        BackupText.row(table, "Stored", ProgressBar.bytes(totals.stored()));
        BackupText.row(table, "Dedupe", dedupe(totals.data(), totals.fresh()));
        BackupText.row(table, "Compression", compression(totals.fresh(), totals.stored()));
        long backedUp = tasks.stream().filter(SessionText::succeeded).mapToLong(TaskRecord::sizeBytes).sum();
        session.duration().ifPresent(d -> BackupText.row(table, "Rate", BackupText.rate(backedUp, d)
                + " of disks backed up (" + BackupText.rate(totals.read(), d) + " read)"));
        return table;
    }

    /** {@code  (6% of the disks)}, or nothing when there is nothing to compare with. */
    private static String share(long part, long whole) {
        if (whole <= 0) {
            return "";
        }
        double percent = part * 100.0 / whole;
        String shown = percent > 0 && percent < 1 ? "<1" : String.format(Locale.ROOT, "%.0f", percent);
        return " (" + shown + "% of the disks)";
    }

    private static ShellTable guests(List<GuestRecord> guests) {
        ShellTable table = new ShellTable();
        table.column("VM");
        table.column("Proxy");
        table.column("Channel");
        table.column("Status");
        table.column("Frozen").alignRight();
        PlanPrinter.text(table, "Detail");
        for (GuestRecord g : guests) {
            table.addRow().addContent(g.vm(), orDash(g.proxy()), orDash(g.channel()), status(g.status()),
                    g.executed() ? frozen(g.frozen()) : "-", PlanPrinter.wrap(guestDetail(g)));
        }
        return table;
    }

    /** What the stage did; for a stage that could not run here, clearly what it would have done. */
    static String guestDetail(GuestRecord g) {
        String detail = g.detail().isBlank() ? "" : g.detail().strip();
        if (g.executed() || detail.toLowerCase(Locale.ROOT).contains("not executed")) {
            return detail;
        }
        return "not executed: " + (detail.isEmpty() ? "the platform cannot run here" : detail);
    }

    /** {@code 84 ms}, {@code 1.2 s}; {@code -} when the guest was not frozen. */
    static String frozen(Duration frozen) {
        if (frozen.isZero()) {
            return "-";
        }
        long millis = frozen.toMillis();
        return millis < 1000 ? millis + " ms" : String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }

    private static ShellTable tasks(Session session, List<TaskProgress> live) {
        Map<String, TaskProgress> progress = live.stream()
                .collect(Collectors.toMap(TaskProgress::taskId, Function.identity(), (a, b) -> b));
        ShellTable table = new ShellTable();
        table.column("Task");
        table.column("Status");
        table.column("Proxy");
        table.column("Mode");
        table.column("Tracking");
        table.column("Duration").alignRight();
        table.column("Rate").alignRight();
        table.emptyTableText("No tasks: the plan had no disk to back up");
        for (TaskRecord t : session.tasks()) {
            TaskProgress p = progress.get(t.id());
            table.addRow().addContent(t.id(), taskStatus(t, p), orDash(t.proxy()), orDash(t.transportMode()),
                    orDash(t.changeTracking()), t.duration().map(BackupText::duration).orElse("-"), rate(t, p));
        }
        return table;
    }

    /** {@code success}, or for a running task with progress {@code running 45%}. */
    private static String taskStatus(TaskRecord t, TaskProgress p) {
        if (t.status() == TaskStatus.RUNNING && p != null && p.progress() != null) {
            return status(t.status()) + " " + percent(p.progress());
        }
        return status(t.status());
    }

    private static String rate(TaskRecord t, TaskProgress p) {
        if (t.status() == TaskStatus.RUNNING && p != null && p.progress() != null) {
            return ProgressBar.rate(p.progress().bytesPerSecond());
        }
        return succeeded(t) && t.duration().isPresent() ? ProgressBar.rate(t.bytesPerSecond()) : "-";
    }

    /** Backed up (with or without warnings): the tasks whose figures make a rate. */
    static boolean succeeded(TaskRecord t) {
        return t.status() == TaskStatus.SUCCESS || t.status() == TaskStatus.WARNING;
    }

    static String percent(Progress progress) {
        return (int) Math.floor(progress.fraction() * 100) + "%";
    }

    private static ShellTable data(List<TaskRecord> tasks) {
        ShellTable table = new ShellTable();
        table.column("Task");
        table.column("Size").alignRight();
        table.column("Read").alignRight();
        table.column("Transferred").alignRight();
        table.column("Stored").alignRight();
        table.column("Dedupe").alignRight();
        table.column("Compression").alignRight();
        for (TaskRecord t : tasks) {
            boolean ran = t.started() != null;
            table.addRow().addContent(t.id(), ProgressBar.bytes(t.sizeBytes()), ran ? ProgressBar.bytes(t.readBytes())
                    : "-", ran ? ProgressBar.bytes(t.transferredBytes()) : "-", ran ? ProgressBar.bytes(t.storedBytes())
                    : "-", ran ? dedupe(t.dataBytes(), t.newBytes()) : "-", ran ? compression(t.newBytes(),
                            t.storedBytes()) : "-");
        }
        return table;
    }

    /**
     * Per task: why this proxy and mode, why the whole disk was read, the backup written,
     * the error and the warnings.
     */
    private static void notes(PrintStream out, List<TaskRecord> tasks) {
        for (TaskRecord t : tasks) {
            out.println();
            out.println(TerminalText.safe(t.id() + ":"));
            if (!t.reason().isBlank()) {
                note(out, "why", t.reason());
            }
            if (t.changeNote() != null && !t.changeNote().isBlank()) {
                note(out, "full read", t.changeNote());
            }
            if (t.backupId() != null) {
                note(out, "backup", t.backupId());
            }
            if (t.error() != null && !t.error().isBlank()) {
                note(out, "error", t.error());
            }
            t.warnings().forEach(w -> note(out, "warning", w));
        }
    }

    private static void note(PrintStream out, String label, String text) {
        String indent = "  " + " ".repeat(label.length() + 2);
        String wrapped = PlanPrinter.wrap(text).replace("\n", "\n" + indent);
        out.println(TerminalText.safeLines("  " + label + ": " + wrapped));
    }

    /** Non-zero bytes over new bytes, or what it means when nothing new was stored. */
    static String dedupe(long dataBytes, long newBytes) {
        if (newBytes == 0) {
            return dataBytes == 0 ? "-" : "all known";
        }
        return BackupText.ratio((double) dataBytes / newBytes);
    }

    static String compression(long newBytes, long storedBytes) {
        return storedBytes == 0 ? "-" : BackupText.ratio((double) newBytes / storedBytes);
    }

    static String orDash(String value) {
        return value == null || value.isBlank() ? "-" : value;
    }

    /** Sums over the tasks of a session. */
    record Totals(long size, long read, long transferred, long stored, long data, long fresh) {

        static Totals of(List<TaskRecord> tasks) {
            long size = 0;
            long read = 0;
            long transferred = 0;
            long stored = 0;
            long data = 0;
            long fresh = 0;
            for (TaskRecord t : tasks) {
                size += t.sizeBytes();
                read += t.readBytes();
                transferred += t.transferredBytes();
                stored += t.storedBytes();
                data += t.dataBytes();
                fresh += t.newBytes();
            }
            return new Totals(size, read, transferred, stored, data, fresh);
        }

        double dedupeRatio() {
            return data == 0 ? 1.0 : (double) data / Math.max(1, fresh);
        }

        double compressionRatio() {
            return stored == 0 ? 1.0 : (double) fresh / stored;
        }
    }
}
