package io.ferry.api.inventory;

import io.ferry.api.ValidationException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What an administrator declares about a managed server.
 *
 * @param name               unique name (case-insensitive), e.g. {@code px-01}
 * @param address            IP literal or DNS host name Ferry reaches the server at
 * @param os                 operating system
 * @param machineKind        physical or virtual
 * @param networks           networks the server is attached to, sorted; used for the
 *                           "same network" guest interaction priority (seed 001)
 * @param site               site or location label
 * @param domain             Windows domain the server belongs to (lower-case)
 * @param trustedDomains     domains that {@link #domain()} trusts (lower-case, sorted); an off-host
 *                           proxy reads SMB3 shares of its own or a trusted domain (seed 004)
 * @param facts              declared capabilities, see {@link ServerFacts} (sorted)
 * @param installedPackages  packages installed on the server (Linux), sorted
 * @param maxConcurrentTasks task slots: how many tasks may run on the server at once (1-256)
 * @param enabled            a disabled server is kept but never chosen for new work
 */
public record ServerSpec(String name, String address, OsInfo os, MachineKind machineKind, List<Cidr> networks,
        Optional<String> site, Optional<String> domain, Set<String> trustedDomains, Map<String, String> facts,
        Set<String> installedPackages, int maxConcurrentTasks, boolean enabled) {

    public static final int MAX_TASK_SLOTS = 256;
    public static final int DEFAULT_TASK_SLOTS = 4;

    public ServerSpec {
        name = Checks.name("name", name);
        address = Checks.address("address", address);
        Checks.notNull("os", os);
        Checks.notNull("machineKind", machineKind);
        networks = List.copyOf(new TreeSet<>(Checks.notNull("networks", networks)));
        site = Checks.optionalText("site", site);
        domain = Checks.optionalText("domain", domain).map(d -> Checks.key("domain", d.toLowerCase(Locale.ROOT)));
        trustedDomains = Checks.sortedSet("trustedDomains", lower(trustedDomains), true);
        facts = Checks.sortedMap("facts", facts);
        installedPackages = Checks.sortedSet("installedPackages", installedPackages, false);
        if (maxConcurrentTasks < 1 || maxConcurrentTasks > MAX_TASK_SLOTS) {
            throw new ValidationException("maxConcurrentTasks", "must be between 1 and " + MAX_TASK_SLOTS
                    + ", got " + maxConcurrentTasks);
        }
    }

    /** A builder with the defaults: Linux, virtual, no networks, 4 task slots, enabled. */
    public static Builder builder(String name, String address) {
        return new Builder().name(name).address(address);
    }

    public Builder toBuilder() {
        return new Builder().name(name).address(address).os(os).machineKind(machineKind).networks(networks)
                .site(site.orElse(null)).domain(domain.orElse(null)).trustedDomains(trustedDomains).facts(facts)
                .installedPackages(installedPackages).maxConcurrentTasks(maxConcurrentTasks).enabled(enabled);
    }

    public Optional<String> fact(String key) {
        return Optional.ofNullable(facts.get(key));
    }

    /** True if the fact is declared as {@code true} (case-insensitive). */
    public boolean factIsTrue(String key) {
        return fact(key).map(v -> v.equalsIgnoreCase("true")).orElse(false);
    }

    private static Collection<String> lower(Collection<String> values) {
        return values == null ? null
                : values.stream().map(v -> v == null ? null : v.toLowerCase(Locale.ROOT)).toList();
    }

    /** Mutable builder; {@link #build()} validates. */
    public static final class Builder {
        private String name;
        private String address;
        private OsInfo os = OsInfo.linux("", "");
        private MachineKind machineKind = MachineKind.VIRTUAL;
        private List<Cidr> networks = new ArrayList<>();
        private String site;
        private String domain;
        private Set<String> trustedDomains = new TreeSet<>();
        private Map<String, String> facts = new TreeMap<>();
        private Set<String> installedPackages = new TreeSet<>();
        private int maxConcurrentTasks = DEFAULT_TASK_SLOTS;
        private boolean enabled = true;

        public Builder name(String v) { name = v; return this; }
        public Builder address(String v) { address = v; return this; }
        public Builder os(OsInfo v) { os = v; return this; }
        public Builder machineKind(MachineKind v) { machineKind = v; return this; }
        public Builder networks(Collection<Cidr> v) { networks = new ArrayList<>(v); return this; }
        public Builder site(String v) { site = v; return this; }
        public Builder domain(String v) { domain = v; return this; }
        public Builder trustedDomains(Collection<String> v) { trustedDomains = new TreeSet<>(v); return this; }
        public Builder facts(Map<String, String> v) { facts = new TreeMap<>(v); return this; }
        public Builder fact(String key, String value) { facts.put(key, value); return this; }
        public Builder installedPackages(Collection<String> v) { installedPackages = new TreeSet<>(v); return this; }
        public Builder maxConcurrentTasks(int v) { maxConcurrentTasks = v; return this; }
        public Builder enabled(boolean v) { enabled = v; return this; }

        public ServerSpec build() {
            return new ServerSpec(name, address, os, machineKind, networks, Optional.ofNullable(site),
                    Optional.ofNullable(domain), trustedDomains, facts, installedPackages, maxConcurrentTasks, enabled);
        }
    }
}
