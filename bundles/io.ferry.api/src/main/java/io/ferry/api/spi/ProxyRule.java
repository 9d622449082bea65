package io.ferry.api.spi;

import io.ferry.api.inventory.ManagedServer;
import io.ferry.api.inventory.Platform;
import io.ferry.api.selection.RuleVerdict;
import java.util.Optional;
import org.osgi.annotation.versioning.ConsumerType;

/** A requirement a server must meet to be the backup proxy for a disk. */
@ConsumerType
public interface ProxyRule {

    /** Rule name, shown in explanations, e.g. {@code offhost-not-a-node-of-the-csv-cluster}. */
    String name();

    /** The platform it applies to; empty for every platform. */
    Optional<Platform> platform();

    RuleVerdict evaluate(ManagedServer candidate, DiskContext disk);
}
