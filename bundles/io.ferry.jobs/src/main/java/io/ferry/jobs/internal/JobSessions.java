package io.ferry.jobs.internal;

import java.nio.file.Path;
import java.nio.file.Files;
import io.ferry.api.repository.Repository;
import io.ferry.api.ConflictException;
import io.ferry.api.FerryException;
import io.ferry.api.NotFoundException;
import io.ferry.api.audit.Audit;
import io.ferry.api.agent.AgentTasks;
import io.ferry.api.audit.AuditLog;
import io.ferry.api.inventory.InventoryService;
import io.ferry.api.inventory.ManagedServer;
import io.ferry.api.inventory.RoleType;
import io.ferry.api.inventory.VirtualDisk;
import io.ferry.api.inventory.VirtualMachine;
import io.ferry.api.job.Job;
import io.ferry.api.job.JobService;
import io.ferry.api.mover.DataMover;
import io.ferry.api.mover.DiskSources;
import io.ferry.api.repository.ProgressListener;
import io.ferry.api.security.Caller;
import io.ferry.api.security.FerryRole;
import io.ferry.api.selection.DecisionStatus;
import io.ferry.api.selection.DiskDecision;
import io.ferry.api.selection.Load;
import io.ferry.api.selection.Plan;
import io.ferry.api.selection.SelectionService;
import io.ferry.api.selection.VmPlan;
import io.ferry.api.session.Session;
import io.ferry.api.session.SessionEvents;
import io.ferry.api.session.SessionService;
import io.ferry.api.session.SessionStatus;
import io.ferry.api.session.SessionStore;
import io.ferry.api.session.TaskProgress;
import io.ferry.api.session.TaskRecord;
import io.ferry.api.session.TaskStatus;
import io.ferry.api.session.VmRestoreResult;
import io.ferry.api.spi.PointInTimeProvider;
import io.ferry.jobs.internal.SessionRun.VmPlanned;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job runner without OSGi: {@link SessionService} over plain collaborators (the DS
 * component {@link JobRunner} is a thin shell around it; tests and benchmarks construct it
 * directly).
 *
 * <p>{@link #start} plans the job with the selection service under the current load of the
 * proxies (the tasks every run holds slots for), stores the new RUNNING session with one
 * task per disk of the plan (QUEUED with its proxy, transport mode, the plan's reason and
 * warnings; FAILED with the plan's reason when no proxy can process the disk), posts STARTED
 * and hands the run to {@link SessionRun}. Runs of one job never overlap: starting a running
 * job is a conflict.
 *
 * <p>Owns the task threads (one per held task slot, daemon threads {@code ferry-task-N})
 * and the job repositories; {@link #close()} stops the runs and releases both.
 */
final class JobSessions implements SessionService, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JobSessions.class);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(30);

    private final JobService jobs;
    private final InventoryService inventory;
    private final SelectionService selection;
    private final SessionStore store;
    private final JobRepositories repositories;
    private final RunServices services;
    private final VmRestore restore;
    private final ExecutorService executor;
    private final SessionIds ids;
    private final Map<String, SessionRun> active = new ConcurrentHashMap<>();
    private final Audit audit;
    private volatile AuditLog auditLog = AuditLog.NONE;
    private volatile AgentTasks agents;
    private boolean closed;

    JobSessions(JobService jobs, InventoryService inventory, SelectionService selection, SessionStore store,
            DiskSources sources, DataMover mover, JobRepositories repositories,
            Supplier<List<PointInTimeProvider>> providers, SessionEventSink events, Clock clock,
            Duration progressInterval) {
        this.jobs = Objects.requireNonNull(jobs, "jobs");
        this.inventory = Objects.requireNonNull(inventory, "inventory");
        this.selection = Objects.requireNonNull(selection, "selection");
        this.store = Objects.requireNonNull(store, "store");
        this.repositories = Objects.requireNonNull(repositories, "repositories");
        this.executor = Executors.newCachedThreadPool(daemonThreads());
        this.ids = new SessionIds(clock);
        this.services = new RunServices(jobs, inventory, store, sources, mover, repositories, new TaskSlots(),
                new VmLocks(), new GuestStage(providers, store), events, executor, clock, progressInterval,
                () -> agents);
        this.restore = new VmRestore(store, jobs, inventory, repositories, sources, mover);
        this.audit = new Audit(() -> auditLog, clock);
    }

    /** Where runs, stops, retries and restores are recorded ({@link AuditLog#NONE} until set). */
    void auditTo(AuditLog log) {
        this.auditLog = Objects.requireNonNull(log, "log");
    }

    /** The agents that hold repository servers' repositories; null: every job repository is local. */
    void repositoryAgents(io.ferry.api.agent.RepositoryAgents agents) {
        repositories.agents(agents);
    }

    /** The agents that run tasks on the proxies' machines; null: every task runs in this process. */
    void agentTasks(AgentTasks tasks) {
        this.agents = tasks;
    }

    /** Marks sessions a previous Ferry left RUNNING (killed, crashed) as FAILED. */
    List<Session> failInterrupted() {
        List<Session> failed = store.failInterrupted(services.clock().instant());
        failed.forEach(s -> LOG.warn("Session {} of job {} was running when Ferry stopped; it is marked FAILED", s.id(),
                s.job()));
        return failed;
    }

    /** Whether a job (name or id) is running now. */
    boolean running(String jobNameOrId) {
        return findActive(jobNameOrId).isPresent();
    }

    /** The task slots every run shares (for tests). */
    TaskSlots slots() {
        return services.slots();
    }

    // --- SessionService ---------------------------------------------------------------------------

    @Override
    public Session start(String jobNameOrId, String trigger) {
        return audit.change(FerryRole.OPERATOR, "job-run", jobNameOrId, () -> doStart(jobNameOrId, trigger));
    }

    private Session doStart(String jobNameOrId, String trigger) {
        Objects.requireNonNull(jobNameOrId, "jobNameOrId");
        Job job = job(jobNameOrId);
        String why = trigger == null || trigger.isBlank() ? "manual" : trigger.strip();
        return launch(job, why, null, null);
    }

    @Override
    public Session retry(String sessionIdOrPrefix) {
        return audit.change(FerryRole.OPERATOR, "job-retry", sessionIdOrPrefix, () -> doRetry(sessionIdOrPrefix));
    }

    private Session doRetry(String sessionIdOrPrefix) {
        Session old = requireSession(sessionIdOrPrefix);
        if (!old.status().finished()) {
            throw new ConflictException("Session " + old.id() + " of job " + old.job() + " is still running: wait for"
                    + " it to end (or stop it with ferry:job-stop " + old.job() + ") before retrying it");
        }
        Set<String> only = new LinkedHashSet<>();
        old.tasks().stream().filter(t -> t.status().retryable()).forEach(t -> only.add(taskKey(t.vm(), t.disk())));
        if (only.isEmpty()) {
            throw new ConflictException("Session " + old.id() + " of job " + old.job() + " has no failed or stopped"
                    + " task: nothing to retry (start the job to back everything up again)");
        }
        Job job = jobs.job(old.job()).orElseThrow(() -> new NotFoundException("Job '" + old.job() + "' of session "
                + old.id() + " no longer exists, so it cannot be retried (see ferry:job-list)"));
        return launch(job, "retry", old.id(), only);
    }

    @Override
    public Session stop(String sessionOrJob) {
        return audit.change(FerryRole.OPERATOR, "job-stop", sessionOrJob, () -> doStop(sessionOrJob));
    }

    private Session doStop(String sessionOrJob) {
        Objects.requireNonNull(sessionOrJob, "sessionOrJob");
        Optional<SessionRun> run = findActive(sessionOrJob);
        if (run.isEmpty()) {
            Optional<Session> known = store.session(sessionOrJob);
            if (known.isPresent()) {
                throw new ConflictException("Session " + known.get().id() + " of job " + known.get().job()
                        + " is not running here (" + known.get().status() + "): nothing to stop");
            }
            if (jobs.job(sessionOrJob).isPresent()) {
                throw new ConflictException("Job '" + sessionOrJob + "' is not running: nothing to stop");
            }
            throw new NotFoundException("No running session or job named '" + sessionOrJob
                    + "' (see ferry:session-list)");
        }
        run.get().stop();
        return store.session(run.get().id()).orElseThrow();
    }

    @Override
    public Session await(String sessionId, Duration timeout) throws InterruptedException {
        audit.read(FerryRole.VIEWER, "session-show");
        Optional<SessionRun> run = findActiveSession(sessionId);
        if (run.isPresent()) {
            try {
                run.get().done().get(Math.max(0, timeout.toMillis()), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                // still running: the caller gets its current state
            } catch (ExecutionException e) {
                LOG.warn("Session {} ended without a stored record", sessionId, e.getCause());
            }
        }
        return requireSession(run.map(SessionRun::id).orElse(sessionId));
    }

    @Override
    public List<TaskProgress> progress(String sessionId) {
        audit.read(FerryRole.VIEWER, "session-show");
        return findActiveSession(sessionId).map(SessionRun::progress).orElse(List.of());
    }

    @Override
    public Optional<Session> session(String idOrPrefix) {
        audit.read(FerryRole.VIEWER, "session-show");
        return store.session(idOrPrefix);
    }

    @Override
    public Repository jobRepository(String repositoryServer) {
        audit.read(FerryRole.VIEWER, "job-repository");
        String name = repositoryServer == null ? "" : repositoryServer.strip();
        ManagedServer server = inventory.server(name).orElseThrow(() -> new NotFoundException("No managed server '"
                + name + "': name the repository server the jobs store to (ferry:job-list shows it)"));
        if (!repositories.exists(server.name())) {
            throw new NotFoundException("No job has stored to " + server.name() + " yet: its job repository "
                    + repositories.location(server.name()) + " does not exist");
        }
        return new SharedRepository(repositories.open(server.name()));
    }

    @Override
    public List<Session> sessions(String job, int limit) {
        audit.read(FerryRole.VIEWER, "session-list");
        String name = job == null ? null : jobs.job(job).map(Job::name).orElse(job);
        return store.sessions(name, limit);
    }

    @Override
    public VmRestoreResult restoreVm(String vm, String session, String target, boolean overwrite,
            ProgressListener listener) {
        String what = vm + " from " + (session == null ? "its latest session" : session) + " to " + target
                + (overwrite ? " (overwrite)" : "");
        return audit.change(FerryRole.ADMIN, "restore", what, () -> doRestoreVm(vm, session, target, overwrite, listener));
    }

    private VmRestoreResult doRestoreVm(String vm, String session, String target, boolean overwrite,
            ProgressListener listener) {
        return restore.restore(vm, session, target, overwrite, listener == null ? ProgressListener.NONE : listener);
    }

    // --- starting a run ---------------------------------------------------------------------------

    /** Plans and stores the session and hands it to a new run; {@code only} limits it to these disks (retry). */
    private synchronized Session launch(Job job, String trigger, String retryOf, Set<String> only) {
        if (closed) {
            throw new FerryException("The job runner is stopping; start job '" + job.name() + "' again once Ferry"
                    + " runs");
        }
        Optional<SessionRun> current = Optional.ofNullable(active.get(job.id()));
        if (current.isPresent()) {
            throw new ConflictException("Job '" + job.name() + "' is already running (session " + current.get().id()
                    + "); runs of one job never overlap: wait for it (ferry:session-show " + current.get().id()
                    + ") or stop it (ferry:job-stop " + job.name() + ")");
        }
        Plan plan = selection.planJob(job.id(), new Load(services.slots().running()));
        Instant now = services.clock().instant();
        List<String> notes = new ArrayList<>(plan.warnings());
        List<TaskRecord> tasks = new ArrayList<>();
        Map<String, VmPlanned> vms = new HashMap<>();
        Map<String, Integer> limits = new HashMap<>();
        Set<String> planned = new LinkedHashSet<>();
        for (VmPlan vp : plan.vms()) {
            Optional<VirtualMachine> vm = inventory.vm(vp.vm());
            for (DiskDecision d : vp.disks()) {
                String key = taskKey(vp.vm(), d.disk());
                if (only != null && !only.contains(key)) {
                    continue;
                }
                if (!planned.add(key)) {
                    notes.add("The plan lists " + vp.vm() + "/" + d.disk() + " twice; it was backed up once.");
                    continue;
                }
                tasks.add(task(vp, vm, d, now, limits));
                vms.putIfAbsent(vp.vm().toLowerCase(Locale.ROOT), new VmPlanned(vp, vm.orElse(null)));
            }
        }
        if (only != null) {
            only.stream().filter(k -> !planned.contains(k)).forEach(k -> notes.add("Not retried: " + k
                    + " is no longer in the job's plan."));
            notes.add(0, "Retry of session " + retryOf + ".");
        }
        RepositoryTarget repository = repository(job);
        Session session = new Session(ids.next(), job.name(), trigger, retryOf, SessionStatus.RUNNING, now, null,
                tasks, List.of(), "");
        Session stored = store.create(session);
        SessionRun run;
        try {
            tasks.stream().filter(t -> t.status().finished()).forEach(t -> store.saveTask(stored.id(), t));
            run = new SessionRun(services, session, job, vms, repository.server(), repository.problem(), limits, notes,
                    finished -> active.remove(finished.job().id(), finished));
        } catch (RuntimeException e) {
            store.finish(stored.id(), SessionStatus.FAILED, services.clock().instant(), "The session could not start: "
                    + e.getMessage());
            throw e;
        }
        active.put(job.id(), run);
        LOG.info("Session {} of job {} started ({}): {} task(s)", stored.id(), job.name(), trigger, tasks.size());
        Map<String, Object> event = new HashMap<>();
        event.put(SessionEvents.SESSION, stored.id());
        event.put(SessionEvents.JOB, job.name());
        event.put(SessionEvents.STATUS, SessionStatus.RUNNING.name());
        post(SessionEvents.STARTED, event);
        executor.execute(run::begin);
        return stored;
    }

    private TaskRecord task(VmPlan vp, Optional<VirtualMachine> vm, DiskDecision d, Instant now,
            Map<String, Integer> limits) {
        long size = vm.flatMap(v -> v.spec().disks().stream().filter(x -> x.label().equalsIgnoreCase(d.disk()))
                .findFirst()).map(VirtualDisk::capacityBytes).orElse(0L);
        boolean runnable = (d.status() == DecisionStatus.ASSIGNED || d.status() == DecisionStatus.WAITING_FOR_SLOT)
                && d.proxy().isPresent();
        if (runnable) {
            String proxy = d.proxy().get();
            limits.computeIfAbsent(proxy.toLowerCase(Locale.ROOT), k -> inventory.server(proxy)
                    .map(s -> s.spec().maxConcurrentTasks()).orElse(1));
            return TaskRecord.queued(vp.vm(), d.disk(), proxy, d.transportMode().orElse(null), d.reason(), size,
                    d.warnings());
        }
        return new TaskRecord(vp.vm() + "/" + d.disk(), vp.vm(), d.disk(), TaskStatus.FAILED, d.proxy().orElse(null),
                d.transportMode().orElse(null), d.reason(), null, null, null, size, 0, 0, 0, 0, 0, null, now,
                "the plan cannot process this disk (" + d.status() + "): " + d.reason(), d.warnings());
    }

    /**
     * The repository server of a run: its name when it can be used, or why not.
     *
     * @param server  the server's name as the inventory spells it, or null
     * @param problem why the job's repository cannot be used, or null
     */
    private record RepositoryTarget(String server, String problem) {
    }

    private RepositoryTarget repository(Job job) {
        String name = job.spec().repository();
        Optional<ManagedServer> server = inventory.server(name);
        if (server.isEmpty()) {
            return new RepositoryTarget(null, "the job's repository server '" + name + "' is not in the inventory"
                    + " (see ferry:server-list): change the job's repository");
        }
        if (!server.get().hasRole(RoleType.REPOSITORY)) {
            return new RepositoryTarget(null, "server '" + server.get().name() + "' no longer holds the REPOSITORY"
                    + " role: assign it again or change the job's repository");
        }
        return new RepositoryTarget(server.get().name(), null);
    }

    // --- lookups ------------------------------------------------------------------------------

    private Job job(String nameOrId) {
        return jobs.job(nameOrId).orElseThrow(() -> NotFoundException.of("job", nameOrId, "ferry:job-list"));
    }

    private Session requireSession(String idOrPrefix) {
        return store.session(idOrPrefix).orElseThrow(() -> new NotFoundException("No session '" + idOrPrefix
                + "' (see ferry:session-list)"));
    }

    /** The run of a session (id or unique prefix) or of a job (name or id). */
    private Optional<SessionRun> findActive(String sessionOrJob) {
        Optional<SessionRun> bySession = findActiveSession(sessionOrJob);
        if (bySession.isPresent()) {
            return bySession;
        }
        return active.values().stream().filter(r -> r.job().id().equals(sessionOrJob)
                || r.job().name().equalsIgnoreCase(sessionOrJob)).findFirst();
    }

    private Optional<SessionRun> findActiveSession(String idOrPrefix) {
        if (idOrPrefix == null || idOrPrefix.isBlank()) {
            return Optional.empty();
        }
        List<SessionRun> matches = active.values().stream().filter(r -> r.id().startsWith(idOrPrefix)).toList();
        return matches.size() == 1 ? Optional.of(matches.get(0))
                : matches.stream().filter(r -> r.id().equals(idOrPrefix)).findFirst();
    }

    private static String taskKey(String vm, String disk) {
        return (vm + "/" + disk).toLowerCase(Locale.ROOT);
    }

    private void post(String topic, Map<String, Object> properties) {
        try {
            services.events().post(topic, properties);
        } catch (RuntimeException e) {
            LOG.warn("Could not post event {}", topic, e);
        }
    }

    // --- shutdown -----------------------------------------------------------------------------

    /**
     * Stops every run (running tasks are cancelled), waits up to 30 s for them to end, then
     * stops the task threads and closes the repositories. Runs that did not end stay RUNNING in
     * the store until the next start marks them FAILED.
     */
    @Override
    public void close() {
        List<SessionRun> runs;
        synchronized (this) {
            closed = true;
            runs = List.copyOf(active.values());
        }
        runs.forEach(SessionRun::stop);
        long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
        for (SessionRun run : runs) {
            try {
                run.done().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException | ExecutionException e) {
                LOG.warn("Session {} of job {} did not end while stopping the job runner", run.id(), run.job().name());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        executor.shutdownNow();
        repositories.close();
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            // created as Ferry's own work: a task thread must not keep the Subject of the user whose call made it
            Thread t = Caller.asSystem(() -> new Thread(r, "ferry-task-" + n.incrementAndGet()));
            t.setDaemon(true);
            return t;
        };
    }
}
