package io.ferry.shell.internal;

import io.ferry.api.ValidationException;
import io.ferry.api.inventory.OffhostProxySettings;
import io.ferry.api.inventory.RoleType;
import io.ferry.api.inventory.ServerRole;
import io.ferry.api.inventory.TransportMode;
import io.ferry.api.inventory.VmwareProxySettings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** Turns the role names and options of {@code ferry:role-assign} into a {@link ServerRole}. */
final class RoleRequest {
    /** Transport modes an administrator may fix on a proxy; the others are derived (seed 003). */
    static final List<TransportMode> FIXABLE_MODES = List.of(TransportMode.DIRECT_STORAGE_ACCESS,
            TransportMode.VIRTUAL_APPLIANCE, TransportMode.NETWORK);
    static final String AUTO = "auto";

    private RoleRequest() {
    }

    /** Any role, e.g. for filtering: {@code vmware-proxy}, {@code GUEST_INTERACTION}. */
    static RoleType roleType(String text, String what) {
        return EnumNames.parse(RoleType.class, text, what);
    }

    /** A role that administrators assign and remove; the others get a reason. */
    static RoleType assignableRole(String text) {
        RoleType type = EnumNames.parse(RoleType.class, text, "ROLE", assignableRoles());
        if (type == RoleType.GUEST_INTERACTION) {
            throw new ValidationException("ROLE", "guest-interaction is held by every managed server from the moment"
                    + " it is added; it is not assigned or removed");
        }
        if (type == RoleType.BACKUP_SERVER) {
            throw new ValidationException("ROLE", "backup-server belongs to the one server running Ferry's core;"
                    + " it is not assigned or removed");
        }
        return type;
    }

    static List<RoleType> assignableRoles() {
        return Arrays.stream(RoleType.values()).filter(RoleType::isAssignable).toList();
    }

    /**
     * The role with its settings.
     *
     * @param transportMode  {@code auto} or a fixable mode; null when not given
     * @param noFailover     do not fall back to network mode
     * @param encryptNetwork use NBDSSL in network mode
     * @param evaluation     allow a VM as off-host proxy
     */
    static ServerRole role(RoleType type, String transportMode, boolean noFailover, boolean encryptNetwork,
            boolean evaluation) {
        if (type != RoleType.VMWARE_PROXY) {
            rejectFor(type, transportMode != null, "--transport-mode", "vmware-proxy");
            rejectFor(type, noFailover, "--no-failover", "vmware-proxy");
            rejectFor(type, encryptNetwork, "--encrypt-network", "vmware-proxy");
        }
        if (type != RoleType.HYPERV_OFFHOST_PROXY) {
            rejectFor(type, evaluation, "--evaluation", "hyperv-offhost-proxy");
        }
        return switch (type) {
            case VMWARE_PROXY -> ServerRole.vmwareProxy(vmwareSettings(transportMode, noFailover, encryptNetwork));
            case HYPERV_OFFHOST_PROXY -> ServerRole.offhostProxy(new OffhostProxySettings(evaluation));
            default -> ServerRole.of(type);
        };
    }

    static VmwareProxySettings vmwareSettings(String transportMode, boolean noFailover, boolean encryptNetwork) {
        Optional<TransportMode> fixed = fixedMode(transportMode);
        if (fixed.isEmpty() && noFailover) {
            throw new ValidationException("--no-failover", "applies only to a fixed --transport-mode: in auto mode"
                    + " the proxy always may use network mode");
        }
        if (fixed.equals(Optional.of(TransportMode.NETWORK)) && noFailover) {
            throw new ValidationException("--no-failover", "means nothing with --transport-mode network");
        }
        return new VmwareProxySettings(fixed, !noFailover, encryptNetwork);
    }

    static List<String> transportModeChoices() {
        List<String> out = new ArrayList<>();
        out.add(AUTO);
        out.addAll(EnumNames.displayAll(FIXABLE_MODES));
        return out;
    }

    private static Optional<TransportMode> fixedMode(String text) {
        if (text == null || text.strip().equalsIgnoreCase(AUTO)) {
            return Optional.empty();
        }
        TransportMode mode;
        try {
            mode = EnumNames.parse(TransportMode.class, text, "--transport-mode");
        } catch (ValidationException e) {
            throw new ValidationException("--transport-mode", "'" + text.strip() + "' is not one of: "
                    + String.join(", ", transportModeChoices()));
        }
        if (mode == TransportMode.NETWORK_SSL) {
            throw new ValidationException("--transport-mode", "network-ssl is network mode with encryption: use"
                    + " --transport-mode network --encrypt-network");
        }
        if (!FIXABLE_MODES.contains(mode)) {
            throw new ValidationException("--transport-mode", EnumNames.display(mode) + " cannot be fixed on a proxy:"
                    + " storage plugins offer it where the storage supports it; use one of "
                    + String.join(", ", transportModeChoices()));
        }
        return Optional.of(mode);
    }

    private static void rejectFor(RoleType type, boolean given, String option, String validRole) {
        if (given) {
            throw new ValidationException(option, "applies only to the " + validRole + " role, not to "
                    + EnumNames.display(type));
        }
    }
}
