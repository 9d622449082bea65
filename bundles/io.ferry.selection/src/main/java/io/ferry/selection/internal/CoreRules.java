package io.ferry.selection.internal;

import io.ferry.api.inventory.ManagedServer;
import io.ferry.api.inventory.OsFamily;
import io.ferry.api.inventory.OsInfo;
import io.ferry.api.inventory.ServerSpec;
import io.ferry.api.job.ServerChoice;
import io.ferry.api.selection.RuleVerdict;
import java.util.List;
import java.util.Set;

/**
 * The rules of the selection core, as pure functions of a server and what they look at.
 * Their names are stable ids shown in explanations (docs/selection.md); plugins add theirs
 * through the SPI.
 */
final class CoreRules {
    static final String SERVER_ENABLED = "server-enabled";
    static final String PREFERRED_GUEST_PROXIES = "preferred-guest-proxies";
    static final String LINUX_CANNOT_SERVE_WINDOWS_GUEST = "linux-cannot-serve-windows-guest";
    static final String GMSA_NEEDS_WINDOWS_PROXY = "gmsa-needs-windows-proxy";
    static final String RHEL9_GUEST_INTERACTION_PACKAGES = "rhel9-guest-interaction-packages";
    static final String JOB_PROXY_LIST = "job-proxy-list";
    static final String TRANSPORT_NEGOTIATION = "transport-negotiation";

    /** Packages guest interaction needs on RHEL / Rocky Linux 9 and later (seed 001). */
    static final List<String> RHEL9_PACKAGES = List.of("libmsi1", "samba-client", "samba-common-tools");

    private static final Set<String> RHEL_FAMILY = Set.of("rhel", "redhat", "red-hat", "rocky", "rockylinux");

    private CoreRules() {
    }

    static RuleVerdict serverEnabled(ManagedServer server) {
        return server.spec().enabled()
                ? RuleVerdict.pass(SERVER_ENABLED, "enabled", "")
                : RuleVerdict.fail(SERVER_ENABLED, "Server '" + server.name() + "' is disabled and is never chosen for"
                        + " new work (ferry:server-update --enable " + server.name() + ")", "");
    }

    /** Seed 000: "Prefer the following guest interaction proxy servers" limits the candidates. */
    static RuleVerdict preferredGuestProxy(ManagedServer server, ServerChoice choice) {
        if (choice.automatic()) {
            return RuleVerdict.pass(PREFERRED_GUEST_PROXIES, "automatic selection: every server may serve",
                    Seeds.CHOOSE_GUEST_PROXY);
        }
        return choice.allows(server.name())
                ? RuleVerdict.pass(PREFERRED_GUEST_PROXIES, "in the job's preferred guest interaction proxies",
                        Seeds.CHOOSE_GUEST_PROXY)
                : RuleVerdict.fail(PREFERRED_GUEST_PROXIES, "not in the job's preferred guest interaction proxies ("
                        + String.join(", ", choice.servers()) + ")", Seeds.CHOOSE_GUEST_PROXY);
    }

    /** Seeds 000 and 001: Linux-based guest interaction proxies cannot access Windows guests. */
    static RuleVerdict linuxCannotServeWindowsGuest(ManagedServer server, boolean windowsGuest) {
        if (!windowsGuest) {
            return RuleVerdict.pass(LINUX_CANNOT_SERVE_WINDOWS_GUEST, "the guest runs Linux", Seeds.GUEST_INTERACTION_BOTH);
        }
        return isWindows(server)
                ? RuleVerdict.pass(LINUX_CANNOT_SERVE_WINDOWS_GUEST, "Windows server, Windows guest",
                        Seeds.GUEST_INTERACTION_BOTH)
                : RuleVerdict.fail(LINUX_CANNOT_SERVE_WINDOWS_GUEST, "Linux server '" + server.name()
                        + "' cannot access Windows guests; a Windows server must serve them",
                        Seeds.GUEST_INTERACTION_BOTH);
    }

    /** Seed 001: a gMSA guest account forces a Windows guest interaction proxy. */
    static RuleVerdict gmsaNeedsWindowsProxy(ManagedServer server, boolean gmsa) {
        if (!gmsa) {
            return RuleVerdict.pass(GMSA_NEEDS_WINDOWS_PROXY, "the guest account is not a gMSA", Seeds.GUEST_INTERACTION);
        }
        return isWindows(server)
                ? RuleVerdict.pass(GMSA_NEEDS_WINDOWS_PROXY, "Windows server can use the gMSA guest account",
                        Seeds.GUEST_INTERACTION)
                : RuleVerdict.fail(GMSA_NEEDS_WINDOWS_PROXY, "the guest account is a group Managed Service Account"
                        + " (gMSA), which Linux server '" + server.name() + "' cannot use; a Windows server is needed",
                        Seeds.GUEST_INTERACTION);
    }

    /** Seed 001: RHEL / Rocky Linux 9+ need libmsi1, samba-client and samba-common-tools. */
    static RuleVerdict rhel9GuestInteractionPackages(ManagedServer server) {
        if (!needsRhel9Packages(server.spec().os())) {
            return RuleVerdict.pass(RHEL9_GUEST_INTERACTION_PACKAGES, "not RHEL or Rocky Linux 9 or later",
                    Seeds.GUEST_INTERACTION);
        }
        List<String> missing = missingRhel9Packages(server.spec());
        return missing.isEmpty()
                ? RuleVerdict.pass(RHEL9_GUEST_INTERACTION_PACKAGES, String.join(", ", RHEL9_PACKAGES) + " installed",
                        Seeds.GUEST_INTERACTION)
                : RuleVerdict.fail(RHEL9_GUEST_INTERACTION_PACKAGES, "Server '" + server.name() + "' runs "
                        + server.spec().os() + " without " + String.join(", ", missing), Seeds.GUEST_INTERACTION);
    }

    static boolean needsRhel9Packages(OsInfo os) {
        return os.family() == OsFamily.LINUX && RHEL_FAMILY.contains(os.distribution())
                && os.majorVersion().orElse(0) >= 9;
    }

    static List<String> missingRhel9Packages(ServerSpec spec) {
        return RHEL9_PACKAGES.stream().filter(p -> !spec.installedPackages().contains(p)).toList();
    }

    /** docs/selection.md: the job's explicit proxy list limits the backup proxies. */
    static RuleVerdict jobProxyList(ManagedServer server, ServerChoice choice) {
        if (choice.automatic()) {
            return RuleVerdict.pass(JOB_PROXY_LIST, "automatic proxy selection", "");
        }
        return choice.allows(server.name())
                ? RuleVerdict.pass(JOB_PROXY_LIST, "in the job's proxy list", "")
                : RuleVerdict.fail(JOB_PROXY_LIST, "not in the job's proxy list (" + String.join(", ", choice.servers())
                        + ")", "");
    }

    static boolean isWindows(ManagedServer server) {
        return server.spec().os().family() == OsFamily.WINDOWS;
    }
}
