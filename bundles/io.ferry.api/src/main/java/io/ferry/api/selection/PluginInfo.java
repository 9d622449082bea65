package io.ferry.api.selection;

import io.ferry.api.inventory.Platform;
import java.util.List;
import java.util.Optional;

/**
 * An installed plugin as the selection service sees it.
 *
 * @param bundle         symbolic name and version of the bundle that registered it
 * @param spiVersion     the io.ferry.api.spi version range it imports
 * @param platform       the platform it serves, if it serves one (vendor extensions may not)
 * @param contributions  its rules, transport modes, checks and validators, by kind and name
 */
public record PluginInfo(String bundle, String spiVersion, Optional<Platform> platform, List<String> contributions) {
    public PluginInfo {
        contributions = List.copyOf(contributions);
    }
}
