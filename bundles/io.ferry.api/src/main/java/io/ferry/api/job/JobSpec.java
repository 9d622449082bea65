package io.ferry.api.job;

import io.ferry.api.ValidationException;
import io.ferry.api.inventory.Platform;
import io.ferry.api.repository.RetentionPolicy;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A backup job definition.
 *
 * @param name            unique name (case-insensitive)
 * @param platform        the platform of every VM in scope
 * @param vms             VM names in scope, in order
 * @param repository      name of a server holding the REPOSITORY role
 * @param proxies         backup proxies: automatic or an explicit list
 * @param transport       VMware transport mode choice (automatic for other platforms)
 * @param guestProcessing application-aware processing, indexing, log processing
 * @param onHostFallback  Hyper-V: back up on-host when no off-host proxy is suitable (seed 004)
 * @param schedule        when the job runs by itself ({@link Schedule#MANUAL}: only when started); since 1.1
 * @param retention       restore points kept per disk in the repository after each run; since 1.1
 */
public record JobSpec(String name, Platform platform, List<String> vms, String repository, ServerChoice proxies,
        TransportChoice transport, GuestProcessing guestProcessing, boolean onHostFallback, Schedule schedule,
        RetentionPolicy retention) {

    /** Restore points kept when a job does not say: the last 7 (per disk). */
    public static final RetentionPolicy DEFAULT_RETENTION = RetentionPolicy.keepLast(7);

    /** The 1.0 form: manual schedule, {@link #DEFAULT_RETENTION}. */
    public JobSpec(String name, Platform platform, List<String> vms, String repository, ServerChoice proxies,
            TransportChoice transport, GuestProcessing guestProcessing, boolean onHostFallback) {
        this(name, platform, vms, repository, proxies, transport, guestProcessing, onHostFallback, Schedule.MANUAL,
                DEFAULT_RETENTION);
    }

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

    public JobSpec {
        if (name == null || !NAME.matcher(name.strip()).matches()) {
            throw new ValidationException("name", "'" + name + "' is not a valid job name: use 1-63 letters,"
                    + " digits, '.', '_' or '-', starting with a letter or digit");
        }
        name = name.strip();
        Objects.requireNonNull(platform, "platform");
        vms = List.copyOf(vms);
        if (vms.isEmpty()) {
            throw new ValidationException("vms", "a job needs at least one VM in scope");
        }
        HashSet<String> seen = new HashSet<>();
        for (int i = 0; i < vms.size(); i++) {
            if (!seen.add(vms.get(i).toLowerCase(Locale.ROOT))) {
                throw new ValidationException("vms[" + i + "]", "'" + vms.get(i) + "' is listed twice");
            }
        }
        if (repository == null || repository.isBlank()) {
            throw new ValidationException("repository", "is required: name a server with the REPOSITORY role");
        }
        repository = repository.strip();
        Objects.requireNonNull(proxies, "proxies");
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(guestProcessing, "guestProcessing");
        if (platform != Platform.VMWARE && !transport.equals(TransportChoice.AUTOMATIC)) {
            throw new ValidationException("transport", "transport modes apply to VMware jobs only");
        }
        if (platform != Platform.HYPERV && onHostFallback) {
            throw new ValidationException("onHostFallback", "on-host fallback applies to Hyper-V jobs only");
        }
        schedule = schedule == null ? Schedule.MANUAL : schedule;
        retention = retention == null ? DEFAULT_RETENTION : retention;
    }

    public JobSpec withSchedule(Schedule value) {
        return new JobSpec(name, platform, vms, repository, proxies, transport, guestProcessing, onHostFallback,
                value, retention);
    }

    public JobSpec withRetention(RetentionPolicy value) {
        return new JobSpec(name, platform, vms, repository, proxies, transport, guestProcessing, onHostFallback,
                schedule, value);
    }

    /** A job with automatic proxies and transport, no guest processing. */
    public static JobSpec of(String name, Platform platform, List<String> vms, String repository) {
        return new JobSpec(name, platform, vms, repository, ServerChoice.AUTOMATIC, TransportChoice.AUTOMATIC,
                GuestProcessing.DISABLED, platform == Platform.HYPERV);
    }
}
