package io.ferry.api.spi;

import io.ferry.api.inventory.InventorySnapshot;
import io.ferry.api.inventory.Platform;
import io.ferry.api.job.JobSpec;
import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ConsumerType;

/** A save-time check of job definitions, e.g. seed 000's Windows-server requirement. */
@ConsumerType
public interface JobValidator {

    String name();

    /** The platform whose jobs it checks; empty for all. */
    Optional<Platform> platform();

    /** Problems that make the job unsavable, each a full sentence naming what to do; empty if fine. */
    List<String> problems(JobSpec job, InventorySnapshot inventory);
}
