package io.ferry.shell.internal;

import io.ferry.api.repository.Progress;
import io.ferry.api.session.GuestRecord;
import io.ferry.api.session.Session;
import io.ferry.api.session.TaskProgress;
import io.ferry.api.session.TaskRecord;
import io.ferry.api.session.TaskStatus;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The lines {@code ferry:job-run} shows while a session runs: on a terminal a block of one
 * line per task and an overall line, redrawn in place; without one, a line per state change
 * (a task starts, ends, fails; a VM's guest processing is done), so that logs stay readable.
 */
final class SessionProgressLines {
    static final int BAR = 20;
    private static final int MAX_NAME = 32;

    private SessionProgressLines() {
    }

    /** {@code Session 01J... of job 'nightly' started: 3 disks, proxies gp-hq-01, gp-br-01}. */
    static String header(Session session) {
        Set<String> proxies = session.tasks().stream().map(TaskRecord::proxy).filter(Objects::nonNull)
                .collect(Collectors.toCollection(LinkedHashSet::new));
        String trigger = session.retryOf() == null ? "" : " (retry of " + session.retryOf() + ")";
        return "Session " + session.id() + " of job '" + session.job() + "'" + trigger + " started: "
                + PlanPrinter.plural(session.tasks().size(), "disk")
                + (proxies.isEmpty() ? "" : ", " + (proxies.size() == 1 ? "proxy " : "proxies ")
                        + String.join(", ", proxies));
    }

    /**
     * The block shown on a terminal: per task name, proxy, mode, state and, while it runs, a
     * bar with percent, bytes and rate; then the overall line. Each line at most
     * {@code width} characters.
     */
    static List<String> block(Session session, List<TaskProgress> live, int width) {
        Map<String, TaskProgress> progress = live.stream()
                .collect(Collectors.toMap(TaskProgress::taskId, Function.identity(), (a, b) -> b));
        List<TaskRecord> tasks = session.tasks();
        int nameWidth = Math.min(MAX_NAME, tasks.stream().mapToInt(t -> t.id().length()).max().orElse(0));
        int proxyWidth = tasks.stream().mapToInt(t -> SessionText.orDash(t.proxy()).length()).max().orElse(0);
        int modeWidth = tasks.stream().mapToInt(t -> SessionText.orDash(t.transportMode()).length()).max().orElse(0);
        List<String> lines = new ArrayList<>();
        for (TaskRecord t : tasks) {
            StringBuilder line = new StringBuilder();
            line.append(pad(t.id(), nameWidth)).append("  ").append(pad(SessionText.orDash(t.proxy()), proxyWidth))
                    .append("  ").append(pad(SessionText.orDash(t.transportMode()), modeWidth)).append("  ")
                    .append(pad(SessionText.status(t.status()), 8)).append(' ').append(figures(t, progress.get(t.id())));
            lines.add(cut(line.toString().stripTrailing(), width));
        }
        lines.add(cut(overall(session, progress), width));
        return lines;
    }

    /** What a task's line shows after its state. */
    private static String figures(TaskRecord t, TaskProgress live) {
        Progress p = live == null ? null : live.progress();
        if (t.status() == TaskStatus.RUNNING) {
            if (p == null) {
                return "";
            }
            return " " + bar(p.fraction()) + "  " + String.format(Locale.ROOT, "%3d%%", (int) Math.floor(
                    p.fraction() * 100)) + "  " + ProgressBar.bytes(p.done()) + " / " + ProgressBar.bytes(p.total())
                    + "  " + ProgressBar.rate(p.bytesPerSecond());
        }
        if (t.status() == TaskStatus.SUCCESS || t.status() == TaskStatus.WARNING) {
            return " " + done(t);
        }
        if (t.error() != null && !t.error().isBlank()) {
            return " " + t.error().strip().replace('\n', ' ');
        }
        return "";
    }

    /** {@code 64.0 MiB, 1.2 MiB read, 5.3 s, 12.0 MiB/s}. */
    private static String done(TaskRecord t) {
        return ProgressBar.bytes(t.sizeBytes()) + ", " + ProgressBar.bytes(t.readBytes()) + " read"
                + t.duration().map(d -> ", " + BackupText.duration(d) + ", " + ProgressBar.rate(t.bytesPerSecond()))
                        .orElse("");
    }

    /** {@code overall  1 of 3 disks done  [#####...............]  25%  48.0 MiB / 192 MiB  12.0 MiB/s}. */
    private static String overall(Session session, Map<String, TaskProgress> progress) {
        long total = 0;
        long done = 0;
        double rate = 0;
        int finished = 0;
        for (TaskRecord t : session.tasks()) {
            total += t.sizeBytes();
            TaskProgress live = progress.get(t.id());
            if (t.status().finished()) {
                finished++;
                done += t.sizeBytes();
            } else if (live != null && live.progress() != null) {
                done += Math.min(t.sizeBytes(), live.progress().done());
                rate += live.progress().bytesPerSecond();
            }
        }
        double fraction = total == 0 ? 1.0 : (double) done / total;
        boolean ended = finished == session.tasks().size();
        return "overall  " + finished + " of " + PlanPrinter.plural(session.tasks().size(), "disk") + " done  "
                + bar(fraction) + "  " + String.format(Locale.ROOT, "%3d%%", (int) Math.floor(fraction * 100))
                + "  " + ProgressBar.bytes(done) + " / " + ProgressBar.bytes(total)
                + (ended ? "" : "  " + ProgressBar.rate(rate));
    }

    /**
     * The lines for what changed from {@code before} (null: nothing shown yet) to
     * {@code after}: tasks that started, ended or failed, guest processing that was done.
     */
    static List<String> changes(Session before, Session after) {
        Map<String, TaskStatus> was = before == null ? Map.of()
                : before.tasks().stream().collect(Collectors.toMap(TaskRecord::id, TaskRecord::status, (a, b) -> b));
        Map<String, GuestRecord> guestWas = before == null ? Map.of()
                : before.guests().stream().collect(Collectors.toMap(GuestRecord::vm, Function.identity(), (a, b) -> b));
        List<String> lines = new ArrayList<>();
        for (GuestRecord g : after.guests()) {
            GuestRecord old = guestWas.get(g.vm());
            if (old == null || old.status() != g.status()) {
                lines.add(guest(g));
            }
        }
        for (TaskRecord t : after.tasks()) {
            TaskStatus old = was.get(t.id());
            if (t.status() != old && !(old == null && t.status() == TaskStatus.QUEUED)) {
                lines.add(task(t));
            }
        }
        return lines;
    }

    /** {@code pve-web-01: guest processing success on gi-lin-01 (qemu-guest-agent, frozen 84 ms): froze /data}. */
    static String guest(GuestRecord g) {
        List<String> how = new ArrayList<>();
        if (!g.channel().isBlank()) {
            how.add(g.channel());
        }
        if (!g.frozen().isZero()) {
            how.add("frozen " + SessionText.frozen(g.frozen()));
        }
        String detail = SessionText.guestDetail(g);
        return g.vm() + ": guest processing " + SessionText.status(g.status())
                + (g.proxy() == null ? "" : " on " + g.proxy()) + (how.isEmpty() ? "" : " (" + String.join(", ",
                        how) + ")") + (detail.isEmpty() ? "" : ": " + detail);
    }

    static String task(TaskRecord t) {
        String status = SessionText.status(t.status());
        return switch (t.status()) {
            case QUEUED -> t.id() + ": queued" + (t.proxy() == null ? "" : " for a task slot on " + t.proxy());
            case RUNNING -> t.id() + ": running" + (t.proxy() == null ? "" : " on " + t.proxy())
                    + (t.transportMode() == null ? "" : " (" + t.transportMode() + ")");
            case SUCCESS, WARNING -> t.id() + ": " + status + ": " + done(t)
                    + (t.changeTracking() == null ? "" : " (" + t.changeTracking() + ")")
                    + (t.warnings().isEmpty() ? "" : "; " + String.join("; ", t.warnings()));
            default -> t.id() + ": " + status + (t.error() == null || t.error().isBlank() ? "" : ": " + t.error());
        };
    }

    static String bar(double fraction) {
        int filled = (int) Math.floor(Math.max(0, Math.min(1, fraction)) * BAR);
        return "[" + "#".repeat(filled) + ".".repeat(BAR - filled) + "]";
    }

    private static String pad(String text, int width) {
        if (text.length() >= width) {
            return text;
        }
        return text + " ".repeat(width - text.length());
    }

    private static String cut(String line, int width) {
        return width <= 0 || line.length() <= width ? line : line.substring(0, width);
    }
}
