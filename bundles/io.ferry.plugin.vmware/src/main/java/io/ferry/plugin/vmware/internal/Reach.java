package io.ferry.plugin.vmware.internal;

import io.ferry.api.selection.TransportStep;

/**
 * Whether a transport mode can physically reach a disk from a proxy, before the job's and
 * the proxy's mode restrictions are applied.
 */
record Reach(boolean possible, String reason) {

    static Reach yes(String reason) {
        return new Reach(true, reason);
    }

    static Reach no(String reason) {
        return new Reach(false, reason);
    }

    /** The transport step of {@code mode} this reach amounts to, once restrictions allow the mode. */
    TransportStep step(String mode) {
        return possible ? TransportStep.ok(mode, reason) : TransportStep.unavailable(mode, reason);
    }
}
