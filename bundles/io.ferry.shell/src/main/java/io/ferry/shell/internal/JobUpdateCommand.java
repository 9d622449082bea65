package io.ferry.shell.internal;

import io.ferry.api.ConflictException;
import io.ferry.api.NotFoundException;
import io.ferry.api.ValidationException;
import io.ferry.api.job.Job;
import io.ferry.api.job.JobService;
import io.ferry.api.job.JobSpec;
import java.util.List;
import java.util.Optional;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Service
@Command(scope = "ferry", name = "job-update", description = "Changes a backup job definition.",
        detailedDescription = """
                Reads the job, applies the options and saves it with the same checks as
                ferry:job-create. Options not given keep their value. --vm, --proxy and
                --guest-proxy replace the whole list; --add-vm and --remove-vm change one
                VM; --auto-proxy and --auto-guest-proxy go back to automatic choice.
                Switches come in pairs (--indexing / --no-indexing, ...). A new
                --platform resets what does not exist there: the transport mode outside
                VMware, on-host fallback outside Hyper-V. --schedule replaces the schedule
                (--schedule manual: only when started); each --keep-* option changes that
                rule of the retention and keeps the others.

                The update is refused if someone changed the job in between; pass
                --expected-version with the version ferry:job-show printed to make sure
                you change exactly what you looked at.

                Examples:
                  ferry:job-update --add-vm web-03 --remove-vm web-01 web-nightly
                  ferry:job-update --proxy px-01 --proxy px-02 --transport-mode virtual-appliance web-nightly
                  ferry:job-update --auto-proxy --application-aware --guest-proxy win-gip-01 --expected-version 3 web-nightly
                  ferry:job-update --schedule "cron 0 30 22 ? * MON-FRI" --keep-last 0 --keep-daily 30 web-nightly""")
public class JobUpdateCommand implements Action {

    @Reference
    private JobService jobs;

    @Argument(index = 0, name = "NAME", required = true, description = "Name or id of the job to change")
    @Completion(JobNameCompleter.class)
    private String name;

    @Option(name = "--rename", description = "New unique name for the job")
    private String rename;

    @Option(name = "--platform", description = "vmware, hyperv or proxmox")
    @Completion(PlatformCompleter.class)
    private String platform;

    @Option(name = "--vm", multiValued = true, description = "Replace the VMs with these; repeatable, in order")
    @Completion(VmNameCompleter.class)
    private List<String> vms;

    @Option(name = "--add-vm", multiValued = true, description = "Back up one more VM (added last); repeatable")
    @Completion(VmNameCompleter.class)
    private List<String> addVms;

    @Option(name = "--remove-vm", multiValued = true, description = "Stop backing up a VM; repeatable")
    @Completion(VmNameCompleter.class)
    private List<String> removeVms;

    @Option(name = "--repository", description = "The server holding the repository role to store the backups")
    @Completion(ServerNameCompleter.class)
    private String repository;

    @Option(name = "--proxy", multiValued = true, description = "Replace the backup proxies with these; repeatable")
    @Completion(ServerNameCompleter.class)
    private List<String> proxies;

    @Option(name = "--auto-proxy", description = "Choose the backup proxies automatically")
    private boolean autoProxy;

    @Option(name = "--transport-mode", description = "VMware: auto, direct-storage-access, virtual-appliance or"
            + " network")
    @Completion(TransportModeCompleter.class)
    private String transportMode;

    @Option(name = "--no-failover", description = "VMware, fixed mode: do not fall back to network mode")
    private boolean noFailover;

    @Option(name = "--failover", description = "VMware, fixed mode: fall back to network mode when the fixed mode"
            + " is not available")
    private boolean failover;

    @Option(name = "--application-aware", description = "Turn application-aware processing on")
    private boolean applicationAware;

    @Option(name = "--no-application-aware", description = "Turn application-aware processing off")
    private boolean noApplicationAware;

    @Option(name = "--indexing", description = "Turn guest file system indexing on")
    private boolean indexing;

    @Option(name = "--no-indexing", description = "Turn guest file system indexing off")
    private boolean noIndexing;

    @Option(name = "--log-processing", description = "Turn transaction log processing on (needs application-aware"
            + " processing)")
    private boolean logProcessing;

    @Option(name = "--no-log-processing", description = "Turn transaction log processing off")
    private boolean noLogProcessing;

    @Option(name = "--guest-proxy", multiValued = true, description = "Replace the preferred guest interaction"
            + " proxies with these; repeatable")
    @Completion(ServerNameCompleter.class)
    private List<String> guestProxies;

    @Option(name = "--auto-guest-proxy", description = "Choose the guest interaction proxy automatically")
    private boolean autoGuestProxy;

    @Option(name = "--on-host-fallback", description = "Hyper-V: back up on-host when no off-host proxy is suitable")
    private boolean onHostFallback;

    @Option(name = "--no-on-host-fallback", description = "Hyper-V: fail instead of backing up on-host")
    private boolean noOnHostFallback;

    @Option(name = "--schedule", description = "When the job runs by itself: manual, 'daily HH:MM',"
            + " 'weekly DAY[,DAY...] HH:MM' or 'cron EXPRESSION' (quote it: it has spaces)")
    private String schedule;

    @Option(name = "--keep-last", description = "Keep the newest N backups of each disk")
    private Integer keepLast;

    @Option(name = "--keep-daily", description = "Keep the newest backup of each of the last N days that have backups")
    private Integer keepDaily;

    @Option(name = "--keep-weekly", description = "Keep the newest backup of each of the last N weeks that have"
            + " backups")
    private Integer keepWeekly;

    @Option(name = "--keep-monthly", description = "Keep the newest backup of each of the last N months that have"
            + " backups")
    private Integer keepMonthly;

    @Option(name = "--expected-version", description = "Refuse the update unless the job is still at this version"
            + " (from ferry:job-show); by default the version read just before the update")
    private Long expectedVersion;

    @Override
    public Object execute() {
        JobChanges changes = new JobChanges().rename(rename).platform(platform).vms(vms).addVms(addVms)
                .removeVms(removeVms).repository(repository).proxies(proxies).autoProxy(autoProxy)
                .transportMode(transportMode).noFailover(noFailover).failover(failover)
                .applicationAware(flag(applicationAware, "--application-aware", noApplicationAware,
                        "--no-application-aware"))
                .indexing(flag(indexing, "--indexing", noIndexing, "--no-indexing"))
                .logProcessing(flag(logProcessing, "--log-processing", noLogProcessing, "--no-log-processing"))
                .guestProxies(guestProxies).autoGuestProxy(autoGuestProxy)
                .onHostFallback(flag(onHostFallback, "--on-host-fallback", noOnHostFallback, "--no-on-host-fallback"))
                .schedule(schedule).keepLast(keepLast).keepDaily(keepDaily).keepWeekly(keepWeekly)
                .keepMonthly(keepMonthly);
        if (changes.isEmpty()) {
            throw new ValidationException("", "Nothing to change for job '" + name + "': give at least one option"
                    + " (see ferry:job-update --help)");
        }
        Job current = jobs.job(name).orElseThrow(() -> NotFoundException.of("job", name, "ferry:job-list"));
        JobSpec spec = changes.applyTo(current.spec());
        long version = expectedVersion != null ? expectedVersion : current.version();
        if (spec.equals(current.spec()) && version == current.version()) {
            System.out.println("Job '" + current.name() + "' already has these settings (version "
                    + current.version() + "); nothing changed");
            return null;
        }
        Job updated = update(current, version, spec);
        System.out.println("Updated job '" + updated.name() + "' (version " + updated.version() + ", "
                + JobDisplay.summary(updated.spec()) + ")");
        return null;
    }

    /** True for the on switch, false for the off switch, null when neither is given. */
    private static Boolean flag(boolean on, String onOption, boolean off, String offOption) {
        Arguments.notBoth(on, onOption, off, offOption);
        return on || off ? on : null;
    }

    private Job update(Job current, long version, JobSpec spec) {
        try {
            return SpecErrors.asOptions(JobOptions.UPDATE_OPTIONS, () -> jobs.updateJob(current.id(), version, spec));
        } catch (ConflictException e) {
            Optional<Job> now = jobs.job(current.id());
            if (now.isPresent() && now.get().version() != version) {
                throw new ConflictException("Job '" + current.name() + "' is at version " + now.get().version()
                        + ", not " + version + ": it was changed since it was read. Nothing was written; re-read it"
                        + " with ferry:job-show " + current.name() + " and repeat the update.");
            }
            throw e;
        }
    }
}
