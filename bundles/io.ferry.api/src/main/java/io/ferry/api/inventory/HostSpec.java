package io.ferry.api.inventory;

import io.ferry.api.ValidationException;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What an administrator declares about a platform host.
 *
 * @param name          unique name (case-insensitive)
 * @param kind          vCenter, ESXi, Hyper-V host or cluster, Proxmox VE node
 * @param address       IP literal or host name of its management endpoint
 * @param parent        the vCenter an ESXi host is managed by, the cluster a Hyper-V host is a node of
 * @param version       hypervisor version, e.g. {@code 8.0u2}, {@code 2022}, {@code 8.2}
 * @param domain        Windows domain (Hyper-V), lower-case
 * @param managedServer the managed server that is this same machine, if it is one (Hyper-V hosts)
 * @param storage       datastores, CSV volumes, SMB3 shares or pools
 */
public record HostSpec(String name, HostKind kind, String address, Optional<String> parent, Optional<String> version,
        Optional<String> domain, Optional<String> managedServer, List<HostStorage> storage) {

    public HostSpec {
        name = Checks.name("name", name);
        Checks.notNull("kind", kind);
        address = Checks.address("address", address);
        parent = Checks.optionalText("parent", parent).map(p -> Checks.name("parent", p));
        version = Checks.optionalText("version", version);
        domain = Checks.optionalText("domain", domain).map(d -> Checks.key("domain", d.toLowerCase(Locale.ROOT)));
        managedServer = Checks.optionalText("managedServer", managedServer).map(s -> Checks.name("managedServer", s));
        storage = List.copyOf(Checks.notNull("storage", storage));
        HashSet<String> seen = new HashSet<>();
        for (int i = 0; i < storage.size(); i++) {
            HostStorage s = storage.get(i);
            if (!seen.add(s.name().toLowerCase(Locale.ROOT))) {
                throw new ValidationException("storage[" + i + "].name", "'" + s.name() + "' is listed twice");
            }
            if (!s.kind().existsOn(kind.platform())) {
                throw new ValidationException("storage[" + i + "].kind", s.kind() + " storage does not exist on "
                        + kind.platform() + " hosts");
            }
        }
        if (parent.isPresent() && kind.parentKind().isEmpty()) {
            throw new ValidationException("parent", kind + " hosts have no parent");
        }
        if (parent.isPresent() && parent.get().equalsIgnoreCase(name)) {
            throw new ValidationException("parent", "a host cannot be its own parent");
        }
    }

    public Optional<HostStorage> storage(String storageName) {
        return storage.stream().filter(s -> s.name().equalsIgnoreCase(storageName)).findFirst();
    }
}
