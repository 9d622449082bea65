package io.ferry.selection.internal;

import io.ferry.api.inventory.Platform;
import io.ferry.api.selection.PluginInfo;
import io.ferry.api.spi.GuestInteractionRule;
import io.ferry.api.spi.JobValidator;
import io.ferry.api.spi.PlatformSupport;
import io.ferry.api.spi.ProxyRule;
import io.ferry.api.spi.ReadinessCheck;
import io.ferry.api.spi.StorageSnapshotProvider;
import io.ferry.api.spi.TransportModeProvider;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The plugin services currently registered (whiteboard), with the bundle each comes from.
 * Services come and go at any time; {@link #snapshot()} gives a plan an immutable set.
 */
final class PluginRegistry {

    /** Kinds of contribution, with the prefix {@code plugins()} shows them under, in display order. */
    enum Kind {
        PLATFORM("platform"), GUEST_RULE("guest-rule"), PROXY_RULE("rule"), TRANSPORT("transport"), CHECK("check"),
        VALIDATOR("validator"), STORAGE_SNAPSHOTS("storage-snapshots"), POINT_IN_TIME("point-in-time");

        final String prefix;

        Kind(String prefix) {
            this.prefix = prefix;
        }
    }

    private record Key(long serviceId, Kind kind) {
    }

    private record Entry(long serviceId, Kind kind, Object service, PluginOrigin origin) {
    }

    private final ConcurrentMap<Key, Entry> entries = new ConcurrentHashMap<>();

    void add(long serviceId, Kind kind, Object service, PluginOrigin origin) {
        entries.put(new Key(serviceId, kind), new Entry(serviceId, kind, service, origin));
    }

    void remove(long serviceId, Kind kind) {
        entries.remove(new Key(serviceId, kind));
    }

    /** The services registered now, as an immutable set (a plugin leaving later does not change it). */
    PluginSet snapshot() {
        PluginSet.Builder b = PluginSet.builder();
        for (Entry e : sortedEntries()) {
            switch (e.kind()) {
                case PLATFORM -> b.platform((PlatformSupport) e.service());
                case GUEST_RULE -> b.guestRule((GuestInteractionRule) e.service());
                case PROXY_RULE -> b.proxyRule((ProxyRule) e.service());
                case TRANSPORT -> b.transport((TransportModeProvider) e.service());
                case CHECK -> b.check((ReadinessCheck) e.service());
                case VALIDATOR, STORAGE_SNAPSHOTS, POINT_IN_TIME -> {
                    // used by the job service and the VMware plugin; listed by plugins() only
                }
            }
        }
        return b.build();
    }

    /** One entry per providing bundle, by bundle name. */
    List<PluginInfo> infos() {
        Map<String, List<Entry>> byBundle = new TreeMap<>();
        for (Entry e : sortedEntries()) {
            byBundle.computeIfAbsent(e.origin().bundle(), k -> new ArrayList<>()).add(e);
        }
        List<PluginInfo> out = new ArrayList<>();
        byBundle.forEach((bundle, list) -> {
            Optional<Platform> platform = list.stream().filter(e -> e.kind() == Kind.PLATFORM)
                    .map(e -> ((PlatformSupport) e.service()).platform()).sorted().findFirst();
            List<String> contributions = list.stream()
                    .sorted(Comparator.comparing(Entry::kind).thenComparing(PluginRegistry::label))
                    .map(e -> e.kind().prefix + ":" + label(e)).distinct().toList();
            out.add(new PluginInfo(bundle, list.get(0).origin().spiVersion(), platform, contributions));
        });
        return out;
    }

    /** Transport mode ids offered now. */
    Set<String> transportModes() {
        Set<String> out = new TreeSet<>();
        entries.values().stream().filter(e -> e.kind() == Kind.TRANSPORT)
                .forEach(e -> out.add(((TransportModeProvider) e.service()).mode()));
        return out;
    }

    private List<Entry> sortedEntries() {
        return entries.values().stream().sorted(Comparator.comparingLong(Entry::serviceId)
                .thenComparing(Entry::kind)).toList();
    }

    private static String label(Entry e) {
        return switch (e.kind()) {
            case PLATFORM -> ((PlatformSupport) e.service()).platform().name();
            case GUEST_RULE -> ((GuestInteractionRule) e.service()).name();
            case PROXY_RULE -> ((ProxyRule) e.service()).name();
            case TRANSPORT -> ((TransportModeProvider) e.service()).mode();
            case CHECK -> ((ReadinessCheck) e.service()).name();
            case VALIDATOR -> ((JobValidator) e.service()).name();
            case STORAGE_SNAPSHOTS -> ((StorageSnapshotProvider) e.service()).name();
            case POINT_IN_TIME -> e.service().getClass().getSimpleName();
        };
    }
}
