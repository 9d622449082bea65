package io.ferry.jobs.internal;

import io.ferry.api.repository.Repository;
import io.ferry.api.ValidationException;
import io.ferry.api.agent.AgentTasks;
import io.ferry.api.audit.AuditLog;
import io.ferry.api.inventory.InventoryService;
import io.ferry.api.job.JobService;
import io.ferry.api.mover.DataMover;
import io.ferry.api.mover.DiskSources;
import io.ferry.api.repository.InitOptions;
import io.ferry.api.repository.ProgressListener;
import io.ferry.api.repository.RepositoryService;
import io.ferry.api.security.Caller;
import io.ferry.api.selection.SelectionService;
import io.ferry.api.paths.PathPolicy;
import io.ferry.api.repository.BackupInfo;
import io.ferry.api.repository.VerifyReport;
import io.ferry.api.session.DiskRestoreRequest;
import io.ferry.api.session.DiskRestoreResult;
import io.ferry.api.session.JobRepositoryService;
import io.ferry.api.session.JobRepositorySummary;
import io.ferry.api.session.Session;
import io.ferry.api.session.VmRestoreRequest;
import io.ferry.api.session.SessionService;
import io.ferry.api.session.SessionStore;
import io.ferry.api.session.TaskProgress;
import io.ferry.api.session.VmRestoreResult;
import io.ferry.api.spi.PointInTimeProvider;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.karaf.scheduler.Scheduler;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job runner service (configuration PID {@code io.ferry.jobs}, see {@link JobsConfig}):
 * a thin OSGi shell around {@link JobSessions}, which does the work, and
 * {@link JobSchedules}, which runs jobs by their schedules with the Karaf scheduler.
 *
 * <p><b>Repositories.</b> A job names a server with the REPOSITORY role; its repository is
 * the directory {@code <repository.root>/<server name>} (default
 * {@code ${karaf.data}/ferry/repositories/<server name>}), encrypted with the password on the
 * first line of {@code repository.password.file} (default
 * {@code ${karaf.etc}/ferry-repository.password}). The password file is created with a random
 * password and mode 0600, and the repository initialised, on first use. Keep a copy of the
 * password file: without it the backups cannot be read.
 *
 * <p><b>Whiteboard and optional services.</b> {@link PointInTimeProvider}s (the Proxmox
 * plugin) are tracked as they come and go; without one, VMs are read from their disk
 * locations as they are. Events go to the OSGi EventAdmin when there is one (Karaf feature
 * {@code eventadmin}). Schedules need the Karaf scheduler (feature {@code scheduler}); without
 * it, scheduling is off (one warning) and jobs run only when started.
 *
 * <p>On activation, sessions a previous Ferry left running are marked FAILED; on
 * deactivation, running sessions are stopped.
 */
@Component(service = {SessionService.class, JobRepositoryService.class}, configurationPid = "io.ferry.jobs")
@Designate(ocd = JobsConfig.class)
public final class JobRunner implements SessionService, JobRepositoryService {

    private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]+)}");

    private final List<PointInTimeProvider> providers = new CopyOnWriteArrayList<>();
    private final AtomicReference<EventAdmin> eventAdmin = new AtomicReference<>();
    private final AtomicReference<Scheduler> scheduler = new AtomicReference<>();
    private final JobSessions sessions;
    private final JobRestores restores;
    private final JobSchedules schedules;
    private final Duration scheduleRefresh;
    private final CatalogSpace catalogSpace;

    @Activate
    public JobRunner(@Reference(name = "JobService") JobService jobs,
            @Reference(name = "InventoryService") InventoryService inventory,
            @Reference(name = "SelectionService") SelectionService selection,
            @Reference(name = "SessionStore") SessionStore store,
            @Reference(name = "RepositoryService") RepositoryService repositoryService,
            @Reference(name = "DiskSources") DiskSources sources,
            @Reference(name = "DataMover") DataMover mover, JobsConfig config,
            @Reference(name = "PathPolicy") PathPolicy paths) {
        JobRepositories repositories = new JobRepositories(repositoryService,
                Path.of(expand("repository.root", config.repository_root())),
                Path.of(expand("repository.password.file", config.repository_password_file())),
                InitOptions.defaults());
        this.sessions = new JobSessions(jobs, inventory, selection, store, sources, mover, repositories,
                () -> List.copyOf(providers), this::post, Clock.systemUTC(),
                Duration.ofMillis(Math.max(50, config.progress_event_millis())));
        this.restores = new JobRestores(jobs, inventory, repositories, sources, mover, paths, sessions,
                Clock.systemUTC());
        // before any scheduler is bound: a scheduled run must never be taken for an interrupted one
        sessions.failInterrupted();
        String catalog = config.catalog_directory().strip();
        this.catalogSpace = new CatalogSpace(catalog.isEmpty() ? Optional.empty()
                : Optional.of(Path.of(expand("catalog.directory", catalog))),
                Math.multiplyExact(Math.max(0, config.catalog_min_free_mb()), 1L << 20));
        // scheduled runs are Ferry's own work, whichever thread (and Subject) activated this component
        this.schedules = new JobSchedules(jobs, id -> Caller.asSystem(() -> {
            catalogSpace.check("Scheduled run of job " + id);
            return sessions.start(id, "schedule");
        }));
        this.scheduleRefresh = Duration.ofSeconds(Math.max(1, config.schedule_refresh_seconds()));
        LOG.info("Job runner: repositories under {}, password file {}", repositories.root(),
                repositories.passwordFile());
    }

    /** After the optional references are bound: starts following schedule changes. */
    @Activate
    void activate() {
        if (scheduler.get() == null) {
            LOG.warn("Job scheduling is off: no Karaf scheduler service (install the Karaf feature 'scheduler');"
                    + " jobs with a schedule run only when started");
        }
        schedules.poll(scheduleRefresh);
    }

    @Deactivate
    void deactivate() {
        schedules.close();
        sessions.close();
    }

    // --- whiteboard and optional services -------------------------------------------------------

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "removePointInTimeProvider")
    void addPointInTimeProvider(PointInTimeProvider provider) {
        providers.add(provider);
    }

    void removePointInTimeProvider(PointInTimeProvider provider) {
        providers.remove(provider);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindEventAdmin")
    void bindEventAdmin(EventAdmin admin) {
        eventAdmin.set(admin);
    }

    void unbindEventAdmin(EventAdmin admin) {
        eventAdmin.compareAndSet(admin, null);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindScheduler")
    void bindScheduler(Scheduler value) {
        scheduler.set(value);
        schedules.attach(new KarafCron(value));
    }

    void unbindScheduler(Scheduler value) {
        if (scheduler.compareAndSet(value, null)) {
            schedules.detach();
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindAuditLog")
    void bindAuditLog(AuditLog log) {
        sessions.auditTo(log);
        restores.auditTo(log);
    }

    void unbindAuditLog(AuditLog log) {
        sessions.auditTo(AuditLog.NONE);
        restores.auditTo(AuditLog.NONE);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindAgentTasks")
    void bindAgentTasks(AgentTasks tasks) {
        sessions.agentTasks(tasks);
    }

    void unbindAgentTasks(AgentTasks tasks) {
        sessions.agentTasks(null);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindRepositoryAgents")
    void bindRepositoryAgents(io.ferry.api.agent.RepositoryAgents agents) {
        sessions.repositoryAgents(agents);
    }

    void unbindRepositoryAgents(io.ferry.api.agent.RepositoryAgents agents) {
        sessions.repositoryAgents(null);
    }

    // --- JobRepositoryService (JobRestores) ---------------------------------------------------------

    @Override
    public List<JobRepositorySummary> repositories() {
        return restores.repositories();
    }

    @Override
    public List<BackupInfo> backups(String repositoryServer, Optional<String> disk, Optional<String> vm) {
        return restores.backups(repositoryServer, disk, vm);
    }

    @Override
    public BackupInfo backup(String repositoryServer, String idOrPrefix) {
        return restores.backup(repositoryServer, idOrPrefix);
    }

    @Override
    public VerifyReport verify(String repositoryServer, List<String> backups, ProgressListener listener) {
        return restores.verify(repositoryServer, backups, listener);
    }

    @Override
    public DiskRestoreResult restoreDisk(DiskRestoreRequest request, ProgressListener listener) {
        return restores.restoreDisk(request, listener);
    }

    @Override
    public VmRestoreResult restoreVm(VmRestoreRequest request, ProgressListener listener) {
        return restores.restoreVm(request, listener);
    }

    @Override
    public List<Path> restoreRoots() {
        return restores.restoreRoots();
    }

    private void post(String topic, Map<String, Object> properties) {
        EventAdmin admin = eventAdmin.get();
        if (admin != null) {
            admin.postEvent(new Event(topic, properties));
        }
    }

    /** {@code ${name}} replaced by the system property {@code name} (karaf.data, karaf.etc). */
    static String expand(String field, String value) {
        Matcher m = PLACEHOLDER.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement = System.getProperty(m.group(1));
            if (replacement == null) {
                throw new ValidationException(field, "'" + value + "' uses ${" + m.group(1) + "}, which is not a"
                        + " system property here; set " + field + " in etc/io.ferry.jobs.cfg to a plain path");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    // --- SessionService -------------------------------------------------------------------------

    @Override
    public Session start(String jobNameOrId, String trigger) {
        catalogSpace.check("Job '" + jobNameOrId + "'");
        return sessions.start(jobNameOrId, trigger);
    }

    @Override
    public Session retry(String sessionIdOrPrefix) {
        catalogSpace.check("Retry of session " + sessionIdOrPrefix);
        return sessions.retry(sessionIdOrPrefix);
    }

    @Override
    public Session stop(String sessionOrJob) {
        return sessions.stop(sessionOrJob);
    }

    @Override
    public Session await(String sessionId, Duration timeout) throws InterruptedException {
        return sessions.await(sessionId, timeout);
    }

    @Override
    public List<TaskProgress> progress(String sessionId) {
        return sessions.progress(sessionId);
    }

    @Override
    public Optional<Session> session(String idOrPrefix) {
        return sessions.session(idOrPrefix);
    }

    @Override
    public List<Session> sessions(String job, int limit) {
        return sessions.sessions(job, limit);
    }

    @Override
    public Repository jobRepository(String repositoryServer) {
        return sessions.jobRepository(repositoryServer);
    }

    @Override
    public VmRestoreResult restoreVm(String vm, String session, String target, boolean overwrite,
            ProgressListener listener) {
        return sessions.restoreVm(vm, session, target, overwrite, listener);
    }
}
