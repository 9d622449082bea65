package io.ferry.api.spi;

import io.ferry.api.inventory.Platform;
import io.ferry.api.inventory.RoleType;
import io.ferry.api.selection.TransportStep;
import java.util.Optional;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Declares that a plugin serves a platform. Without one for a VM's platform, the plan says
 * the platform is unserved instead of failing.
 */
@ConsumerType
public interface PlatformSupport {

    Platform platform();

    /** Human-readable plugin name, e.g. "VMware vSphere". */
    String name();

    /** The role a server needs to be a backup proxy for this platform's disks. */
    RoleType proxyRole();

    /**
     * What to do when no proxy can read a disk, e.g. Hyper-V on-host backup when the job
     * allows it (seed 004): the server doing the work and the step explaining it.
     */
    default Optional<Fallback> noProxyFallback(DiskContext disk) {
        return Optional.empty();
    }

    /**
     * A fallback executor.
     *
     * @param server the server doing the work (by name)
     * @param step   the transport step, marked as a fallback, with its reason
     */
    record Fallback(String server, TransportStep step) {
    }
}
