package io.ferry.jobs.internal;

import io.ferry.api.session.GuestRecord;
import io.ferry.api.session.SessionStatus;
import io.ferry.api.session.TaskRecord;
import io.ferry.api.session.TaskStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The final status of a session and its summary for people, from its tasks and guest
 * processing records:
 * <ul>
 * <li>STOPPED when an operator stopped it and a task did not finish;</li>
 * <li>FAILED when any task failed (the others still ran: a failed disk does not stop them);</li>
 * <li>WARNING when every disk was backed up but a task has warnings (e.g. a transport
 *     fallback) or a guest processing stage failed over or did not quiesce the guest;</li>
 * <li>SUCCESS otherwise. A guest stage that was only recorded (NOT_EXECUTED: the platform
 *     cannot run here) or is off (SKIPPED) is not a warning.</li>
 * </ul>
 *
 * @param status  the session's status
 * @param summary one or more sentences saying what happened, naming the failed disks
 */
record SessionOutcome(SessionStatus status, String summary) {

    private static final int NAMED_PROBLEMS = 5;

    SessionOutcome {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(summary, "summary");
    }

    static SessionOutcome of(String sessionId, List<TaskRecord> tasks, List<GuestRecord> guests,
            boolean stopRequested) {
        int total = tasks.size();
        if (total == 0) {
            return new SessionOutcome(SessionStatus.FAILED, "The plan has no disk to back up.");
        }
        List<TaskRecord> failed = with(tasks, TaskStatus.FAILED);
        List<TaskRecord> stopped = with(tasks, TaskStatus.STOPPED);
        long done = tasks.stream().filter(t -> t.status() == TaskStatus.SUCCESS || t.status() == TaskStatus.WARNING)
                .count();
        if (!stopped.isEmpty() && stopRequested) {
            return new SessionOutcome(SessionStatus.STOPPED, "Stopped by an operator: " + done + " of " + total
                    + disks(total) + " backed up, " + stopped.size() + " stopped" + (failed.isEmpty() ? ""
                            : ", " + failed.size() + " failed (" + problems(failed) + ")") + ".");
        }
        if (!failed.isEmpty() || !stopped.isEmpty()) {
            List<TaskRecord> bad = new ArrayList<>(failed);
            bad.addAll(stopped);
            return new SessionOutcome(SessionStatus.FAILED, bad.size() + " of " + total + disks(total) + " failed: "
                    + problems(bad) + ". " + (done == 0 ? "No disk was backed up" : "The other " + done
                            + " were backed up") + "; ferry:job-retry " + sessionId + " runs only the failed ones.");
        }
        List<String> warnings = new ArrayList<>();
        for (TaskRecord t : tasks) {
            t.warnings().forEach(w -> warnings.add(t.id() + ": " + w));
        }
        for (GuestRecord g : guests) {
            if (g.status() == TaskStatus.WARNING || g.status() == TaskStatus.FAILED) {
                warnings.add("guest processing of " + g.vm() + ": " + g.detail());
            }
        }
        if (!warnings.isEmpty()) {
            return new SessionOutcome(SessionStatus.WARNING, "All " + total + disks(total) + " backed up, with "
                    + warnings.size() + (warnings.size() == 1 ? " warning: " : " warnings: ")
                    + String.join("; ", warnings) + ".");
        }
        return new SessionOutcome(SessionStatus.SUCCESS, (total == 1 ? "The disk was" : "All " + total + " disks were")
                + " backed up.");
    }

    private static List<TaskRecord> with(List<TaskRecord> tasks, TaskStatus status) {
        return tasks.stream().filter(t -> t.status() == status).toList();
    }

    private static String disks(int n) {
        return n == 1 ? " disk" : " disks";
    }

    private static String problems(List<TaskRecord> tasks) {
        List<String> named = new ArrayList<>();
        for (TaskRecord t : tasks.subList(0, Math.min(NAMED_PROBLEMS, tasks.size()))) {
            String why = t.error() == null ? t.status().name().toLowerCase(Locale.ROOT) : t.error();
            named.add(t.id() + " (" + why + ")");
        }
        String text = String.join("; ", named);
        return tasks.size() > NAMED_PROBLEMS ? text + "; and " + (tasks.size() - NAMED_PROBLEMS) + " more" : text;
    }
}
