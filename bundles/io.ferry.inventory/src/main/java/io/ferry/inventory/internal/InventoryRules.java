package io.ferry.inventory.internal;

import io.ferry.api.ValidationException;
import io.ferry.api.inventory.HostKind;
import io.ferry.api.inventory.HostSpec;
import io.ferry.api.inventory.MachineKind;
import io.ferry.api.inventory.OsFamily;
import io.ferry.api.inventory.OsInfo;
import io.ferry.api.inventory.Platform;
import io.ferry.api.inventory.RoleType;
import io.ferry.api.inventory.ServerFacts;
import io.ferry.api.inventory.ServerRole;
import io.ferry.api.inventory.ServerSpec;
import io.ferry.api.inventory.VirtualDisk;
import io.ferry.api.inventory.VmSpec;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The inventory rules of the product documentation ({@code shared/seeds/}), as pure checks.
 * Each throws a {@link ValidationException} naming the object, the rule and what to do.
 */
final class InventoryRules {

    /** Packages guest interaction needs on RHEL / Rocky Linux 9 and later (seed 001). */
    static final List<String> RHEL9_GUEST_INTERACTION_PACKAGES = List.of("libmsi1", "samba-client", "samba-common-tools");

    private static final Set<String> RHEL_FAMILY = Set.of("rhel", "redhat", "red-hat", "rocky", "rockylinux");

    private InventoryRules() {
    }

    /** Everything that must hold for a server holding {@code roles}. */
    static void checkServer(ServerSpec spec, List<ServerRole> roles, RuleContext context) {
        ColumnLimits.server(spec);
        checkGuestInteractionPackages(spec);
        for (ServerRole role : roles) {
            checkRole(spec, role, context);
        }
    }

    /**
     * Seed 001: RHEL or Rocky Linux 9 or later must have libmsi1, samba-client and
     * samba-common-tools installed before the server is added.
     */
    static void checkGuestInteractionPackages(ServerSpec spec) {
        if (!needsRhel9Packages(spec.os())) {
            return;
        }
        List<String> missing = RHEL9_GUEST_INTERACTION_PACKAGES.stream()
                .filter(p -> !spec.installedPackages().contains(p)).toList();
        if (!missing.isEmpty()) {
            throw new ValidationException("installedPackages", "Server '" + spec.name() + "' runs "
                    + spec.os().distribution() + " " + spec.os().version() + ": guest interaction needs the packages "
                    + String.join(", ", missing) + ". Install them on the server and declare them"
                    + " (--package " + String.join(" --package ", missing) + ")");
        }
    }

    static boolean needsRhel9Packages(OsInfo os) {
        return os.family() == OsFamily.LINUX && RHEL_FAMILY.contains(os.distribution())
                && os.majorVersion().orElse(0) >= 9;
    }

    static void checkRole(ServerSpec spec, ServerRole role, RuleContext context) {
        switch (role.type()) {
            case BACKUP_SERVER -> {
                if (!spec.enabled()) {
                    throw new ValidationException("enabled", "Server '" + spec.name()
                            + "' is the backup server and cannot be disabled");
                }
            }
            case HYPERV_OFFHOST_PROXY -> checkOffhostProxy(spec, role, context);
            default -> {
                // VMware, general-purpose and repository roles have no prerequisites in the
                // inventory; their platform requirements are readiness checks of the plugins.
            }
        }
    }

    /**
     * Seed 004: an off-host backup proxy is a Windows machine, a Hyper-V server must be in the
     * inventory first, and it must be physical, or a VM for evaluation with nested Hyper-V.
     */
    static void checkOffhostProxy(ServerSpec spec, ServerRole role, RuleContext context) {
        String who = "Server '" + spec.name() + "' cannot be an off-host proxy: ";
        if (spec.os().family() != OsFamily.WINDOWS) {
            throw new ValidationException("roles", who + "it runs " + spec.os().family()
                    + "; off-host backup proxies are Microsoft Windows machines");
        }
        if (!context.hyperVHostExists()) {
            throw new ValidationException("roles", who + "no Microsoft Hyper-V server is in the inventory yet;"
                    + " add the Hyper-V host or cluster first (ferry:host-add --kind hyperv-host ...)");
        }
        if (spec.machineKind() == MachineKind.PHYSICAL) {
            return;
        }
        boolean evaluation = role.offhost().map(o -> o.evaluation()).orElse(false);
        if (!evaluation) {
            throw new ValidationException("roles", who + "it is a virtual machine (off-host proxies must be physical;"
                    + " for evaluation and tests only, assign the role with --evaluation on a VM with nested Hyper-V)");
        }
        if (!spec.factIsTrue(ServerFacts.NESTED_HYPERV)) {
            throw new ValidationException("roles", who + "it is a virtual machine without the Hyper-V role; an"
                    + " evaluation off-host proxy needs nested Hyper-V (declare --fact "
                    + ServerFacts.NESTED_HYPERV + "=true once it is enabled)");
        }
    }

    /** A host's parent must exist and be of the right kind; a named managed server must exist. */
    static void checkHost(HostSpec spec, RuleContext context) {
        ColumnLimits.host(spec);
        if (spec.parent().isPresent()) {
            String parent = spec.parent().get();
            HostKind expected = spec.kind().parentKind().orElseThrow();
            Optional<HostKind> actual = context.hostKind(parent);
            if (actual.isEmpty()) {
                throw new ValidationException("parent", "Host '" + spec.name() + "': parent '" + parent
                        + "' is not in the inventory; add the " + expected + " first");
            }
            if (actual.get() != expected) {
                throw new ValidationException("parent", "Host '" + spec.name() + "': parent '" + parent + "' is a "
                        + actual.get() + ", but a " + spec.kind() + " belongs to a " + expected);
            }
        }
        spec.managedServer().ifPresent(s -> {
            if (!context.serverExists(s)) {
                throw new ValidationException("managedServer", "Host '" + spec.name() + "': managed server '" + s
                        + "' is not in the inventory; add it with ferry:server-add first");
            }
        });
    }

    /** A VM runs on a host that runs VMs, uses storage that host sees, and has consistent flags. */
    static void checkVm(VmSpec spec, RuleContext context) {
        ColumnLimits.vm(spec);
        String who = "VM '" + spec.name() + "'";
        HostKind kind = context.hostKind(spec.host()).orElseThrow(() -> new ValidationException("host",
                who + ": host '" + spec.host() + "' is not in the inventory (see ferry:host-list)"));
        if (!kind.runsVms()) {
            throw new ValidationException("host", who + ": '" + spec.host() + "' is a " + kind
                    + ", which runs no VMs itself; name the ESXi host, Hyper-V host or Proxmox VE node");
        }
        if (spec.vhdSet() && kind.platform() != Platform.HYPERV) {
            throw new ValidationException("vhdSet", who + ": VHD Sets exist only on Hyper-V, but '" + spec.host()
                    + "' is a " + kind);
        }
        spec.credentials().ifPresent(cred -> {
            if (cred.gmsa() && !spec.guestOs().isWindows()) {
                throw new ValidationException("credentials.gmsa", who + ": a group Managed Service Account"
                        + " works only for Windows guests, but the guest runs " + spec.guestOs());
            }
        });
        Set<String> visible = context.storageVisibleFrom(spec.host());
        for (int i = 0; i < spec.disks().size(); i++) {
            VirtualDisk d = spec.disks().get(i);
            if (d.storage().isPresent() && !visible.contains(d.storage().get().toLowerCase())) {
                throw new ValidationException("disks[" + i + "].storage", who + ": storage '" + d.storage().get()
                        + "' is not declared on host '" + spec.host() + "' or its parent; known: "
                        + (visible.isEmpty() ? "none" : String.join(", ", new TreeSet<>(visible))));
            }
        }
    }

    /** Seeds 002, 003: exactly one backup server. */
    static void checkExactlyOneBackupServer(List<String> backupServers, String field) {
        if (backupServers.size() != 1) {
            throw new ValidationException(field, backupServers.isEmpty()
                    ? "no server holds the BACKUP_SERVER role; exactly one must"
                    : "exactly one server may hold the BACKUP_SERVER role, found " + backupServers.size() + ": "
                            + String.join(", ", backupServers));
        }
    }

    /** Roles every backup server gets when it is registered (seeds 001, 002, 003). */
    static List<ServerRole> backupServerDefaultRoles() {
        return List.of(ServerRole.of(RoleType.BACKUP_SERVER), ServerRole.of(RoleType.VMWARE_PROXY),
                ServerRole.of(RoleType.GENERAL_PURPOSE_PROXY), ServerRole.of(RoleType.GUEST_INTERACTION));
    }
}
