package io.ferry.api.spi;

import io.ferry.api.inventory.ManagedServer;
import io.ferry.api.inventory.Platform;
import io.ferry.api.selection.TransportStep;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A way a proxy can read a disk. For each candidate proxy the selection service asks the
 * platform's providers in {@link #preference()} order and takes the first available one;
 * the whole chain is recorded in the plan.
 */
@ConsumerType
public interface TransportModeProvider {

    Platform platform();

    /** Mode id, e.g. {@code direct-storage-access}. */
    String mode();

    /** Lower is tried first (e.g. storage snapshots 0, direct 10, virtual appliance 20, network 30). */
    int preference();

    /** Whether {@code proxy} can read {@code disk} this way, and why (not). */
    TransportStep evaluate(ManagedServer proxy, DiskContext disk);
}
