package io.ferry.shell.internal;

import io.ferry.api.FerryException;
import io.ferry.api.NotFoundException;
import io.ferry.api.mover.RestoreResult;
import io.ferry.api.repository.Progress;
import io.ferry.api.repository.ProgressListener;
import io.ferry.api.repository.RepositoryException;
import io.ferry.api.repository.RepositoryException.Reason;
import io.ferry.api.session.GuestRecord;
import io.ferry.api.session.Session;
import io.ferry.api.session.SessionService;
import io.ferry.api.session.SessionStatus;
import io.ferry.api.session.TaskProgress;
import io.ferry.api.session.TaskRecord;
import io.ferry.api.session.TaskStatus;
import io.ferry.api.session.VmRestoreResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;

/**
 * In-memory stand-in for the jobs bundle's session service. A run is a script: the session
 * {@link #start} returns, then the states (with live progress) successive {@link #await}
 * calls return, as the real service would report them over time. It records what the
 * commands ask.
 */
final class FakeSessions implements SessionService {
    static final Instant T0 = Instant.parse("2025-03-01T02:00:00Z");

    /** One state of the run and the live progress reported while in it. */
    record Step(Session session, List<TaskProgress> progress) {
    }

    final Map<String, Session> sessions = new LinkedHashMap<>();
    final List<String> calls = new ArrayList<>();
    final Deque<Step> script = new ArrayDeque<>();
    final List<Duration> awaitTimeouts = new ArrayList<>();
    /** Counted down when an await blocks (with {@link #blockAwait}), as a long run does. */
    final CountDownLatch awaiting = new CountDownLatch(1);
    /** What start, retry and stop return (the first step of the script when null). */
    Session started;
    /** await blocks until the caller is interrupted. */
    boolean blockAwait;
    /** restoreVm waits for cancellation instead of restoring. */
    boolean restoreWaitsForCancel;
    final CountDownLatch restoring = new CountDownLatch(1);
    final List<String> restoreTargets = new ArrayList<>();
    private Step current;

    /** Adds a run: the session as started, then each state after a wait. */
    FakeSessions run(Step... steps) {
        script.addAll(List.of(steps));
        current = script.peekFirst();
        started = current.session();
        remember(started);
        return this;
    }

    FakeSessions add(Session session) {
        remember(session);
        return this;
    }

    private void remember(Session session) {
        sessions.put(session.id(), session);
    }

    @Override
    public Session start(String jobNameOrId, String trigger) {
        calls.add("start " + jobNameOrId + " " + trigger);
        return begin();
    }

    @Override
    public Session retry(String sessionIdOrPrefix) {
        calls.add("retry " + sessionIdOrPrefix);
        return begin();
    }

    private Session begin() {
        if (started == null) {
            throw new NotFoundException("No job named 'x' (see ferry:job-list)");
        }
        current = script.pollFirst();
        return started;
    }

    @Override
    public Session stop(String sessionOrJob) {
        calls.add("stop " + sessionOrJob);
        return sessions.values().stream().filter(s -> s.id().startsWith(sessionOrJob) || s.job().equals(sessionOrJob))
                .findFirst().orElseThrow(() -> new FerryException("nothing runs"));
    }

    @Override
    public Session await(String sessionId, Duration timeout) throws InterruptedException {
        calls.add("await " + sessionId);
        awaitTimeouts.add(timeout);
        if (blockAwait) {
            awaiting.countDown();
            Thread.sleep(Long.MAX_VALUE);
        }
        Step next = script.pollFirst();
        if (next != null) {
            current = next;
            remember(next.session());
        }
        return current.session();
    }

    @Override
    public List<TaskProgress> progress(String sessionId) {
        calls.add("progress " + sessionId);
        return current == null ? List.of() : current.progress();
    }

    @Override
    public Optional<Session> session(String idOrPrefix) {
        return sessions.values().stream().filter(s -> s.id().startsWith(idOrPrefix)).findFirst();
    }

    /** Job repositories by server name, as the job runner would open them. */
    final Map<String, io.ferry.api.repository.Repository> jobRepositories = new java.util.HashMap<>();

    @Override
    public io.ferry.api.repository.Repository jobRepository(String repositoryServer) {
        calls.add("jobRepository " + repositoryServer);
        io.ferry.api.repository.Repository repository = jobRepositories.get(repositoryServer);
        if (repository == null) {
            throw new io.ferry.api.NotFoundException("No job has stored to " + repositoryServer + " yet");
        }
        return repository;
    }

    @Override
    public List<Session> sessions(String job, int limit) {
        calls.add("sessions " + job + " " + limit);
        return sessions.values().stream().filter(s -> job == null || s.job().equals(job))
                .sorted((a, b) -> b.started().compareTo(a.started())).limit(limit).toList();
    }

    @Override
    public VmRestoreResult restoreVm(String vm, String session, String target, boolean overwrite,
            ProgressListener listener) {
        calls.add("restore " + vm + " " + session + " " + target + " " + overwrite);
        if (restoreWaitsForCancel) {
            restoring.countDown();
            while (!listener.cancelRequested()) {
                LockSupport.parkNanos(1_000_000);
            }
            throw new RepositoryException(Reason.CANCELLED, "Restore cancelled");
        }
        Session from = session == null ? sessions.values().iterator().next() : session(session).orElseThrow();
        List<RestoreResult> results = new ArrayList<>();
        for (TaskRecord t : from.tasks()) {
            if (t.vm().equals(vm) && t.backupId() != null) {
                listener.progress(new Progress("restore", t.sizeBytes(), t.sizeBytes(), t.sizeBytes(), 0,
                        Duration.ofSeconds(2)));
                String file = target + "/" + vm + "-" + t.disk() + ".raw";
                restoreTargets.add(file);
                results.add(new RestoreResult(t.backupId(), file, t.sizeBytes(), t.sizeBytes() / 4,
                        t.sizeBytes() * 3 / 4, Duration.ofSeconds(2)));
            }
        }
        return new VmRestoreResult(vm, from.id(), results);
    }

    // --- building sessions for the tests ---------------------------------------------

    static Session session(String id, String job, SessionStatus status, List<TaskRecord> tasks,
            List<GuestRecord> guests, String message) {
        Instant finished = status.finished() ? T0.plusSeconds(42) : null;
        return new Session(id, job, "manual", null, status, T0, finished, tasks, guests, message);
    }

    static TaskRecord queued(String vm, String disk, String proxy, String mode) {
        return TaskRecord.queued(vm, disk, proxy, mode, proxy + " via " + mode + " (same network as the VM)",
                64L << 20, List.of());
    }

    static TaskRecord running(TaskRecord t) {
        return new TaskRecord(t.id(), t.vm(), t.disk(), TaskStatus.RUNNING, t.proxy(), t.transportMode(), t.reason(),
                null, null, null, t.sizeBytes(), 0, 0, 0, 0, 0, T0.plusSeconds(1), null, null, t.warnings());
    }

    /** Succeeded in 8 s: read 16 MiB (dirty bitmap), 24 MiB data, 8 MiB new stored as 4 MiB. */
    static TaskRecord succeeded(TaskRecord t, String tracking, String changeNote) {
        return new TaskRecord(t.id(), t.vm(), t.disk(), TaskStatus.SUCCESS, t.proxy(), t.transportMode(), t.reason(),
                tracking, changeNote, "01JBK" + t.vm().toUpperCase(), t.sizeBytes(), 16L << 20, 5L << 20, 4L << 20,
                24L << 20, 8L << 20, T0.plusSeconds(1), T0.plusSeconds(9), null, t.warnings());
    }

    static TaskRecord failed(TaskRecord t, String error) {
        return new TaskRecord(t.id(), t.vm(), t.disk(), TaskStatus.FAILED, t.proxy(), t.transportMode(), t.reason(),
                "full", null, null, t.sizeBytes(), 1L << 20, 0, 0, 0, 0, T0.plusSeconds(1), T0.plusSeconds(3), error,
                t.warnings());
    }

    static TaskProgress progress(TaskRecord t, long doneMib) {
        return new TaskProgress(t.id(), TaskStatus.RUNNING, new Progress("backup", doneMib << 20, t.sizeBytes(),
                doneMib << 20, 0, Duration.ofSeconds(4)));
    }
}
