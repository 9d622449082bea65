package io.ferry.api.selection;

import io.ferry.api.inventory.Platform;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An installed plugin as the selection service sees it: a bundle that registers plugin SPI
 * services, or one that would (it declares them or imports {@code io.ferry.api.spi}) but is
 * refused or stopped.
 *
 * @param bundle         symbolic name and version of the bundle that registered it
 * @param spiVersion     the io.ferry.api.spi version range it imports
 * @param platform       the platform it serves, if it serves one (vendor extensions may not)
 * @param contributions  its rules, transport modes, checks, storage-snapshot providers and
 *                       validators, by kind and name (empty unless {@link PluginState#ACTIVE})
 * @param state          whether its contributions are in use (since 1.1)
 * @param reason         why not, in words, when not {@link PluginState#ACTIVE} (e.g. "needs
 *                       io.ferry.api.spi [2.0,3); this Ferry provides 1.1"), or a problem of an
 *                       active bundle (it registers none of the services it declares); else
 *                       empty (since 1.1)
 */
public record PluginInfo(String bundle, String spiVersion, Optional<Platform> platform, List<String> contributions,
        PluginState state, String reason) {
    public PluginInfo {
        contributions = List.copyOf(contributions);
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(reason, "reason");
    }

    /** An active plugin without problems (the 1.0 form). */
    public PluginInfo(String bundle, String spiVersion, Optional<Platform> platform, List<String> contributions) {
        this(bundle, spiVersion, platform, contributions, PluginState.ACTIVE, "");
    }
}
