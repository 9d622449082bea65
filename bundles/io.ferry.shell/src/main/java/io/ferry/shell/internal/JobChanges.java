package io.ferry.shell.internal;

import io.ferry.api.ValidationException;
import io.ferry.api.inventory.Platform;
import io.ferry.api.job.GuestProcessing;
import io.ferry.api.job.JobSpec;
import io.ferry.api.job.Schedule;
import io.ferry.api.job.ServerChoice;
import io.ferry.api.job.TransportChoice;
import io.ferry.api.repository.RetentionPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The options of {@code ferry:job-update}, applied to a {@link JobSpec}. A value left null
 * (or a flag left false) keeps the field. {@code --vm}, {@code --proxy} and
 * {@code --guest-proxy} replace the whole list; {@code --add-vm} and {@code --remove-vm}
 * change single VMs. Settings that do not exist on a new platform are reset: the transport
 * mode outside VMware, on-host fallback outside Hyper-V (on again when a job becomes a
 * Hyper-V job). The schedule and the retention rules not given are kept.
 */
final class JobChanges {
    private String rename;
    private String platform;
    private List<String> vms;
    private List<String> addVms;
    private List<String> removeVms;
    private String repository;
    private List<String> proxies;
    private boolean autoProxy;
    private String transportMode;
    private boolean noFailover;
    private boolean failover;
    private Boolean applicationAware;
    private Boolean indexing;
    private Boolean logProcessing;
    private List<String> guestProxies;
    private boolean autoGuestProxy;
    private Boolean onHostFallback;
    private String schedule;
    private Integer keepLast;
    private Integer keepDaily;
    private Integer keepWeekly;
    private Integer keepMonthly;

    JobChanges rename(String v) { rename = v; return this; }
    JobChanges platform(String v) { platform = v; return this; }
    JobChanges vms(List<String> v) { vms = v; return this; }
    JobChanges addVms(List<String> v) { addVms = v; return this; }
    JobChanges removeVms(List<String> v) { removeVms = v; return this; }
    JobChanges repository(String v) { repository = v; return this; }
    JobChanges proxies(List<String> v) { proxies = v; return this; }
    JobChanges autoProxy(boolean v) { autoProxy = v; return this; }
    JobChanges transportMode(String v) { transportMode = v; return this; }
    JobChanges noFailover(boolean v) { noFailover = v; return this; }
    JobChanges failover(boolean v) { failover = v; return this; }
    JobChanges applicationAware(Boolean v) { applicationAware = v; return this; }
    JobChanges indexing(Boolean v) { indexing = v; return this; }
    JobChanges logProcessing(Boolean v) { logProcessing = v; return this; }
    JobChanges guestProxies(List<String> v) { guestProxies = v; return this; }
    JobChanges autoGuestProxy(boolean v) { autoGuestProxy = v; return this; }
    JobChanges onHostFallback(Boolean v) { onHostFallback = v; return this; }
    JobChanges schedule(String v) { schedule = v; return this; }
    JobChanges keepLast(Integer v) { keepLast = v; return this; }
    JobChanges keepDaily(Integer v) { keepDaily = v; return this; }
    JobChanges keepWeekly(Integer v) { keepWeekly = v; return this; }
    JobChanges keepMonthly(Integer v) { keepMonthly = v; return this; }

    /** True if no option was given. */
    boolean isEmpty() {
        return rename == null && platform == null && vms == null && absent(addVms) && absent(removeVms)
                && repository == null && proxies == null && !autoProxy && transportMode == null && !noFailover
                && !failover && applicationAware == null && indexing == null && logProcessing == null
                && guestProxies == null && !autoGuestProxy && onHostFallback == null && schedule == null
                && keepLast == null && keepDaily == null && keepWeekly == null && keepMonthly == null;
    }

    /** {@code current} with the options applied. */
    JobSpec applyTo(JobSpec current) {
        Arguments.notBoth(proxies != null, "--proxy", autoProxy, "--auto-proxy");
        Arguments.notBoth(guestProxies != null, "--guest-proxy", autoGuestProxy, "--auto-guest-proxy");
        Arguments.notBoth(noFailover, "--no-failover", failover, "--failover");
        Platform target = platform == null ? current.platform() : JobOptions.platform(platform);
        boolean platformChanged = target != current.platform();
        JobOptions.onlyFor(Platform.VMWARE, target, transportMode != null, "--transport-mode");
        JobOptions.onlyFor(Platform.VMWARE, target, noFailover, "--no-failover");
        JobOptions.onlyFor(Platform.VMWARE, target, failover, "--failover");
        JobOptions.onlyFor(Platform.HYPERV, target, onHostFallback != null,
                Boolean.FALSE.equals(onHostFallback) ? "--no-on-host-fallback" : "--on-host-fallback");

        TransportChoice transport = target != Platform.VMWARE ? TransportChoice.AUTOMATIC
                : JobOptions.transport(current.transport(), transportMode, noFailover, failover);
        boolean onHost = target == Platform.HYPERV
                && (onHostFallback != null ? onHostFallback : platformChanged || current.onHostFallback());
        GuestProcessing gp = current.guestProcessing();
        ServerChoice proxyChoice = autoProxy ? ServerChoice.AUTOMATIC
                : proxies != null ? JobOptions.servers(proxies, "--proxy") : current.proxies();
        ServerChoice guestChoice = autoGuestProxy ? ServerChoice.AUTOMATIC
                : guestProxies != null ? JobOptions.servers(guestProxies, "--guest-proxy") : gp.guestProxies();
        List<String> scope = scope(current);
        Schedule when = schedule == null ? current.schedule() : JobOptions.schedule(schedule);
        RetentionPolicy retention = JobOptions.retention(current.retention(), keepLast, keepDaily, keepWeekly,
                keepMonthly);
        return SpecErrors.asOptions(JobOptions.UPDATE_OPTIONS, () -> new JobSpec(
                rename == null ? current.name() : rename, target, scope,
                repository == null ? current.repository() : repository, proxyChoice, transport,
                new GuestProcessing(orElse(applicationAware, gp.applicationAware()), orElse(indexing, gp.indexing()),
                        orElse(logProcessing, gp.logProcessing()), guestChoice),
                onHost, when, retention));
    }

    /** The VMs: replaced by --vm, then --add-vm appended and --remove-vm taken out (names ignoring case). */
    private List<String> scope(JobSpec current) {
        List<String> out = new ArrayList<>(vms == null ? current.vms() : Arguments.nonBlank(vms));
        for (String vm : Arguments.nonBlank(addVms)) {
            if (indexOf(out, vm) >= 0) {
                throw new ValidationException("--add-vm", "VM '" + vm + "' is in job '" + current.name()
                        + "' already");
            }
            out.add(vm);
        }
        for (String vm : Arguments.nonBlank(removeVms)) {
            int at = indexOf(out, vm);
            if (at < 0) {
                throw new ValidationException("--remove-vm", "VM '" + vm + "' is not in job '" + current.name()
                        + "'; it backs up " + Display.list(out));
            }
            out.remove(at);
        }
        if (out.isEmpty()) {
            throw new ValidationException(absent(removeVms) ? "--vm" : "--remove-vm", "would leave job '" + current.name() + "' without VMs; a"
                    + " job needs at least one (delete it with ferry:job-delete " + current.name() + ")");
        }
        return out;
    }

    private static int indexOf(List<String> names, String name) {
        String wanted = name.toLowerCase(Locale.ROOT);
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).toLowerCase(Locale.ROOT).equals(wanted)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean orElse(Boolean value, boolean current) {
        return value == null ? current : value;
    }

    private static boolean absent(List<String> values) {
        return values == null || values.isEmpty();
    }
}
