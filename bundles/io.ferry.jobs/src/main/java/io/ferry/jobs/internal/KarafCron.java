package io.ferry.jobs.internal;

import java.util.Objects;
import org.apache.karaf.scheduler.Scheduler;
import org.apache.karaf.scheduler.SchedulerError;

/** {@link JobSchedules.Cron} on the Karaf scheduler (feature {@code scheduler}, Quartz underneath). */
final class KarafCron implements JobSchedules.Cron {

    private final Scheduler scheduler;

    KarafCron(Scheduler scheduler) {
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    }

    @Override
    public void schedule(String name, String expression, Runnable action) {
        try {
            scheduler.schedule(action, scheduler.EXPR(expression).name(name).canRunConcurrently(false));
        } catch (SchedulerError e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    @Override
    public void unschedule(String name) {
        scheduler.unschedule(name);
    }
}
