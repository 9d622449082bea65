package io.ferry.shell.internal;

import io.ferry.api.ValidationException;
import io.ferry.api.inventory.InventoryService;
import io.ferry.api.inventory.Platform;
import io.ferry.api.inventory.PlatformHost;
import io.ferry.api.inventory.TransportMode;
import io.ferry.api.inventory.VirtualMachine;
import io.ferry.api.job.Schedule;
import io.ferry.api.job.ServerChoice;
import io.ferry.api.job.TransportChoice;
import io.ferry.api.repository.RetentionPolicy;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Parsing of the options {@code ferry:job-create} and {@code ferry:job-update} share; errors
 * name the option.
 */
final class JobOptions {

    /** {@link io.ferry.api.job.JobSpec} fields (and the job service's field paths) as job-create's options. */
    static final Map<String, String> CREATE_OPTIONS = Map.ofEntries(
            Map.entry("name", "NAME"), Map.entry("platform", "--platform"), Map.entry("vms", "--vm"),
            Map.entry("repository", "--repository"), Map.entry("proxies", "--proxy"),
            Map.entry("transport", "--transport-mode"), Map.entry("transportMode", "--transport-mode"),
            Map.entry("guestProcessing", "--guest-proxy"), Map.entry("logProcessing", "--log-processing"),
            Map.entry("onHostFallback", "--no-on-host-fallback"), Map.entry("schedule", "--schedule"),
            Map.entry("keepLast", "--keep-last"), Map.entry("keepDaily", "--keep-daily"),
            Map.entry("keepWeekly", "--keep-weekly"), Map.entry("keepMonthly", "--keep-monthly"));

    /** In an update the name changes only through {@code --rename}. */
    static final Map<String, String> UPDATE_OPTIONS = with(with(CREATE_OPTIONS, "name", "--rename"),
            "onHostFallback", "--on-host-fallback");

    private JobOptions() {
    }

    private static Map<String, String> with(Map<String, String> base, String field, String option) {
        HashMap<String, String> out = new HashMap<>(base);
        out.put(field, option);
        return Map.copyOf(out);
    }

    /** The schedule given by {@code --schedule}; its errors name the option. */
    static Schedule schedule(String text) {
        try {
            return Schedule.parse(text);
        } catch (ValidationException e) {
            throw new ValidationException("--schedule", e.problem());
        }
    }

    /**
     * {@code base} with the {@code --keep-*} options given (null: keep the base's value). A
     * retention that would keep nothing is refused naming the first option set to 0.
     */
    static RetentionPolicy retention(RetentionPolicy base, Integer last, Integer daily, Integer weekly,
            Integer monthly) {
        try {
            return new RetentionPolicy(orElse(last, base.keepLast()), orElse(daily, base.keepDaily()),
                    orElse(weekly, base.keepWeekly()), orElse(monthly, base.keepMonthly()));
        } catch (ValidationException e) {
            if (!e.field().equals("retention")) {
                throw SpecErrors.renamed(e, CREATE_OPTIONS);
            }
            String option = last != null ? "--keep-last" : daily != null ? "--keep-daily"
                    : weekly != null ? "--keep-weekly" : monthly != null ? "--keep-monthly" : "--keep-last";
            throw new ValidationException(option, "the job would keep no backups: set at least one of --keep-last,"
                    + " --keep-daily, --keep-weekly, --keep-monthly above 0");
        }
    }

    private static int orElse(Integer value, int current) {
        return value == null ? current : value;
    }

    static Platform platform(String text) {
        return EnumNames.parse(Platform.class, text, "--platform");
    }

    /** The platform of the host running {@code vmName}: job-create's default for --platform. */
    static Platform platformOf(String vmName, InventoryService inventory) {
        VirtualMachine vm = inventory.vm(vmName).orElseThrow(() -> new ValidationException("--vm",
                "No VM named '" + vmName + "' (see ferry:vm-list)"));
        PlatformHost host = inventory.host(vm.spec().host()).orElseThrow(() -> new ValidationException("--platform",
                "cannot be taken from VM '" + vm.name() + "': its host '" + vm.spec().host() + "' is not in the"
                        + " inventory; give --platform"));
        return host.kind().platform();
    }

    /** Automatic for no names (or only empty ones), else "prefer the following servers". */
    static ServerChoice servers(List<String> names, String option) {
        List<String> given = Arguments.nonBlank(names);
        if (given.isEmpty()) {
            return ServerChoice.AUTOMATIC;
        }
        try {
            return ServerChoice.preferred(given);
        } catch (ValidationException e) {
            throw new ValidationException(option, e.problem());
        }
    }

    /**
     * The transport choice of a new VMware job.
     *
     * @param mode       {@code auto} or a fixable mode; null when not given
     * @param noFailover do not fall back to network mode
     */
    static TransportChoice transport(String mode, boolean noFailover) {
        Optional<TransportMode> fixed = fixedMode(mode);
        checkFailover(fixed, noFailover);
        return new TransportChoice(fixed, !noFailover);
    }

    /**
     * {@code current} changed by job-update's options: a new fixed mode keeps the failover
     * setting unless --failover or --no-failover is given; auto mode always may fail over.
     */
    static TransportChoice transport(TransportChoice current, String mode, boolean noFailover, boolean failover) {
        Optional<TransportMode> fixed = mode == null ? current.fixedMode() : fixedMode(mode);
        checkFailover(fixed, noFailover);
        if (noFailover || failover) {
            return new TransportChoice(fixed, failover);
        }
        boolean keep = current.fixedMode().isPresent() ? current.failoverToNetwork() : true;
        return new TransportChoice(fixed, fixed.isEmpty() || keep);
    }

    private static void checkFailover(Optional<TransportMode> fixed, boolean noFailover) {
        if (fixed.isEmpty() && noFailover) {
            throw new ValidationException("--no-failover", "applies only to a fixed --transport-mode: in auto mode"
                    + " the job may always fall back to network mode");
        }
        if (fixed.equals(Optional.of(TransportMode.NETWORK)) && noFailover) {
            throw new ValidationException("--no-failover", "means nothing with --transport-mode network");
        }
    }

    /** {@code auto} (or null) is empty; otherwise a mode an administrator may fix (seed 003). */
    static Optional<TransportMode> fixedMode(String text) {
        if (text == null || text.strip().equalsIgnoreCase(RoleRequest.AUTO)) {
            return Optional.empty();
        }
        TransportMode mode;
        try {
            mode = EnumNames.parse(TransportMode.class, text, "--transport-mode");
        } catch (ValidationException e) {
            throw new ValidationException("--transport-mode", "'" + text.strip() + "' is not one of: "
                    + String.join(", ", RoleRequest.transportModeChoices()));
        }
        if (mode == TransportMode.NETWORK_SSL) {
            throw new ValidationException("--transport-mode", "network-ssl is network mode with encryption, which is"
                    + " a setting of the VMware proxy (ferry:role-assign --encrypt-network); use --transport-mode"
                    + " network here");
        }
        if (!RoleRequest.FIXABLE_MODES.contains(mode)) {
            throw new ValidationException("--transport-mode", EnumNames.display(mode) + " cannot be fixed for a job:"
                    + " storage plugins offer it where the storage supports it; use one of "
                    + String.join(", ", RoleRequest.transportModeChoices()));
        }
        return Optional.of(mode);
    }

    /** Refuses an option of another platform's jobs, e.g. --transport-mode on a Hyper-V job. */
    static void onlyFor(Platform wanted, Platform actual, boolean given, String option) {
        if (given && actual != wanted) {
            throw new ValidationException(option, "applies only to " + EnumNames.display(wanted) + " jobs, not to "
                    + EnumNames.display(actual) + " jobs");
        }
    }
}
