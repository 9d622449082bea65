package io.ferry.jobs.internal;

import io.ferry.api.agent.AgentLostException;
import io.ferry.api.inventory.VirtualMachine;
import io.ferry.api.job.Job;
import io.ferry.api.repository.Progress;
import io.ferry.api.repository.ProgressListener;
import io.ferry.api.repository.PruneReport;
import io.ferry.api.repository.Repository;
import io.ferry.api.repository.RepositoryException;
import io.ferry.api.repository.RetentionPolicy;
import io.ferry.api.selection.VmPlan;
import io.ferry.api.session.ChangedBlockLedger;
import io.ferry.api.session.GuestRecord;
import io.ferry.api.session.Session;
import io.ferry.api.session.SessionEvents;
import io.ferry.api.session.SessionStatus;
import io.ferry.api.session.TaskProgress;
import io.ferry.api.session.TaskRecord;
import io.ferry.api.session.TaskStatus;
import io.ferry.api.spi.PointInTime;
import io.ferry.jobs.internal.VmViews.DiskRead;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of a job, from its stored RUNNING session to its end.
 *
 * <p>{@link #begin()} requests a task slot for every queued task, in plan order (FIFO per
 * proxy, see {@link TaskSlots}). A task that gets its slot runs on its own thread: it marks
 * itself RUNNING, waits for its VM's guest processing stage (done once per VM by the first
 * of its tasks to start, before any of its disks is read), backs its disk up, releases the
 * slot and ends SUCCESS, WARNING, FAILED or STOPPED. A failed disk does not stop the others.
 * When the last task of a VM ends, the VM's point in time is committed (every disk backed up)
 * or aborted, and the ledger entries it returns are stored. When the last task of the run
 * ends, retention is applied and the session is finished.
 *
 * <p>Every state change of a task is saved to the store and posted as a TASK_CHANGED event;
 * progress is kept in memory ({@link #progress()}) and posted as PROGRESS events, at most one
 * per task per {@link RunServices#progressInterval()}.
 */
final class SessionRun {

    private static final Logger LOG = LoggerFactory.getLogger(SessionRun.class);
    /**
     * How long a running task may take to end after a stop before the session gives up on it
     * (records it STOPPED, frees its slot): NBD reads end within a fraction of a second of a
     * stop, so this only catches a thread stuck elsewhere. Keeps job-stop under 15 s.
     */
    static final Duration STOP_GRACE = Duration.ofSeconds(10);

    private final RunServices services;
    private final String id;
    private final Job job;
    private final String repositoryServer;
    private final String repositoryProblem;
    private final Map<String, TaskRun> tasks = new LinkedHashMap<>();
    private final List<String> notes = new CopyOnWriteArrayList<>();
    private final List<GuestRecord> guests = new CopyOnWriteArrayList<>();
    private final Map<String, Integer> slotLimits;
    private final DiskBackup backup;
    private final AtomicInteger unfinished = new AtomicInteger();
    private final CompletableFuture<Session> done = new CompletableFuture<>();
    private final Consumer<SessionRun> onFinished;
    private final Object enqueueLock = new Object();
    private volatile boolean stopRequested;

    /**
     * @param session          the session as stored (RUNNING; its tasks QUEUED or already FAILED by the plan)
     * @param job              the job
     * @param vmPlans          the plan of each VM that has tasks, with its inventory entry (empty when gone)
     * @param repositoryServer the repository server's name, or null when it cannot be used
     * @param repositoryProblem why the repository cannot be used, or null
     * @param slotLimits       task slots per proxy (lower-case name)
     * @param notes            plan warnings and other notes for the session message
     * @param onFinished       called once the session is finished and stored
     */
    SessionRun(RunServices services, Session session, Job job, Map<String, VmPlanned> vmPlans,
            String repositoryServer, String repositoryProblem, Map<String, Integer> slotLimits, List<String> notes,
            Consumer<SessionRun> onFinished) {
        this.services = Objects.requireNonNull(services, "services");
        this.id = session.id();
        this.job = Objects.requireNonNull(job, "job");
        this.repositoryServer = repositoryServer;
        this.repositoryProblem = repositoryProblem;
        this.slotLimits = Map.copyOf(slotLimits);
        this.notes.addAll(notes);
        this.onFinished = Objects.requireNonNull(onFinished, "onFinished");
        this.backup = new DiskBackup(services.sources(), services.mover(), services.agents(), services.clock());
        Map<String, VmRun> byVm = new HashMap<>();
        for (TaskRecord record : session.tasks()) {
            VmRun vm = byVm.computeIfAbsent(record.vm().toLowerCase(Locale.ROOT), k -> new VmRun(vmPlans.get(k)));
            TaskRun task = new TaskRun(vm, record);
            tasks.put(record.id(), task);
            if (!record.status().finished()) {
                vm.remaining.incrementAndGet();
                unfinished.incrementAndGet();
            }
        }
    }

    /** A VM of the plan with its inventory entry (null when it is no longer in the inventory). */
    record VmPlanned(VmPlan plan, VirtualMachine vm) {
    }

    String id() {
        return id;
    }

    Job job() {
        return job;
    }

    /** Completes with the finished session. */
    CompletableFuture<Session> done() {
        return done;
    }

    /** Requests the slots of the queued tasks in plan order; finishes at once when nothing is queued. */
    void begin() {
        if (unfinished.get() == 0) {
            finish();
            return;
        }
        for (TaskRun task : tasks.values()) {
            if (task.record.status().finished()) {
                continue;
            }
            synchronized (enqueueLock) {
                if (!stopRequested) {
                    task.slot = services.slots().request(task.record.proxy(), slotLimit(task.record.proxy()),
                            slot -> services.executor().execute(() -> runTask(task, slot)));
                    continue;
                }
            }
            end(task, stopped(task.record, "stopped by an operator before it started"));
        }
    }

    /**
     * Cancels the running tasks (the mover stops at once, NBD waits included) and drops the
     * queued ones; a running task that has not ended {@link #STOP_GRACE} later is given up.
     */
    void stop() {
        boolean first;
        synchronized (enqueueLock) {
            first = !stopRequested;
            stopRequested = true;
        }
        LOG.info("Stopping session {} of job {}", id, job.name());
        for (TaskRun task : tasks.values()) {
            TaskSlots.Slot slot = task.slot;
            if (slot != null && services.slots().cancel(slot)) {
                end(task, stopped(task.record, "stopped by an operator before it started"));
            }
        }
        if (first && unfinished.get() > 0) {
            CompletableFuture.delayedExecutor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)
                    .execute(this::giveUpRunningTasks);
        }
    }

    /**
     * Records every task still running this long after the stop as STOPPED and frees its slot,
     * so that the session ends; the task's thread is left to end on its own (its result is
     * then dropped: it can only be a cancel or a failure).
     */
    private void giveUpRunningTasks() {
        for (TaskRun task : tasks.values()) {
            TaskSlots.Slot held = task.held;
            if (held == null || !task.over.compareAndSet(false, true)) {
                continue;
            }
            LOG.warn("Task {} of session {} had not ended {} s after the stop; it is recorded STOPPED and its thread"
                    + " is left to end on its own", task.record.id(), id, STOP_GRACE.toSeconds());
            try {
                changed(task, stopped(task.record, "stopped by an operator; the task had not ended "
                        + STOP_GRACE.toSeconds() + " s after the stop and was left to end on its own"));
            } finally {
                services.slots().release(held);
            }
            ended(task);
        }
    }

    boolean stopRequested() {
        return stopRequested;
    }

    /** The live state of every task. */
    List<TaskProgress> progress() {
        return tasks.values().stream().map(t -> new TaskProgress(t.record.id(), t.record.status(), t.progress))
                .toList();
    }

    // --- one task -----------------------------------------------------------------------------

    private void runTask(TaskRun task, TaskSlots.Slot slot) {
        task.held = slot;
        TaskRecord result;
        try {
            result = backUp(task);
        } catch (AgentLostException e) {
            Optional<String> other = failoverProxy(task);
            if (other.isPresent() && failOver(task, slot, other.get(), e)) {
                return;
            }
            result = failedOrStopped(task.record, e);
        } catch (RuntimeException | Error e) {
            result = failedOrStopped(task.record, e);
            if (e instanceof Error) {
                LOG.error("Task {} of session {} failed", task.record.id(), id, e);
            }
        }
        if (!task.over.compareAndSet(false, true)) {
            LOG.info("Task {} of session {} ended {} after it was given up at the stop: {}", result.id(), id,
                    result.status(), result.error());
            return;
        }
        try {
            changed(task, result);
        } finally {
            // after the final state is recorded, so that the next task on the proxy starts after it
            services.slots().release(slot);
        }
        ended(task);
    }

    private TaskRecord backUp(TaskRun task) {
        if (stopRequested) {
            return stopped(task.record, "stopped by an operator before it started");
        }
        TaskRecord running = new TaskRecord(task.record.id(), task.record.vm(), task.record.disk(), TaskStatus.RUNNING,
                task.record.proxy(), task.record.transportMode(), task.record.reason(), null, null, null,
                task.record.sizeBytes(), 0, 0, 0, 0, 0, services.clock().instant(), null, null,
                task.record.warnings());
        changed(task, running);
        if (repositoryProblem != null) {
            return failed(running, repositoryProblem);
        }
        VmViews views = task.vm.views();
        DiskRead read = views.disk(running.disk());
        if (read.problem() != null) {
            return failed(running, read.problem());
        }
        if (stopRequested) {
            return stopped(running, "stopped by an operator");
        }
        Repository repository = services.repositories().open(repositoryServer);
        return backup.backUp(running, id, job.name(), read, repository, task, task.attempt);
    }

    /**
     * The next proxy for a task whose proxy's agent was lost: the plan's next eligible candidate
     * for the disk that was not lost in this task already and whose agent, if it has one, is
     * connected (a proxy without an agent runs the task in this process).
     */
    private Optional<String> failoverProxy(TaskRun task) {
        if (stopRequested || task.vm.planned == null) {
            return Optional.empty();
        }
        io.ferry.api.agent.AgentTasks agents = services.agents().get();
        return task.vm.planned.plan().disks().stream()
                .filter(d -> d.disk().equalsIgnoreCase(task.record.disk()))
                .flatMap(d -> d.candidates().stream())
                .filter(io.ferry.api.selection.Candidate::eligible)
                .map(io.ferry.api.selection.Candidate::server)
                .filter(server -> !server.equalsIgnoreCase(task.record.proxy()) && !task.lostProxies.contains(
                        server.toLowerCase(Locale.ROOT)))
                .filter(server -> agents == null || !agents.enrolled(server) || agents.connected(server))
                .findFirst();
    }

    /**
     * Queues the task again on {@code proxy} (the plan's failover), with a new attempt number and
     * the reason in its record; false when the session is stopping (the task then fails).
     */
    private boolean failOver(TaskRun task, TaskSlots.Slot slot, String proxy, AgentLostException e) {
        String lost = task.record.proxy();
        task.lostProxies.add(lost.toLowerCase(Locale.ROOT));
        task.attempt++;
        List<String> warnings = new ArrayList<>(task.record.warnings());
        warnings.add("failed over from " + lost + " to " + proxy + " (attempt " + task.attempt + "): " + e.getMessage());
        TaskRecord r = task.record;
        TaskRecord queued = new TaskRecord(r.id(), r.vm(), r.disk(), TaskStatus.QUEUED, proxy, r.transportMode(),
                proxy + ": the plan's next eligible proxy after the agent of " + lost + " was lost; " + r.reason(),
                null, null, null, r.sizeBytes(), 0, 0, 0, 0, 0, null, null, null, warnings);
        synchronized (enqueueLock) {
            if (stopRequested) {
                return false;
            }
            LOG.warn("Task {} of session {}: the agent of {} was lost ({}); failing over to {}", r.id(), id, lost,
                    e.getMessage(), proxy);
            changed(task, queued);
            task.held = null;
            services.slots().release(slot);
            task.slot = services.slots().request(proxy, slotLimit(proxy),
                    next -> services.executor().execute(() -> runTask(task, next)));
        }
        return true;
    }

    private TaskRecord failedOrStopped(TaskRecord record, Throwable e) {
        boolean cancelled = e instanceof RepositoryException re && re.reason() == RepositoryException.Reason.CANCELLED;
        if (cancelled || stopRequested) {
            return stopped(record, "stopped by an operator" + (cancelled ? "" : ": " + e.getMessage()));
        }
        String message = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
        return failed(record, message);
    }

    private TaskRecord failed(TaskRecord r, String error) {
        return finalRecord(r, TaskStatus.FAILED, error);
    }

    private TaskRecord stopped(TaskRecord r, String why) {
        return finalRecord(r, TaskStatus.STOPPED, why);
    }

    private TaskRecord finalRecord(TaskRecord r, TaskStatus status, String error) {
        return new TaskRecord(r.id(), r.vm(), r.disk(), status, r.proxy(), r.transportMode(), r.reason(),
                r.changeTracking(), r.changeNote(), null, r.sizeBytes(), r.readBytes(), r.transferredBytes(),
                r.storedBytes(), r.dataBytes(), r.newBytes(), r.started(), services.clock().instant(), error,
                r.warnings());
    }

    /** A task that never ran ends: its final state is recorded and counted. */
    private void end(TaskRun task, TaskRecord result) {
        if (!task.over.compareAndSet(false, true)) {
            return;
        }
        changed(task, result);
        ended(task);
    }

    /** Counts an ended task for its VM and the session (once per task, after its final state is recorded). */
    private void ended(TaskRun task) {
        if (task.vm.taskEnded()) {
            try {
                closeVm(task.vm);
            } finally {
                services.vmLocks().release(task.vm.name(), id);
            }
        }
        if (unfinished.decrementAndGet() == 0) {
            finish();
        }
    }

    private void changed(TaskRun task, TaskRecord record) {
        task.record = record;
        try {
            services.store().saveTask(id, record);
        } catch (RuntimeException e) {
            LOG.warn("Could not save task {} of session {} ({}): the session shows its previous state until the next"
                    + " change", record.id(), id, record.status(), e);
        }
        Map<String, Object> event = event();
        event.put(SessionEvents.TASK, record.id());
        event.put(SessionEvents.STATUS, record.status().name());
        if (record.error() != null) {
            event.put(SessionEvents.MESSAGE, record.error());
        }
        post(SessionEvents.TASK_CHANGED, event);
    }

    // --- one VM -------------------------------------------------------------------------------

    /** Commits the VM's point in time when all its disks were backed up, aborts it otherwise. */
    private void closeVm(VmRun vm) {
        VmViews views = vm.openedViews();
        if (views == null || views.pointInTime().isEmpty()) {
            return;
        }
        PointInTime pit = views.pointInTime().get();
        List<TaskRecord> records = tasks.values().stream().filter(t -> t.vm == vm).map(t -> t.record).toList();
        List<TaskRecord> bad = records.stream()
                .filter(r -> r.status() != TaskStatus.SUCCESS && r.status() != TaskStatus.WARNING).toList();
        List<ChangedBlockLedger> entries;
        if (bad.isEmpty()) {
            Map<String, String> backups = new LinkedHashMap<>();
            records.forEach(r -> backups.put(r.disk(), r.backupId()));
            try {
                entries = pit.commit(backups);
            } catch (RuntimeException e) {
                entries = distrust(vm, records, "committing the changed-block tracking after session " + id
                        + " failed: " + e.getMessage());
                pit.abort("commit failed: " + e.getMessage());
                notes.add("VM " + vm.name() + ": " + entries.get(0).note() + "; its next backup reads the disks"
                        + " whole.");
                LOG.warn("Committing the point in time of VM {} failed", vm.name(), e);
            }
        } else {
            entries = pit.abort(bad.stream().map(r -> r.disk() + " " + r.status().name().toLowerCase(Locale.ROOT))
                    .collect(Collectors.joining(", ", "not every disk was backed up in session " + id + " (", ")")));
        }
        for (ChangedBlockLedger entry : entries) {
            try {
                services.store().saveLedger(entry);
            } catch (RuntimeException e) {
                LOG.warn("Could not save the changed-block ledger of {}", entry.disk(), e);
            }
        }
    }

    private List<ChangedBlockLedger> distrust(VmRun vm, List<TaskRecord> records, String reason) {
        Instant now = services.clock().instant();
        List<ChangedBlockLedger> entries = new ArrayList<>();
        for (TaskRecord r : records) {
            String key = ChainKeys.of(vm.name(), r.disk());
            entries.add(services.store().ledger(key).map(e -> e.untrusted(reason, now))
                    .orElse(new ChangedBlockLedger(key, null, 0, null, 0, false, reason, now)));
        }
        return entries;
    }

    // --- the end --------------------------------------------------------------------------------

    private void finish() {
        Session session = null;
        try {
            List<TaskRecord> records = tasks.values().stream().map(t -> t.record).toList();
            SessionOutcome outcome = SessionOutcome.of(id, records, guests, stopRequested);
            StringBuilder message = new StringBuilder(outcome.summary());
            notes.forEach(n -> message.append(' ').append(n));
            Instant now = services.clock().instant();
            // the end of the run is in the catalog before retention deletes anything: a Ferry killed
            // during the prune leaves this session (and its backups) as the restore point, never an
            // "interrupted" run next to older sessions whose backups are already gone
            Session stored = storeEnd(outcome.status(), now, message.toString(), "the end");
            String retention = stored != null ? applyRetention(records)
                    : "Retention not applied: the end of the session could not be stored.";
            Session first = stored;
            if (!retention.isEmpty()) {
                message.append(' ').append(retention);
                stored = storeEnd(outcome.status(), now, message.toString(), "the retention note");
            }
            // what the catalog holds, or (when it refused) what it should have held
            session = stored != null ? stored
                    : new Session(id, job.name(), first == null ? "unknown" : first.trigger(),
                            first == null ? null : first.retryOf(), outcome.status(),
                            first == null ? now : first.started(), now, records, guests, message.toString());
            LOG.info("Session {} of job {} ended {}: {}", id, job.name(), outcome.status(), message);
            Map<String, Object> event = event();
            event.put(SessionEvents.STATUS, outcome.status().name());
            event.put(SessionEvents.MESSAGE, message.toString());
            post(SessionEvents.FINISHED, event);
        } finally {
            onFinished.accept(this);
            if (session == null) {
                done.completeExceptionally(new IllegalStateException("session " + id + " ended without a record"));
            } else {
                done.complete(session);
            }
        }
    }

    /** Stores the end of this session; null (logged) when the catalog refuses it. */
    private Session storeEnd(SessionStatus status, Instant now, String message, String what) {
        try {
            return services.store().finish(id, status, now, message);
        } catch (RuntimeException e) {
            LOG.error("Could not store {} of session {} ({})", what, id, status, e);
            return null;
        }
    }

    /**
     * Prunes the job's repository with the job's retention when no other job writes to it
     * (prune works on a whole repository) and this run wrote a backup; says what it did.
     */
    private String applyRetention(List<TaskRecord> records) {
        if (repositoryServer == null || records.stream().noneMatch(r -> r.backupId() != null)) {
            return "";
        }
        RetentionPolicy policy = job.spec().retention();
        List<String> others;
        try {
            others = services.jobs().jobs().stream()
                    .filter(j -> j.spec().repository().equalsIgnoreCase(job.spec().repository()))
                    .filter(j -> !j.id().equals(job.id())).map(Job::name).toList();
        } catch (RuntimeException e) {
            return "Retention not applied: the job list could not be read (" + e.getMessage() + ").";
        }
        if (!others.isEmpty()) {
            return "Retention not applied: the repository on " + repositoryServer + " is shared with job(s) "
                    + String.join(", ", others) + " and prune works per repository; prune it with ferry:prune.";
        }
        try {
            PruneReport report = services.repositories().open(repositoryServer).prune(policy, false,
                    ProgressListener.NONE);
            return "Retention (" + describe(policy) + " per disk): " + (report.removedBackups().isEmpty()
                    ? "nothing to remove."
                    : "removed " + report.removedBackups().size() + " old backup(s), freed "
                            + Bytes.format(report.freedBytes()) + ".");
        } catch (RuntimeException e) {
            LOG.warn("Retention of job {} on {} failed", job.name(), repositoryServer, e);
            return "Retention not applied: " + e.getMessage();
        }
    }

    static String describe(RetentionPolicy p) {
        List<String> parts = new ArrayList<>();
        if (p.keepLast() > 0) {
            parts.add("keep last " + p.keepLast());
        }
        if (p.keepDaily() > 0) {
            parts.add("daily " + p.keepDaily());
        }
        if (p.keepWeekly() > 0) {
            parts.add("weekly " + p.keepWeekly());
        }
        if (p.keepMonthly() > 0) {
            parts.add("monthly " + p.keepMonthly());
        }
        return String.join(", ", parts);
    }

    // --- helpers --------------------------------------------------------------------------------

    private int slotLimit(String proxy) {
        return slotLimits.getOrDefault(proxy.toLowerCase(Locale.ROOT), 1);
    }

    private Map<String, Object> event() {
        Map<String, Object> event = new HashMap<>();
        event.put(SessionEvents.SESSION, id);
        event.put(SessionEvents.JOB, job.name());
        return event;
    }

    private void post(String topic, Map<String, Object> properties) {
        try {
            services.events().post(topic, properties);
        } catch (RuntimeException e) {
            LOG.warn("Could not post event {} of session {}", topic, id, e);
        }
    }

    /** One task: its latest record, live progress and slot. */
    private final class TaskRun implements ProgressListener {
        final VmRun vm;
        volatile TaskRecord record;
        volatile Progress progress;
        volatile TaskSlots.Slot slot;
        /** The slot its thread holds, once it runs. */
        volatile TaskSlots.Slot held;
        /** Set once, by whoever records the task's final state (its thread, a stop, or the give-up). */
        final AtomicBoolean over = new AtomicBoolean();
        /** 1, then one more each time the task fails over to another proxy (results are applied per attempt). */
        volatile int attempt = 1;
        /** The proxies whose agents were lost while they ran this task (lower case). */
        final java.util.Set<String> lostProxies = java.util.concurrent.ConcurrentHashMap.newKeySet();
        private volatile long lastPostNanos;

        TaskRun(VmRun vm, TaskRecord record) {
            this.vm = vm;
            this.record = record;
        }

        @Override
        public void progress(Progress p) {
            progress = p;
            long now = System.nanoTime();
            boolean last = p.done() >= p.total();
            if (!last && now - lastPostNanos < services.progressInterval().toNanos()) {
                return;
            }
            lastPostNanos = now;
            Map<String, Object> event = event();
            event.put(SessionEvents.TASK, record.id());
            event.put(SessionEvents.STATUS, record.status().name());
            event.put(SessionEvents.DONE_BYTES, p.done());
            event.put(SessionEvents.TOTAL_BYTES, p.total());
            event.put(SessionEvents.BYTES_PER_SECOND, p.bytesPerSecond());
            post(SessionEvents.PROGRESS, event);
        }

        @Override
        public boolean cancelRequested() {
            return stopRequested;
        }
    }

    /** One VM: its guest processing stage (once, by its first task to run) and how many of its tasks are left. */
    private final class VmRun {
        private final VmPlanned planned;
        private VmViews views;
        final AtomicInteger remaining = new AtomicInteger();

        VmRun(VmPlanned planned) {
            this.planned = planned;
        }

        String name() {
            return planned == null ? "?" : planned.plan().vm();
        }

        /** The views of the VM's disks, after its guest processing stage (run now if it has not run). */
        synchronized VmViews views() {
            if (views != null) {
                return views;
            }
            if (planned == null || planned.vm() == null) {
                views = VmViews.failed(new GuestRecord(name(), null, TaskStatus.SKIPPED, false, "",
                        "the VM is no longer in the inventory", null), "VM " + name() + " is no longer in the"
                                + " inventory (see ferry:vm-list)");
                return views;
            }
            Optional<String> busy = services.vmLocks().tryAcquire(name(), id);
            if (busy.isPresent()) {
                views = VmViews.failed(new GuestRecord(name(), null, TaskStatus.SKIPPED, false, "", "session "
                        + busy.get() + " is processing the VM", null), "VM " + name() + " is being backed up by"
                        + " session " + busy.get() + " right now; a VM is processed by one session at a time, so the"
                        + " next run of job " + job.name() + " backs it up");
                return views;
            }
            views = services.guestStage().open(job.spec(), planned.vm(), planned.plan());
            GuestRecord guest = views.guest();
            guests.add(guest);
            try {
                services.store().saveGuest(id, guest);
            } catch (RuntimeException e) {
                LOG.warn("Could not save the guest processing record of VM {} in session {}", guest.vm(), id, e);
            }
            Map<String, Object> event = event();
            event.put(SessionEvents.TASK, "guest:" + guest.vm());
            event.put(SessionEvents.STATUS, guest.status().name());
            event.put(SessionEvents.MESSAGE, guest.detail());
            post(SessionEvents.TASK_CHANGED, event);
            return views;
        }

        synchronized VmViews openedViews() {
            return views;
        }

        /** Counts a task of this VM as ended; true for the last one. */
        boolean taskEnded() {
            return remaining.decrementAndGet() == 0;
        }
    }
}
