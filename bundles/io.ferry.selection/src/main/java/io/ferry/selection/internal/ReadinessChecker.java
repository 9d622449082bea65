package io.ferry.selection.internal;

import io.ferry.api.inventory.InventorySnapshot;
import io.ferry.api.inventory.ManagedServer;
import io.ferry.api.inventory.RoleType;
import io.ferry.api.inventory.ServerRole;
import io.ferry.api.selection.CheckResult;
import io.ferry.api.selection.ReadinessReport;
import io.ferry.api.selection.Severity;
import io.ferry.api.spi.ReadinessCheck;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ferry:check}: for each server and each role it holds, the core's requirements and
 * every installed {@link ReadinessCheck} of that role. A role nobody checks gets one OK
 * result saying so, so the report always shows every role. A check that throws or returns
 * nothing is an error result naming the defect.
 */
final class ReadinessChecker {
    static final String NO_REQUIREMENTS = "no requirements registered";
    static final String REQUIREMENTS = "requirements";
    private static final Logger LOG = LoggerFactory.getLogger(ReadinessChecker.class);

    private ReadinessChecker() {
    }

    static List<ReadinessReport> check(List<ManagedServer> servers, InventorySnapshot inventory, PluginSet plugins) {
        List<ReadinessReport> out = new ArrayList<>();
        for (ManagedServer server : servers) {
            for (ServerRole role : server.roles()) {
                out.add(new ReadinessReport(server.name(), role.type(), results(server, role.type(), inventory, plugins)));
            }
        }
        return out;
    }

    private static List<CheckResult> results(ManagedServer server, RoleType role, InventorySnapshot inventory,
            PluginSet plugins) {
        List<CheckResult> results = new ArrayList<>(core(server, role));
        for (ReadinessCheck check : plugins.readinessChecks()) {
            if (check.role() == role) {
                results.addAll(run(check, server, inventory));
            }
        }
        if (results.isEmpty()) {
            results.add(CheckResult.ok(REQUIREMENTS, NO_REQUIREMENTS, ""));
        }
        return results;
    }

    private static List<CheckResult> run(ReadinessCheck check, ManagedServer server, InventorySnapshot inventory) {
        try {
            List<CheckResult> r = check.check(server, inventory);
            return r != null ? r : List.of(CheckResult.fail(check.name(), "the check returned no results",
                    "report this defect to the plugin's vendor", ""));
        } catch (RuntimeException e) {
            LOG.warn("Readiness check {} failed on server {}", check.name(), server.name(), e);
            return List.of(CheckResult.fail(check.name(), "the check failed: " + e,
                    "report this defect to the plugin's vendor (details in the Karaf log)", ""));
        }
    }

    /** The core's own requirements: guest interaction (seed 001); the RHEL 9 packages are an error (a "must"). */
    static List<CheckResult> core(ManagedServer server, RoleType role) {
        if (role != RoleType.GUEST_INTERACTION) {
            return List.of();
        }
        return List.of(enabled(server), rhel9Packages(server));
    }

    /** A warning: disabling a server is the operator's choice, and the others (and the backup server) take over. */
    private static CheckResult enabled(ManagedServer server) {
        return server.spec().enabled()
                ? CheckResult.ok(CoreRules.SERVER_ENABLED, "enabled", "").withSeverity(Severity.WARNING)
                : CheckResult.warning(CoreRules.SERVER_ENABLED, "disabled: never chosen as guest interaction proxy",
                        "enable it: ferry:server-update --enable " + server.name(), "");
    }

    private static CheckResult rhel9Packages(ManagedServer server) {
        String check = CoreRules.RHEL9_GUEST_INTERACTION_PACKAGES;
        if (!CoreRules.needsRhel9Packages(server.spec().os())) {
            return CheckResult.ok(check, "not needed on " + server.spec().os() + " (only RHEL and Rocky Linux 9 or"
                    + " later need " + String.join(", ", CoreRules.RHEL9_PACKAGES) + ")", Seeds.GUEST_INTERACTION);
        }
        List<String> missing = CoreRules.missingRhel9Packages(server.spec());
        if (missing.isEmpty()) {
            return CheckResult.ok(check, String.join(", ", CoreRules.RHEL9_PACKAGES) + " installed",
                    Seeds.GUEST_INTERACTION);
        }
        return CheckResult.fail(check, server.spec().os() + " without " + String.join(", ", missing),
                "install them on the server and declare them: ferry:server-update --package "
                        + String.join(" --package ", missing) + " " + server.name(), Seeds.GUEST_INTERACTION);
    }
}
