package io.ferry.api.selection;

/**
 * Whether a plugin bundle's contributions are in use.
 *
 * @since 1.1
 */
public enum PluginState {
    /** Started: its registered services are what {@link PluginInfo#contributions()} lists. */
    ACTIVE,
    /**
     * The framework cannot resolve it (e.g. it was built for another SPI major version): none
     * of its code runs; {@link PluginInfo#reason()} names each unmet requirement.
     */
    REFUSED,
    /** Resolved but not started (stopped, or still starting): it contributes nothing now. */
    STOPPED
}
