package io.ferry.api.inventory;

import io.ferry.api.ValidationException;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Transport settings of a VMware backup proxy (seed 003).
 *
 * @param fixedMode             empty for automatic selection (direct storage access, then
 *                              virtual appliance, then network); otherwise the only mode to use
 * @param failoverToNetwork     fall back to network mode when the fixed mode is unavailable
 * @param encryptNetworkTraffic use NBDSSL instead of NBD in network mode
 */
public record VmwareProxySettings(Optional<TransportMode> fixedMode, boolean failoverToNetwork,
        boolean encryptNetworkTraffic) {

    /** Automatic mode selection, failover to network allowed, unencrypted network mode. */
    public static final VmwareProxySettings AUTOMATIC = new VmwareProxySettings(Optional.empty(), true, false);

    public VmwareProxySettings {
        Objects.requireNonNull(fixedMode, "fixedMode");
        fixedMode.ifPresent(m -> {
            if (m == TransportMode.NETWORK_SSL || m == TransportMode.BACKUP_FROM_STORAGE_SNAPSHOTS) {
                throw new ValidationException("transportMode", "'" + m + "' cannot be fixed on a proxy; fix NETWORK"
                        + " and enable encryption for NBDSSL, storage snapshots are offered by storage plugins");
            }
        });
    }

    /** The modes this proxy may use, before any per-VM check. */
    public Set<TransportMode> allowedModes() {
        EnumSet<TransportMode> modes = fixedMode.map(EnumSet::of).orElseGet(() -> EnumSet.of(
                TransportMode.DIRECT_STORAGE_ACCESS, TransportMode.VIRTUAL_APPLIANCE, TransportMode.NETWORK));
        if (fixedMode.isEmpty() || failoverToNetwork) {
            modes.add(TransportMode.NETWORK);
        }
        if (modes.contains(TransportMode.NETWORK) && encryptNetworkTraffic) {
            modes.remove(TransportMode.NETWORK);
            modes.add(TransportMode.NETWORK_SSL);
        }
        return modes;
    }
}
