package io.ferry.shell.internal;

import io.ferry.api.ValidationException;
import io.ferry.api.inventory.Cidr;
import io.ferry.api.inventory.MachineKind;
import io.ferry.api.inventory.ServerSpec;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The options of {@code ferry:server-add} and {@code ferry:server-update}, applied to a
 * {@link ServerSpec}. A value left null is not changed. In an update, {@code --network} and
 * {@code --trusted-domain} replace the whole list, {@code --fact} sets one key and
 * {@code --package} adds one package; the {@code --add-*} and {@code --remove-*} options
 * change single entries.
 */
final class ServerChanges {
    private static final ListChanges<Cidr> NETWORKS = new ListChanges<>("--network", "--add-network",
            "--remove-network", "network", Cidr::toString);

    private String rename;
    private String address;
    private String os;
    private String kind;
    private String site;
    private String domain;
    private List<String> networks;
    private List<String> addNetworks;
    private List<String> removeNetworks;
    private List<String> trustedDomains;
    private List<String> facts;
    private List<String> removeFacts;
    private List<String> packages;
    private List<String> removePackages;
    private Integer maxTasks;
    private Boolean enabled;

    ServerChanges rename(String v) { rename = v; return this; }
    ServerChanges address(String v) { address = v; return this; }
    ServerChanges os(String v) { os = v; return this; }
    ServerChanges kind(String v) { kind = v; return this; }
    ServerChanges site(String v) { site = v; return this; }
    ServerChanges domain(String v) { domain = v; return this; }
    ServerChanges networks(List<String> v) { networks = v; return this; }
    ServerChanges addNetworks(List<String> v) { addNetworks = v; return this; }
    ServerChanges removeNetworks(List<String> v) { removeNetworks = v; return this; }
    ServerChanges trustedDomains(List<String> v) { trustedDomains = v; return this; }
    ServerChanges facts(List<String> v) { facts = v; return this; }
    ServerChanges removeFacts(List<String> v) { removeFacts = v; return this; }
    ServerChanges packages(List<String> v) { packages = v; return this; }
    ServerChanges removePackages(List<String> v) { removePackages = v; return this; }
    ServerChanges maxTasks(Integer v) { maxTasks = v; return this; }
    ServerChanges enabled(Boolean v) { enabled = v; return this; }

    /** True if no option was given. */
    boolean isEmpty() {
        return rename == null && address == null && os == null && kind == null && site == null && domain == null
                && ListChanges.absent(networks, addNetworks, removeNetworks) && trustedDomains == null
                && absent(facts) && absent(removeFacts) && absent(packages) && absent(removePackages)
                && maxTasks == null && enabled == null;
    }

    /** A new server's spec: defaults of {@link ServerSpec#builder} plus the options. */
    ServerSpec create(String name, String newAddress) {
        return SpecErrors.asOptions(SpecErrors.SERVER_OPTIONS, () -> {
            ServerSpec.Builder b = ServerSpec.builder(name, newAddress);
            return apply(b, name, List.of(), Map.of(), Set.of());
        });
    }

    /** {@code current} with the options applied. */
    ServerSpec applyTo(ServerSpec current) {
        return SpecErrors.asOptions(SpecErrors.SERVER_UPDATE_OPTIONS, () -> apply(current.toBuilder(), current.name(),
                current.networks(), current.facts(), current.installedPackages()));
    }

    private ServerSpec apply(ServerSpec.Builder b, String serverName, List<Cidr> currentNetworks,
            Map<String, String> currentFacts, Set<String> currentPackages) {
        if (rename != null) {
            b.name(rename);
        }
        if (address != null) {
            b.address(address);
        }
        if (os != null) {
            b.os(Arguments.os(os, "--os"));
        }
        if (kind != null) {
            b.machineKind(EnumNames.parse(MachineKind.class, kind, "--kind"));
        }
        if (site != null) {
            b.site(site);
        }
        if (domain != null) {
            b.domain(domain);
        }
        b.networks(networks(serverName, currentNetworks));
        if (trustedDomains != null) {
            b.trustedDomains(Arguments.nonBlank(trustedDomains));
        }
        b.facts(facts(serverName, currentFacts));
        b.installedPackages(packages(serverName, currentPackages));
        if (maxTasks != null) {
            b.maxConcurrentTasks(maxTasks);
        }
        if (enabled != null) {
            b.enabled(enabled);
        }
        return b.build();
    }

    private List<Cidr> networks(String serverName, List<Cidr> current) {
        return networks("server '" + serverName + "'", current, networks, addNetworks, removeNetworks);
    }

    /**
     * {@code --network}, {@code --add-network} and {@code --remove-network} (of servers and VMs)
     * applied to {@code current}; every value, the removed ones too, must be a network in CIDR
     * notation.
     *
     * @param owner the object in messages, e.g. {@code VM 'web-01'}
     */
    static List<Cidr> networks(String owner, List<Cidr> current, List<String> replace, List<String> add,
            List<String> remove) {
        return NETWORKS.apply(owner, current, Arguments.networks(replace, "--network"),
                Arguments.networks(add, "--add-network"),
                Arguments.networks(remove, "--remove-network").stream().map(Cidr::toString).toList());
    }

    private Map<String, String> facts(String serverName, Map<String, String> current) {
        TreeMap<String, String> out = new TreeMap<>(current);
        for (String text : Arguments.nonNull(facts)) {
            Map.Entry<String, String> fact = Arguments.keyValue(text, "--fact");
            if (Arguments.nonNull(removeFacts).contains(fact.getKey())) {
                throw new ValidationException("--fact", "'" + fact.getKey() + "' is both set and removed");
            }
            out.put(fact.getKey(), fact.getValue());
        }
        for (String key : Arguments.nonBlank(removeFacts)) {
            if (out.remove(key) == null) {
                throw new ValidationException("--remove-fact", "server '" + serverName + "' has no fact '" + key
                        + "' (it has: " + listed(current.keySet()) + ")");
            }
        }
        return out;
    }

    private Set<String> packages(String serverName, Set<String> current) {
        TreeSet<String> out = new TreeSet<>(current);
        out.addAll(Arguments.nonBlank(packages));
        for (String name : Arguments.nonBlank(removePackages)) {
            if (!out.remove(name)) {
                throw new ValidationException("--remove-package", "server '" + serverName + "' has no package '"
                        + name + "' declared (it has: " + listed(current) + ")");
            }
        }
        return out;
    }

    private static String listed(Collection<?> values) {
        return values.isEmpty() ? "none" : String.join(", ", values.stream().map(String::valueOf).toList());
    }

    private static boolean absent(List<String> values) {
        return values == null || values.isEmpty();
    }
}
