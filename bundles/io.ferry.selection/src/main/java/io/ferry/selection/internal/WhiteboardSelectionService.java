package io.ferry.selection.internal;

import io.ferry.api.FerryException;
import io.ferry.api.NotFoundException;
import io.ferry.api.ValidationException;
import io.ferry.api.audit.Audit;
import io.ferry.api.audit.AuditLog;
import io.ferry.api.inventory.InventoryService;
import io.ferry.api.inventory.InventorySnapshot;
import io.ferry.api.inventory.ManagedServer;
import io.ferry.api.inventory.Platform;
import io.ferry.api.inventory.PlatformHost;
import io.ferry.api.inventory.RoleType;
import io.ferry.api.inventory.VirtualMachine;
import io.ferry.api.job.GuestProcessing;
import io.ferry.api.job.Job;
import io.ferry.api.job.JobService;
import io.ferry.api.job.JobSpec;
import io.ferry.api.job.ServerChoice;
import io.ferry.api.job.TransportChoice;
import io.ferry.api.security.Caller;
import io.ferry.api.security.FerryRole;
import io.ferry.api.selection.Load;
import io.ferry.api.selection.Plan;
import io.ferry.api.selection.PluginInfo;
import io.ferry.api.selection.ReadinessReport;
import io.ferry.api.selection.Scenario;
import io.ferry.api.selection.SelectionService;
import io.ferry.api.selection.WhatIf;
import io.ferry.api.spi.GuestInteractionRule;
import io.ferry.api.spi.JobValidator;
import io.ferry.api.spi.PlatformSupport;
import io.ferry.api.spi.ProxyRule;
import io.ferry.api.spi.PointInTimeProvider;
import io.ferry.api.spi.ReadinessCheck;
import io.ferry.api.spi.StorageSnapshotProvider;
import io.ferry.api.spi.TransportModeProvider;
import io.ferry.selection.internal.PluginRegistry.Kind;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link SelectionService} over the inventory and the plugins on the whiteboard: every
 * {@link PlatformSupport}, {@link GuestInteractionRule}, {@link ProxyRule},
 * {@link TransportModeProvider}, {@link ReadinessCheck} (and, for {@link #plugins()}, every
 * {@link JobValidator}, {@link StorageSnapshotProvider} and {@link PointInTimeProvider})
 * registered by any bundle is tracked as it comes and goes; {@link #plugins()} adds the
 * plugin bundles that register nothing, refused or stopped ({@link PluginCatalog}). Each call
 * works on one inventory snapshot and one immutable {@link PluginSet}, so a plugin leaving
 * mid-plan cannot break it. Jobs are optional: without a {@link JobService}, VMs can still be
 * planned and checked, and {@link #planJob} says that jobs are unavailable.
 */
@Component(service = SelectionService.class, configurationPid = "io.ferry.selection")
@Designate(ocd = SelectionConfig.class)
public final class WhiteboardSelectionService implements SelectionService {
    private static final Logger LOG = LoggerFactory.getLogger(WhiteboardSelectionService.class);
    private volatile AuditLog auditLog = AuditLog.NONE;
    private final Audit audit = new Audit(() -> auditLog, Clock.systemUTC());

    private final InventoryService inventory;
    private final PluginRegistry plugins = new PluginRegistry();
    private final AtomicReference<JobService> jobs = new AtomicReference<>();
    private final Optional<PluginCatalog> catalog;
    private final Optional<ExecutorService> executor;
    private final int threads;
    private final int fullCandidateLimit;

    @Activate
    public WhiteboardSelectionService(@Reference(name = "InventoryService") InventoryService inventory,
            SelectionConfig config, BundleContext context) {
        this(inventory, config.planner_threads(), config.explain_full_candidates(),
                Optional.of(new PluginCatalog(context)));
    }

    WhiteboardSelectionService(InventoryService inventory, int plannerThreads, int fullCandidateLimit) {
        this(inventory, plannerThreads, fullCandidateLimit, Optional.empty());
    }

    private WhiteboardSelectionService(InventoryService inventory, int plannerThreads, int fullCandidateLimit,
            Optional<PluginCatalog> catalog) {
        this.inventory = Objects.requireNonNull(inventory, "inventory");
        this.catalog = catalog;
        this.threads = plannerThreads > 0 ? plannerThreads : Runtime.getRuntime().availableProcessors();
        this.fullCandidateLimit = fullCandidateLimit;
        this.executor = threads > 1 ? Optional.of(Executors.newFixedThreadPool(threads, daemonThreads()))
                : Optional.empty();
    }

    @Deactivate
    void stop() {
        executor.ifPresent(ExecutorService::shutdownNow);
    }

    // --- the whiteboard ----------------------------------------------------------------------

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "removePlatformSupport")
    void addPlatformSupport(PlatformSupport service, ServiceReference<PlatformSupport> ref) {
        track(Kind.PLATFORM, service, ref);
    }

    void removePlatformSupport(PlatformSupport service, ServiceReference<PlatformSupport> ref) {
        untrack(Kind.PLATFORM, ref);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "removeGuestInteractionRule")
    void addGuestInteractionRule(GuestInteractionRule service, ServiceReference<GuestInteractionRule> ref) {
        track(Kind.GUEST_RULE, service, ref);
    }

    void removeGuestInteractionRule(GuestInteractionRule service, ServiceReference<GuestInteractionRule> ref) {
        untrack(Kind.GUEST_RULE, ref);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "removeProxyRule")
    void addProxyRule(ProxyRule service, ServiceReference<ProxyRule> ref) {
        track(Kind.PROXY_RULE, service, ref);
    }

    void removeProxyRule(ProxyRule service, ServiceReference<ProxyRule> ref) {
        untrack(Kind.PROXY_RULE, ref);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "removeTransportModeProvider")
    void addTransportModeProvider(TransportModeProvider service, ServiceReference<TransportModeProvider> ref) {
        track(Kind.TRANSPORT, service, ref);
    }

    void removeTransportModeProvider(TransportModeProvider service, ServiceReference<TransportModeProvider> ref) {
        untrack(Kind.TRANSPORT, ref);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "removeReadinessCheck")
    void addReadinessCheck(ReadinessCheck service, ServiceReference<ReadinessCheck> ref) {
        track(Kind.CHECK, service, ref);
    }

    void removeReadinessCheck(ReadinessCheck service, ServiceReference<ReadinessCheck> ref) {
        untrack(Kind.CHECK, ref);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "removeJobValidator")
    void addJobValidator(JobValidator service, ServiceReference<JobValidator> ref) {
        track(Kind.VALIDATOR, service, ref);
    }

    void removeJobValidator(JobValidator service, ServiceReference<JobValidator> ref) {
        untrack(Kind.VALIDATOR, ref);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "removeStorageSnapshotProvider")
    void addStorageSnapshotProvider(StorageSnapshotProvider service, ServiceReference<StorageSnapshotProvider> ref) {
        track(Kind.STORAGE_SNAPSHOTS, service, ref);
    }

    void removeStorageSnapshotProvider(StorageSnapshotProvider service,
            ServiceReference<StorageSnapshotProvider> ref) {
        untrack(Kind.STORAGE_SNAPSHOTS, ref);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "removePointInTimeProvider")
    void addPointInTimeProvider(PointInTimeProvider service, ServiceReference<PointInTimeProvider> ref) {
        track(Kind.POINT_IN_TIME, service, ref);
    }

    void removePointInTimeProvider(PointInTimeProvider service, ServiceReference<PointInTimeProvider> ref) {
        untrack(Kind.POINT_IN_TIME, ref);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unsetJobService")
    void setJobService(JobService service) {
        jobs.set(service);
    }

    void unsetJobService(JobService service) {
        jobs.compareAndSet(service, null);
    }

    private void track(Kind kind, Object service, ServiceReference<?> ref) {
        PluginOrigin origin = PluginOrigin.of(ref);
        plugins.add(serviceId(ref), kind, service, origin);
        LOG.debug("Tracking {} {} from {}", kind, service, origin.bundle());
    }

    private void untrack(Kind kind, ServiceReference<?> ref) {
        plugins.remove(serviceId(ref), kind);
    }

    private static long serviceId(ServiceReference<?> ref) {
        return (Long) ref.getProperty(Constants.SERVICE_ID);
    }

    /** For tests and embedding: registers a plugin service as the whiteboard would. */
    void register(long serviceId, Kind kind, Object service, PluginOrigin origin) {
        plugins.add(serviceId, kind, service, origin);
    }

    void unregister(long serviceId, Kind kind) {
        plugins.remove(serviceId, kind);
    }

    // --- SelectionService --------------------------------------------------------------------

    /** The catalog's audit log, when the inventory runs: refused calls are recorded there. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindAuditLog")
    void bindAuditLog(AuditLog log) {
        this.auditLog = log;
    }

    void unbindAuditLog(AuditLog log) {
        this.auditLog = AuditLog.NONE;
    }

    @Override
    public Plan planJob(String jobNameOrId, Load load) {
        audit.read(FerryRole.VIEWER, "select");
        Objects.requireNonNull(jobNameOrId, "jobNameOrId");
        JobService js = jobs.get();
        if (js == null) {
            throw new FerryException("Cannot plan job '" + jobNameOrId + "': jobs are unavailable because no job"
                    + " service is running; single VMs can still be planned");
        }
        Job job = js.job(jobNameOrId).orElseThrow(() -> NotFoundException.of("job", jobNameOrId, "ferry:job-list"));
        return planner(plugins.snapshot()).plan(job.spec(), inventory.snapshot(), load, Set.of());
    }

    @Override
    public Plan planVm(String vmNameOrId, Load load) {
        audit.read(FerryRole.VIEWER, "select");
        Objects.requireNonNull(vmNameOrId, "vmNameOrId");
        InventorySnapshot snapshot = inventory.snapshot();
        VirtualMachine vm = findVm(snapshot, vmNameOrId)
                .orElseThrow(() -> NotFoundException.of("VM", vmNameOrId, "ferry:vm-list"));
        return planner(plugins.snapshot()).plan(automaticJob(vm, snapshot), snapshot, load, Set.of());
    }

    @Override
    public Plan plan(JobSpec job, InventorySnapshot inventorySnapshot, Load load, Set<String> failedTransportModes) {
        audit.read(FerryRole.VIEWER, "select");
        return planner(plugins.snapshot()).plan(job, inventorySnapshot, load, failedTransportModes);
    }

    @Override
    public WhatIf whatIf(String jobOrVm, Scenario scenario, Load load) {
        audit.read(FerryRole.VIEWER, "select");
        Objects.requireNonNull(jobOrVm, "jobOrVm");
        Objects.requireNonNull(scenario, "scenario");
        InventorySnapshot snapshot = inventory.snapshot();
        JobSpec job = jobOrVm(jobOrVm, snapshot);
        PluginSet set = plugins.snapshot();
        Planner planner = planner(set);
        Plan before = planner.plan(job, snapshot, load, Set.of());
        checkFailedModes(scenario, set, before);
        WhatIfScenario.Applied changed = WhatIfScenario.apply(scenario, snapshot, job);
        Plan after = planner.plan(changed.job(), changed.inventory(), load, scenario.failedTransportModes());
        return new WhatIf(scenario, before, after, PlanDiff.between(before, after));
    }

    @Override
    public List<ReadinessReport> check(Optional<String> server) {
        audit.read(FerryRole.VIEWER, "check");
        Objects.requireNonNull(server, "server");
        InventorySnapshot snapshot = inventory.snapshot();
        List<ManagedServer> servers = new ArrayList<>();
        if (server.isPresent()) {
            String key = server.get().strip();
            servers.add(snapshot.servers().stream()
                    .filter(s -> s.name().equalsIgnoreCase(key) || s.id().equalsIgnoreCase(key)).findFirst()
                    .orElseThrow(() -> NotFoundException.of("server", key, "ferry:server-list")));
        } else {
            servers.addAll(snapshot.servers());
            servers.sort(ManagedServer.BY_NAME);
        }
        return ReadinessChecker.check(servers, snapshot, plugins.snapshot());
    }

    @Override
    public List<PluginInfo> plugins() {
        audit.read(FerryRole.VIEWER, "plugins");
        List<PluginInfo> registered = plugins.infos();
        return catalog.map(c -> c.plugins(registered)).orElse(registered);
    }

    // --- helpers -----------------------------------------------------------------------------

    private Planner planner(PluginSet set) {
        return new Planner(set, fullCandidateLimit, executor, threads);
    }

    private JobSpec jobOrVm(String name, InventorySnapshot snapshot) {
        JobService js = jobs.get();
        if (js != null) {
            Optional<Job> job = js.job(name);
            if (job.isPresent()) {
                return job.get().spec();
            }
        }
        Optional<VirtualMachine> vm = findVm(snapshot, name);
        if (vm.isPresent()) {
            return automaticJob(vm.get(), snapshot);
        }
        throw new NotFoundException(js != null
                ? "No job or VM named '" + name + "' (see ferry:job-list, ferry:vm-list)"
                : "No VM named '" + name + "' (see ferry:vm-list); jobs are unavailable because no job service is running");
    }

    /**
     * How a single VM is planned: an automatic job with application-aware guest processing,
     * backing up to the backup server, on the platform of the VM's host.
     */
    static JobSpec automaticJob(VirtualMachine vm, InventorySnapshot snapshot) {
        PlatformHost host = snapshot.host(vm.spec().host()).orElseThrow(() -> new FerryException("VM '" + vm.name()
                + "' runs on host '" + vm.spec().host() + "', which is not in the inventory; add the host first"));
        String repository = snapshot.servers().stream().filter(s -> s.hasRole(RoleType.BACKUP_SERVER))
                .map(ManagedServer::name).findFirst()
                .orElseThrow(() -> new FerryException("The inventory has no backup server; Ferry registers it at"
                        + " start-up (see ferry:server-list)"));
        Platform platform = host.kind().platform();
        return new JobSpec(vm.name(), platform, List.of(vm.name()), repository, ServerChoice.AUTOMATIC,
                TransportChoice.AUTOMATIC, new GuestProcessing(true, false, false, ServerChoice.AUTOMATIC),
                platform == Platform.HYPERV);
    }

    private static Optional<VirtualMachine> findVm(InventorySnapshot snapshot, String nameOrId) {
        String key = nameOrId.strip();
        return snapshot.vm(key).or(() -> snapshot.vms().stream().filter(v -> v.id().equalsIgnoreCase(key)).findFirst());
    }

    /** A failed mode must be one a plugin offers or the plan uses (e.g. a fallback mode): catches typos. */
    private static void checkFailedModes(Scenario scenario, PluginSet set, Plan before) {
        Set<String> known = new TreeSet<>();
        set.transportModes().forEach(t -> known.add(t.mode()));
        before.disks().forEach(d -> d.transportMode().ifPresent(known::add));
        for (String mode : scenario.failedTransportModes()) {
            String id = Scenario.transportModeId(mode);
            if (!known.contains(id)) {
                throw new ValidationException("what-if", "'fail-transport " + mode + "': no installed plugin offers"
                        + " transport mode '" + id + "'" + (known.isEmpty() ? "" : " (known: "
                        + String.join(", ", known) + ")"));
            }
        }
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = Caller.asSystem(() -> new Thread(r, "ferry-planner-" + n.incrementAndGet())); // no user Subject
            t.setDaemon(true);
            return t;
        };
    }
}
