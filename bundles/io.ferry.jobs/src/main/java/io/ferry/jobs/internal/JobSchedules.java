package io.ferry.jobs.internal;

import io.ferry.api.ConflictException;
import io.ferry.api.NotFoundException;
import io.ferry.api.job.Job;
import io.ferry.api.job.JobService;
import io.ferry.api.security.Caller;
import io.ferry.api.session.Session;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs jobs by their schedules. Every job whose schedule is not {@code manual} is registered
 * with a {@link Cron} scheduler (the Karaf scheduler, Quartz cron expressions) under the
 * name {@code ferry-job-<job id>}, not to run concurrently. The registrations follow the job
 * definitions: {@link #refresh()} runs when the scheduler arrives and then every
 * {@code refreshInterval} (the job service has no change events), adding, changing and
 * removing registrations. Because the schedule is part of the job in the configuration
 * database, schedules survive restarts.
 *
 * <p>A due run while the job still runs is skipped with a log line (runs of one job never
 * overlap). Without a scheduler, nothing runs by itself.
 */
final class JobSchedules implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JobSchedules.class);
    static final String NAME_PREFIX = "ferry-job-";

    /** A cron scheduler. */
    interface Cron {
        /**
         * Runs {@code action} whenever {@code expression} (Quartz cron) fires, never twice at
         * once; replaces a registration of the same name. Throws IllegalArgumentException for an
         * expression the scheduler does not accept.
         */
        void schedule(String name, String expression, Runnable action);

        void unschedule(String name);
    }

    private final JobService jobs;
    private final Function<String, Session> start;
    private final Map<String, String> registered = new HashMap<>();
    private final Map<String, String> rejected = new HashMap<>();
    private ScheduledExecutorService poller;
    private Cron cron;

    /**
     * @param jobs  the job definitions
     * @param start starts a run of the job with this id, trigger "schedule"
     */
    JobSchedules(JobService jobs, Function<String, Session> start) {
        this.jobs = Objects.requireNonNull(jobs, "jobs");
        this.start = Objects.requireNonNull(start, "start");
    }

    /** Starts refreshing the registrations every {@code interval}. */
    synchronized void poll(Duration interval) {
        if (poller != null) {
            return;
        }
        poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = Caller.asSystem(() -> new Thread(r, "ferry-job-schedules")); // never a user's Subject
            t.setDaemon(true);
            return t;
        });
        long millis = Math.max(1000, interval.toMillis());
        poller.scheduleWithFixedDelay(this::refreshQuietly, millis, millis, TimeUnit.MILLISECONDS);
    }

    /** A scheduler is available: registers every scheduled job with it. */
    synchronized void attach(Cron scheduler) {
        this.cron = Objects.requireNonNull(scheduler, "scheduler");
        registered.clear();
        rejected.clear();
        refresh();
    }

    /** The scheduler went away: its registrations went with it; nothing runs by itself until one comes back. */
    synchronized void detach() {
        if (cron != null) {
            LOG.warn("Job scheduling is off: the scheduler service went away; jobs run only when started");
        }
        cron = null;
        registered.clear();
    }

    /** The registered cron expression of each scheduled job, by job id (for tests and diagnostics). */
    synchronized Map<String, String> registered() {
        return Map.copyOf(registered);
    }

    /** Brings the registrations in line with the job definitions. */
    synchronized void refresh() {
        if (cron == null) {
            return;
        }
        Map<String, Job> wanted = new HashMap<>();
        for (Job job : jobs.jobs()) {
            if (!job.spec().schedule().manual()) {
                wanted.put(job.id(), job);
            }
        }
        for (String id : List.copyOf(registered.keySet())) {
            Job job = wanted.get(id);
            if (job == null || !job.spec().schedule().cron().equals(registered.get(id))) {
                cron.unschedule(NAME_PREFIX + id);
                registered.remove(id);
                LOG.info("Job {}: schedule removed", job == null ? id : job.name());
            }
        }
        for (Job job : wanted.values()) {
            if (!registered.containsKey(job.id())) {
                register(job);
            }
        }
    }

    private void register(Job job) {
        String expression = job.spec().schedule().cron();
        String name = NAME_PREFIX + job.id();
        try {
            cron.unschedule(name);
            cron.schedule(name, expression, () -> fire(job.id(), job.name()));
            registered.put(job.id(), expression);
            rejected.remove(job.id());
            LOG.info("Job {} runs on schedule '{}' (cron {})", job.name(), job.spec().schedule(), expression);
        } catch (RuntimeException e) {
            if (!expression.equals(rejected.put(job.id(), expression))) {
                LOG.warn("Job {}: the scheduler rejects schedule '{}' (cron {}): {}; the job runs only when started"
                        + " until its schedule is fixed (ferry:job-update)", job.name(), job.spec().schedule(),
                        expression, e.getMessage());
            }
        }
    }

    /** A due run: starts the job, or skips it while the previous run still runs. */
    void fire(String jobId, String jobName) {
        try {
            Session session = start.apply(jobId);
            LOG.info("Scheduled run of job {} started: session {}", jobName, session.id());
        } catch (ConflictException e) {
            LOG.info("Scheduled run of job {} skipped: {}", jobName, e.getMessage());
        } catch (NotFoundException e) {
            LOG.info("Scheduled run of job {} skipped: the job no longer exists", jobName);
        } catch (RuntimeException e) {
            LOG.warn("Scheduled run of job {} could not start", jobName, e);
        }
    }

    private void refreshQuietly() {
        try {
            refresh();
        } catch (RuntimeException e) {
            LOG.warn("Could not refresh the job schedules; trying again later", e);
        }
    }

    /** Stops polling and removes every registration. */
    @Override
    public synchronized void close() {
        if (poller != null) {
            poller.shutdownNow();
        }
        if (cron != null) {
            for (String id : registered.keySet()) {
                try {
                    cron.unschedule(NAME_PREFIX + id);
                } catch (RuntimeException e) {
                    LOG.warn("Could not remove the schedule of job {}", id, e);
                }
            }
        }
        registered.clear();
        cron = null;
    }
}
