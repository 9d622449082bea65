package io.ferry.jobs.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.inventory.Platform;
import io.ferry.api.inventory.RoleType;
import io.ferry.api.inventory.VirtualDisk;
import io.ferry.api.job.Job;
import io.ferry.api.job.JobSpec;
import io.ferry.api.job.Schedule;
import io.ferry.api.session.Session;
import io.ferry.api.session.SessionStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Jobs run by their schedules through a cron scheduler (the Karaf scheduler in OSGi). */
class JobSchedulesTest {

    /** A scheduler that records registrations; tests fire them by hand. */
    static final class FakeCron implements JobSchedules.Cron {
        final Map<String, String> expressions = new LinkedHashMap<>();
        final Map<String, Runnable> actions = new LinkedHashMap<>();
        final List<String> unscheduled = new ArrayList<>();

        @Override
        public void schedule(String name, String expression, Runnable action) {
            if (expression.contains("L-3")) {
                throw new IllegalArgumentException("unsupported cron expression " + expression);
            }
            expressions.put(name, expression);
            actions.put(name, action);
        }

        @Override
        public void unschedule(String name) {
            if (expressions.remove(name) != null) {
                unscheduled.add(name);
            }
            actions.remove(name);
        }

        void fire(Job job) {
            actions.get(JobSchedules.NAME_PREFIX + job.id()).run();
        }
    }

    private final FakeJobService jobs = new FakeJobService();
    private final List<String> starts = new ArrayList<>();
    private final FakeCron cron = new FakeCron();
    private final JobSchedules schedules = new JobSchedules(jobs, id -> {
        starts.add(id);
        return new Session("s-" + starts.size(), id, "schedule", null, SessionStatus.RUNNING, Instant.now(), null,
                List.of(), List.of(), "");
    });

    private Job job(String name, String schedule) {
        return jobs.createJob(JobSpec.of(name, Platform.PROXMOX, List.of("vm-a"), "repo-01")
                .withSchedule(Schedule.parse(schedule)));
    }

    @Test
    void everyJobWithAScheduleIsRegisteredWithItsCronExpressionAndManualJobsAreNot() {
        Job nightly = job("nightly", "daily 22:00");
        Job weekly = job("weekly", "weekly mon,thu 21:30");
        job("adhoc", "manual");

        schedules.attach(cron);

        assertEquals(Map.of("ferry-job-" + nightly.id(), "0 0 22 * * ?", "ferry-job-" + weekly.id(),
                "0 30 21 ? * MON,THU"), cron.expressions);
        cron.fire(nightly);
        assertEquals(List.of(nightly.id()), starts);
    }

    @Test
    void registrationsFollowChangedAddedAndRemovedJobs() {
        Job nightly = job("nightly", "daily 22:00");
        Job weekly = job("weekly", "daily 23:00");
        schedules.attach(cron);

        jobs.updateJob("nightly", 1, nightly.spec().withSchedule(Schedule.parse("cron 0 15 1 ? * SAT")));
        jobs.updateJob("weekly", 1, weekly.spec().withSchedule(Schedule.MANUAL));
        Job added = job("added", "daily 05:00");
        schedules.refresh();

        assertEquals(Map.of("ferry-job-" + nightly.id(), "0 15 1 ? * SAT", "ferry-job-" + added.id(),
                "0 0 5 * * ?"), cron.expressions);
        jobs.deleteJob("added");
        schedules.refresh();
        assertEquals(Map.of("ferry-job-" + nightly.id(), "0 15 1 ? * SAT"), cron.expressions);
        assertTrue(cron.unscheduled.contains("ferry-job-" + weekly.id()));
    }

    @Test
    void aScheduleTheSchedulerRejectsLeavesTheOtherJobsScheduledAndIsRetriedOnceFixed() {
        Job odd = job("odd", "cron 0 0 12 L-3 * ?");
        Job fine = job("fine", "daily 01:00");

        schedules.attach(cron);
        assertEquals(Map.of(fine.id(), "0 0 1 * * ?"), schedules.registered());

        jobs.updateJob("odd", 1, odd.spec().withSchedule(Schedule.parse("daily 02:00")));
        schedules.refresh();
        assertEquals(Map.of(fine.id(), "0 0 1 * * ?", odd.id(), "0 0 2 * * ?"), schedules.registered());
    }

    @Test
    void withoutASchedulerNothingIsRegisteredAndASchedulerArrivingLaterGetsEveryJob() {
        Job nightly = job("nightly", "daily 22:00");
        schedules.refresh();
        assertEquals(Map.of(), schedules.registered());

        schedules.attach(cron);
        schedules.detach();
        assertEquals(Map.of(), schedules.registered());
        FakeCron second = new FakeCron();
        schedules.attach(second);
        assertEquals(Map.of("ferry-job-" + nightly.id(), "0 0 22 * * ?"), second.expressions);

        schedules.close();
        assertEquals(Map.of(), second.expressions, "closing removes the registrations");
    }

    /** A due run while the job still runs is skipped; the next one runs (runs of one job never overlap). */
    @Test
    @Timeout(120)
    void aDueRunWhileTheJobStillRunsIsSkippedAndTheNextDueRunStartsIt(@TempDir Path dir) throws Exception {
        try (Lab lab = new Lab(dir)) {
            lab.inventory.addServer("px-01", 1, RoleType.GENERAL_PURPOSE_PROXY);
            VirtualDisk disk = lab.rawDisk("disk0", "vm-a-0.raw", 2L * Images.MIB, 1);
            lab.addVm("vm-a", disk);
            Job job = lab.jobs.createJob(JobSpec.of("nightly", Platform.PROXMOX, List.of("vm-a"), "repo-01")
                    .withSchedule(Schedule.parse("daily 22:00")));
            JobSchedules real = new JobSchedules(lab.jobs, id -> lab.sessions.start(id, "schedule"));
            FakeCron scheduler = new FakeCron();
            real.attach(scheduler);
            Lab.Gate gate = lab.gate(disk.location());

            scheduler.fire(job);
            gate.awaitEntered();
            scheduler.fire(job);
            assertEquals(1, lab.sessions.sessions("nightly", 10).size(), "the second due run was skipped");
            gate.open();
            Session first = lab.sessions.await(lab.sessions.sessions("nightly", 1).get(0).id(), Duration.ofMinutes(1));
            assertEquals(SessionStatus.SUCCESS, first.status());
            assertEquals("schedule", first.trigger());

            scheduler.fire(job);
            List<Session> all = lab.sessions.sessions("nightly", 10);
            assertEquals(2, all.size());
            assertEquals(SessionStatus.SUCCESS, lab.sessions.await(all.get(0).id(), Duration.ofMinutes(1)).status());
            real.close();
        }
    }
}
