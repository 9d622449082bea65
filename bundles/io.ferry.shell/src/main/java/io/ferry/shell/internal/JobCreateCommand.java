package io.ferry.shell.internal;

import io.ferry.api.ValidationException;
import io.ferry.api.inventory.InventoryService;
import io.ferry.api.inventory.Platform;
import io.ferry.api.job.GuestProcessing;
import io.ferry.api.job.Job;
import io.ferry.api.job.JobService;
import io.ferry.api.job.JobSpec;
import io.ferry.api.job.Schedule;
import io.ferry.api.job.TransportChoice;
import io.ferry.api.repository.RetentionPolicy;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Service
@Command(scope = "ferry", name = "job-create", description = "Defines a backup job: VMs, repository, proxies,"
        + " transport mode, guest processing, schedule and retention.",
        detailedDescription = """
                Saves a job after checking it: every VM exists and runs on the job's
                platform, the repository holds the repository role, each --proxy holds
                the platform's proxy role (vmware-proxy, hyperv-offhost-proxy, or
                general-purpose-proxy for Proxmox VE), each --guest-proxy is a managed
                server. Installed plugins check their own rules too, e.g. a Proxmox VE
                job with Windows VMs needs a Windows server (seed 000).

                Without --proxy the proxies are chosen automatically; without
                --guest-proxy so is the guest interaction proxy. --platform defaults to
                the platform of the first VM's host. --transport-mode and --no-failover
                apply to VMware jobs, --no-on-host-fallback to Hyper-V jobs (which fall
                back to on-host backup by default).

                --schedule says when the job runs by itself: manual (the default: only
                when started), 'daily HH:MM', 'weekly DAY[,DAY...] HH:MM' (mon tue wed thu
                fri sat sun) or 'cron EXPRESSION' (Quartz: seconds minutes hours
                day-of-month month day-of-week [year]); times are the server's. After
                each run, the backups of each disk beyond the retention are pruned: a
                backup is kept when any --keep-* rule keeps it. Without --keep-* options
                a job keeps the last 7; --keep-daily and the others are added to that
                (give --keep-last 0 to keep only by day, week or month).

                Examples:
                  ferry:job-create --vm web-01 --vm web-02 --repository repo-01 web-nightly
                  ferry:job-create --vm sql-01 --repository repo-01 --proxy px-01 --proxy px-02 --transport-mode direct-storage-access --no-failover --application-aware --log-processing sql-nightly
                  ferry:job-create --platform proxmox --vm dc-01 --repository repo-01 --application-aware --indexing --guest-proxy win-gip-01 dc-daily
                  ferry:job-create --vm dc-01 --repository repo-01 --schedule "weekly mon,thu 21:30" --keep-last 3 --keep-daily 14 --keep-monthly 12 dc-twice-weekly""")
public class JobCreateCommand implements Action {

    @Reference
    private JobService jobs;

    @Reference
    private InventoryService inventory;

    @Argument(index = 0, name = "NAME", required = true,
            description = "Unique name of the job: letters, digits, '.', '_' or '-', e.g. web-nightly")
    private String name;

    @Option(name = "--platform", description = "vmware, hyperv or proxmox; by default the platform of the first"
            + " VM's host")
    @Completion(PlatformCompleter.class)
    private String platform;

    @Option(name = "--vm", required = true, multiValued = true,
            description = "A VM to back up (name or id); repeat for each VM, in the order to process them")
    @Completion(VmNameCompleter.class)
    private List<String> vms;

    @Option(name = "--repository", required = true, description = "The server holding the repository role that"
            + " stores the backups")
    @Completion(ServerNameCompleter.class)
    private String repository;

    @Option(name = "--proxy", multiValued = true, description = "Use only this backup proxy; repeatable. Without"
            + " it, proxies are chosen automatically")
    @Completion(ServerNameCompleter.class)
    private List<String> proxies;

    @Option(name = "--transport-mode", description = "VMware: auto (default: direct storage access, then virtual"
            + " appliance, then network), direct-storage-access, virtual-appliance or network")
    @Completion(TransportModeCompleter.class)
    private String transportMode;

    @Option(name = "--no-failover", description = "VMware, fixed --transport-mode: do not fall back to network"
            + " mode when the fixed mode is not available")
    private boolean noFailover;

    @Option(name = "--application-aware", description = "Application-aware processing: transactionally consistent"
            + " backups of the applications in the guest")
    private boolean applicationAware;

    @Option(name = "--indexing", description = "Index the guest file systems")
    private boolean indexing;

    @Option(name = "--log-processing", description = "Process transaction logs (needs --application-aware)")
    private boolean logProcessing;

    @Option(name = "--guest-proxy", multiValued = true, description = "Prefer this guest interaction proxy"
            + " server; repeatable. Without it, the guest interaction proxy is chosen automatically")
    @Completion(ServerNameCompleter.class)
    private List<String> guestProxies;

    @Option(name = "--no-on-host-fallback", description = "Hyper-V: fail instead of backing up on-host when no"
            + " off-host proxy is suitable")
    private boolean noOnHostFallback;

    @Option(name = "--schedule", description = "When the job runs by itself: manual (default), 'daily HH:MM',"
            + " 'weekly DAY[,DAY...] HH:MM' or 'cron EXPRESSION' (quote it: it has spaces)")
    private String schedule;

    @Option(name = "--keep-last", description = "Keep the newest N backups of each disk (default 7)")
    private Integer keepLast;

    @Option(name = "--keep-daily", description = "Also keep the newest backup of each of the last N days that have"
            + " backups (default 0)")
    private Integer keepDaily;

    @Option(name = "--keep-weekly", description = "Also keep the newest backup of each of the last N weeks that"
            + " have backups (default 0)")
    private Integer keepWeekly;

    @Option(name = "--keep-monthly", description = "Also keep the newest backup of each of the last N months that"
            + " have backups (default 0)")
    private Integer keepMonthly;

    @Override
    public Object execute() {
        List<String> scope = Arguments.nonBlank(vms);
        if (scope.isEmpty()) {
            throw new ValidationException("--vm", "a job needs at least one VM in scope");
        }
        Platform target = platform != null ? JobOptions.platform(platform) : JobOptions.platformOf(scope.get(0), inventory);
        JobOptions.onlyFor(Platform.VMWARE, target, transportMode != null, "--transport-mode");
        JobOptions.onlyFor(Platform.VMWARE, target, noFailover, "--no-failover");
        JobOptions.onlyFor(Platform.HYPERV, target, noOnHostFallback, "--no-on-host-fallback");
        TransportChoice transport = target == Platform.VMWARE ? JobOptions.transport(transportMode, noFailover)
                : TransportChoice.AUTOMATIC;
        Schedule when = schedule == null ? Schedule.MANUAL : JobOptions.schedule(schedule);
        RetentionPolicy retention = JobOptions.retention(JobSpec.DEFAULT_RETENTION, keepLast, keepDaily, keepWeekly,
                keepMonthly);
        JobSpec spec = SpecErrors.asOptions(JobOptions.CREATE_OPTIONS, () -> new JobSpec(name, target, scope,
                repository, JobOptions.servers(proxies, "--proxy"), transport, new GuestProcessing(applicationAware,
                        indexing, logProcessing, JobOptions.servers(guestProxies, "--guest-proxy")),
                target == Platform.HYPERV && !noOnHostFallback, when, retention));
        Job created = SpecErrors.asOptions(JobOptions.CREATE_OPTIONS, () -> jobs.createJob(spec));
        System.out.println("Created job '" + created.name() + "' (id " + created.id() + ", "
                + JobDisplay.summary(created.spec()) + ")");
        return null;
    }
}
