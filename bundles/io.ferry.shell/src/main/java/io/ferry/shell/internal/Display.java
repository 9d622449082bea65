package io.ferry.shell.internal;

import io.ferry.api.inventory.HostStorage;
import io.ferry.api.inventory.ServerRole;
import io.ferry.api.inventory.VirtualMachine;
import io.ferry.api.inventory.VmwareProxySettings;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** How inventory values read in tables and details. */
final class Display {

    private Display() {
    }

    static String yesNo(boolean value) {
        return value ? "yes" : "no";
    }

    static String text(Optional<String> value) {
        return value.orElse("");
    }

    static String list(Collection<?> values) {
        return values.stream().map(String::valueOf).collect(Collectors.joining(", "));
    }

    static String roleNames(List<ServerRole> roles) {
        return roles.stream().map(r -> EnumNames.display(r.type())).collect(Collectors.joining(", "));
    }

    /** The role and, for proxies, its settings: {@code vmware-proxy (transport mode: auto, ...)}. */
    static String role(ServerRole role) {
        String settings = roleSettings(role);
        return EnumNames.display(role.type()) + (settings.isEmpty() ? "" : " (" + settings + ")");
    }

    static String roleSettings(ServerRole role) {
        if (role.vmware().isPresent()) {
            VmwareProxySettings v = role.vmware().get();
            return "transport mode: " + v.fixedMode().map(EnumNames::display).orElse("auto")
                    + (v.fixedMode().isPresent() ? ", failover to network: " + yesNo(v.failoverToNetwork()) : "")
                    + ", network encryption: " + yesNo(v.encryptNetworkTraffic())
                    + ", allowed modes: " + list(EnumNames.displayAll(v.allowedModes()));
        }
        return role.offhost().map(o -> "evaluation: " + yesNo(o.evaluation())).orElse("");
    }

    /** {@code ds1 (vmfs), Volume1 (csv, dedup)}. */
    static String storage(List<HostStorage> storage) {
        return storage.stream()
                .map(s -> s.name() + " (" + EnumNames.display(s.kind()) + (s.deduplicated() ? ", dedup" : "") + ")")
                .collect(Collectors.joining(", "));
    }

    static String credentials(VirtualMachine vm) {
        return vm.spec().credentials().map(c -> c.user() + (c.gmsa() ? " (gMSA)" : "")).orElse("");
    }
}
