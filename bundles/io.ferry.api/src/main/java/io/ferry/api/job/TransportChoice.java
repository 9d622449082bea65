package io.ferry.api.job;

import io.ferry.api.ValidationException;
import io.ferry.api.inventory.TransportMode;
import java.util.Objects;
import java.util.Optional;

/**
 * The job's transport mode for VMware VMs (seed 003): automatic (direct storage access, then
 * virtual appliance, then network) or one fixed mode, with or without failover to network.
 */
public record TransportChoice(Optional<TransportMode> fixedMode, boolean failoverToNetwork) {

    public static final TransportChoice AUTOMATIC = new TransportChoice(Optional.empty(), true);

    public TransportChoice {
        Objects.requireNonNull(fixedMode, "fixedMode");
        if (fixedMode.filter(m -> m == TransportMode.NETWORK_SSL).isPresent()) {
            throw new ValidationException("transportMode", "fix NETWORK; encryption (NBDSSL) is a proxy setting");
        }
    }

    public static TransportChoice fixed(TransportMode mode, boolean failoverToNetwork) {
        return new TransportChoice(Optional.of(mode), failoverToNetwork);
    }
}
