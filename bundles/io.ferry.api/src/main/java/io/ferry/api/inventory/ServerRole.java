package io.ferry.api.inventory;

import io.ferry.api.ValidationException;
import java.util.Objects;
import java.util.Optional;

/**
 * A role held by a managed server, with the settings that role has. Only
 * {@link RoleType#VMWARE_PROXY} carries {@link #vmware()} settings and only
 * {@link RoleType#HYPERV_OFFHOST_PROXY} carries {@link #offhost()} settings.
 */
public record ServerRole(RoleType type, Optional<VmwareProxySettings> vmware, Optional<OffhostProxySettings> offhost) {

    public ServerRole {
        Checks.notNull("role", type);
        Objects.requireNonNull(vmware, "vmware");
        Objects.requireNonNull(offhost, "offhost");
        if (vmware.isPresent() != (type == RoleType.VMWARE_PROXY)) {
            throw new ValidationException("role", type == RoleType.VMWARE_PROXY
                    ? "a VMware proxy role needs transport settings" : "only a VMware proxy role has transport settings");
        }
        if (offhost.isPresent() != (type == RoleType.HYPERV_OFFHOST_PROXY)) {
            throw new ValidationException("role", type == RoleType.HYPERV_OFFHOST_PROXY
                    ? "an off-host proxy role needs its settings" : "only an off-host proxy role has off-host settings");
        }
    }

    /** A role without settings, or with the default settings of its type. */
    public static ServerRole of(RoleType type) {
        return switch (type) {
            case VMWARE_PROXY -> vmwareProxy(VmwareProxySettings.AUTOMATIC);
            case HYPERV_OFFHOST_PROXY -> offhostProxy(OffhostProxySettings.PRODUCTION);
            default -> new ServerRole(type, Optional.empty(), Optional.empty());
        };
    }

    public static ServerRole vmwareProxy(VmwareProxySettings settings) {
        return new ServerRole(RoleType.VMWARE_PROXY, Optional.of(settings), Optional.empty());
    }

    public static ServerRole offhostProxy(OffhostProxySettings settings) {
        return new ServerRole(RoleType.HYPERV_OFFHOST_PROXY, Optional.empty(), Optional.of(settings));
    }
}
