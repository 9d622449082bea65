package io.ferry.selection.internal;

import io.ferry.api.inventory.Platform;
import io.ferry.api.spi.GuestInteractionRule;
import io.ferry.api.spi.PlatformSupport;
import io.ferry.api.spi.ProxyRule;
import io.ferry.api.spi.ReadinessCheck;
import io.ferry.api.spi.TransportModeProvider;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * An immutable set of plugin services, the one a plan works with from start to end (a plugin
 * leaving mid-plan does not change it). Each list is sorted so that the order services were
 * registered in never changes a plan: platform supports by platform and name, rules and
 * checks by name, transport modes by platform, preference and mode id.
 */
public record PluginSet(List<PlatformSupport> platformSupports, List<GuestInteractionRule> guestRules,
        List<ProxyRule> proxyRules, List<TransportModeProvider> transportModes, List<ReadinessCheck> readinessChecks) {

    public static final PluginSet EMPTY = new PluginSet(List.of(), List.of(), List.of(), List.of(), List.of());

    public PluginSet {
        platformSupports = sorted(platformSupports, Comparator.comparing(PlatformSupport::platform)
                .thenComparing(PlatformSupport::name));
        guestRules = sorted(guestRules, Comparator.comparing(GuestInteractionRule::name));
        proxyRules = sorted(proxyRules, Comparator.comparing(ProxyRule::name));
        transportModes = sorted(transportModes, Comparator.comparing(TransportModeProvider::platform)
                .thenComparingInt(TransportModeProvider::preference).thenComparing(TransportModeProvider::mode));
        readinessChecks = sorted(readinessChecks, Comparator.comparing(ReadinessCheck::name));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The plugin serving {@code platform}: the first by name when several do. */
    Optional<PlatformSupport> support(Platform platform) {
        return supports(platform).stream().findFirst();
    }

    List<PlatformSupport> supports(Platform platform) {
        return platformSupports.stream().filter(p -> p.platform() == platform).toList();
    }

    /** Guest interaction rules for {@code platform}, including those for every platform. */
    List<GuestInteractionRule> guestRules(Platform platform) {
        return guestRules.stream().filter(r -> r.platform().map(p -> p == platform).orElse(true)).toList();
    }

    /** Proxy rules for {@code platform}, including those for every platform. */
    List<ProxyRule> proxyRules(Platform platform) {
        return proxyRules.stream().filter(r -> r.platform().map(p -> p == platform).orElse(true)).toList();
    }

    /** Transport modes of {@code platform}, in preference order. */
    List<TransportModeProvider> transportModes(Platform platform) {
        return transportModes.stream().filter(t -> t.platform() == platform).toList();
    }

    private static <T> List<T> sorted(List<T> items, Comparator<T> order) {
        List<T> copy = new ArrayList<>(items);
        copy.sort(order);
        return List.copyOf(copy);
    }

    /** Collects services for a set; lists may be filled in any order. */
    public static final class Builder {
        private final List<PlatformSupport> platforms = new ArrayList<>();
        private final List<GuestInteractionRule> guestRules = new ArrayList<>();
        private final List<ProxyRule> proxyRules = new ArrayList<>();
        private final List<TransportModeProvider> transports = new ArrayList<>();
        private final List<ReadinessCheck> checks = new ArrayList<>();

        public Builder platform(PlatformSupport p) { platforms.add(p); return this; }
        public Builder guestRule(GuestInteractionRule r) { guestRules.add(r); return this; }
        public Builder proxyRule(ProxyRule r) { proxyRules.add(r); return this; }
        public Builder transport(TransportModeProvider t) { transports.add(t); return this; }
        public Builder check(ReadinessCheck c) { checks.add(c); return this; }

        public PluginSet build() {
            return new PluginSet(platforms, guestRules, proxyRules, transports, checks);
        }
    }
}
