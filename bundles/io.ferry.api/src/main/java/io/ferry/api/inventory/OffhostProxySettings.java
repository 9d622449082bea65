package io.ferry.api.inventory;

/**
 * Settings of a Hyper-V off-host backup proxy (seed 004).
 *
 * @param evaluation allow a virtual machine as off-host proxy, for evaluation and testing
 *                   only; the VM must have the Hyper-V role enabled (nested virtualization)
 */
public record OffhostProxySettings(boolean evaluation) {
    public static final OffhostProxySettings PRODUCTION = new OffhostProxySettings(false);
}
