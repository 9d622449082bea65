package io.ferry.jobs.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.inventory.RoleType;
import io.ferry.api.inventory.VirtualDisk;
import io.ferry.api.job.GuestProcessing;
import io.ferry.api.job.JobSpec;
import io.ferry.api.job.ServerChoice;
import io.ferry.api.job.TransportChoice;
import io.ferry.api.inventory.Platform;
import io.ferry.api.repository.ProgressListener;
import io.ferry.api.repository.RepositoryException;
import io.ferry.api.repository.RetentionPolicy;
import io.ferry.api.session.Session;
import io.ferry.api.session.SessionStatus;
import io.ferry.api.session.TaskRecord;
import io.ferry.api.session.TaskStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job whose disk is served by a hung NBD server (a real nbdkit whose delay filter holds
 * every read for 10 minutes; issue 10 point 4, "a hung source hangs everything"): the task
 * fails at the NBD request deadline naming the export, {@code job-stop} ends the session
 * STOPPED within 15 s, and in both cases the repository is free at once: prune runs and the
 * next run of a job into it completes.
 */
@Timeout(180)
class StalledSourceJobTest {

    private static final long SIZE = 3L * Images.MIB + 12_800;

    @TempDir
    Path dir;

    private Lab lab;

    @AfterEach
    void close() {
        if (lab != null) {
            lab.close();
        }
    }

    private static JobSpec job(String name, List<String> vms) {
        return new JobSpec(name, Platform.PROXMOX, vms, "repo-01", ServerChoice.preferred(List.of("px-01")),
                TransportChoice.AUTOMATIC, GuestProcessing.DISABLED, false);
    }

    private static TaskRecord task(Session s, String id) {
        return s.task(id).orElseThrow(() -> new AssertionError("no task " + id + " in " + s.tasks()));
    }

    @Test
    void aDiskOnAHungNbdServerFailsItsTaskAtTheDeadlineNamingTheExportAndTheOtherDisksAreBackedUp()
            throws Exception {
        lab = new Lab(dir, Duration.ofSeconds(3));
        lab.inventory.addServer("px-01", 2, RoleType.GENERAL_PURPOSE_PROXY);
        VirtualDisk hung = lab.stalledDisk("disk0", "vm-a-0", SIZE, 1);
        lab.addVm("vm-a", hung, lab.rawDisk("disk1", "vm-a-1.raw", SIZE, 2));
        lab.jobs.createJob(job("nightly", List.of("vm-a")));

        long start = System.nanoTime();
        Session s = lab.run("nightly");
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertEquals(SessionStatus.FAILED, s.status(), s.message());
        TaskRecord bad = task(s, "vm-a/disk0");
        assertEquals(TaskStatus.FAILED, bad.status());
        assertTrue(bad.error().contains(hung.location()) && bad.error().contains("no reply within 3 s"), bad.error());
        long taskMillis = Duration.between(bad.started(), bad.finished()).toMillis();
        assertTrue(taskMillis < 3_000 + 10_000, "the task failed " + taskMillis + " ms after it started");
        assertTrue(millis < 3_000 + 20_000, "the session ended " + millis + " ms after it started");
        assertEquals(TaskStatus.SUCCESS, task(s, "vm-a/disk1").status());
        assertTrue(lab.nbdAlive("vm-a-0"), "the server still hangs: the deadline ended the task");

        assertRepositoryFree();
    }

    @Test
    void jobStopEndsASessionWaitingOnAHungNbdServerWithin15SecondsAndTheRepositoryIsFreeAtOnce()
            throws Exception {
        lab = new Lab(dir); // the default 120 s deadline: only the stop can end the task in time
        lab.inventory.addServer("px-01", 1, RoleType.GENERAL_PURPOSE_PROXY);
        lab.addVm("vm-a", lab.stalledDisk("disk0", "vm-a-0", SIZE, 1), lab.rawDisk("disk1", "vm-a-1.raw", SIZE, 2));
        lab.jobs.createJob(job("nightly", List.of("vm-a")));

        Session started = lab.sessions.start("nightly", "manual");
        awaitRunning(started, "vm-a/disk0");
        Thread.sleep(2_000); // the reads are now waiting on the server
        long stop = System.nanoTime();
        lab.sessions.stop("nightly");
        Session stopped = lab.sessions.await(started.id(), Duration.ofSeconds(15));
        long millis = (System.nanoTime() - stop) / 1_000_000;

        assertEquals(SessionStatus.STOPPED, stopped.status(), "after " + millis + " ms: " + stopped.message());
        assertTrue(millis < 15_000, "job-stop took " + millis + " ms");
        assertEquals(TaskStatus.STOPPED, task(stopped, "vm-a/disk0").status());
        assertEquals(TaskStatus.STOPPED, task(stopped, "vm-a/disk1").status());
        assertTrue(lab.repository().backups().isEmpty(), "a stopped backup is never visible");
        assertEquals(0, lab.sessions.slots().running("px-01"));

        assertRepositoryFree();
    }

    @Test
    void aTaskThatDoesNotEndAfterTheStopIsGivenUpSoTheSessionStillEndsStoppedWithin15Seconds() throws Exception {
        lab = new Lab(dir);
        lab.inventory.addServer("px-01", 1, RoleType.GENERAL_PURPOSE_PROXY);
        VirtualDisk disk = lab.rawDisk("disk0", "vm-a-0.raw", SIZE, 1);
        lab.addVm("vm-a", disk);
        lab.jobs.createJob(job("nightly", List.of("vm-a")));
        Lab.Gate gate = lab.gate(disk.location()); // a read that ignores the stop, unlike NBD reads

        Session started = lab.sessions.start("nightly", "manual");
        gate.awaitEntered();
        long stop = System.nanoTime();
        lab.sessions.stop("nightly");
        Session stopped = lab.sessions.await(started.id(), Duration.ofSeconds(15));
        long millis = (System.nanoTime() - stop) / 1_000_000;

        assertEquals(SessionStatus.STOPPED, stopped.status(), "after " + millis + " ms: " + stopped.message());
        TaskRecord given = task(stopped, "vm-a/disk0");
        assertEquals(TaskStatus.STOPPED, given.status());
        assertTrue(given.error().contains("left to end on its own"), given.error());
        assertEquals(0, lab.sessions.slots().running("px-01"), "the slot is free for the next task");

        gate.open(); // the stuck read returns: the backup sees the stop and releases the repository
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (true) {
            try {
                lab.repository().prune(RetentionPolicy.keepLast(3), false, ProgressListener.NONE);
                break;
            } catch (RepositoryException e) {
                if (e.reason() != RepositoryException.Reason.LOCKED || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
        assertEquals(TaskStatus.STOPPED, lab.store.session(started.id()).orElseThrow().task("vm-a/disk0")
                .orElseThrow().status(), "the late end of the given-up task does not change its record");
        assertTrue(lab.repository().backups().isEmpty(), "a stopped backup is never visible");
        assertRepositoryFree();
    }

    private void awaitRunning(Session session, String taskId) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            boolean running = lab.sessions.progress(session.id()).stream()
                    .anyMatch(p -> p.taskId().equals(taskId) && p.status() == TaskStatus.RUNNING);
            if (running) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError(taskId + " never started: " + lab.sessions.progress(session.id()));
    }

    /** Prune is not refused as "in use", and the next run of a job into the repository completes. */
    private void assertRepositoryFree() throws InterruptedException {
        lab.repository().prune(RetentionPolicy.keepLast(3), false, ProgressListener.NONE);
        lab.addVm("vm-b", lab.rawDisk("disk0", "vm-b-0.raw", SIZE, 3));
        lab.jobs.createJob(job("other", List.of("vm-b")));
        Session next = lab.run("other");
        assertEquals(SessionStatus.SUCCESS, next.status(), next.message());
    }
}
