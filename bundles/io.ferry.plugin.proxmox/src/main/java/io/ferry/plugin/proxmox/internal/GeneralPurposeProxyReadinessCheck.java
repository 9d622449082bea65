package io.ferry.plugin.proxmox.internal;

import io.ferry.api.inventory.InventorySnapshot;
import io.ferry.api.inventory.ManagedServer;
import io.ferry.api.inventory.RoleType;
import io.ferry.api.selection.CheckResult;
import io.ferry.api.selection.Severity;
import io.ferry.api.spi.ReadinessCheck;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/**
 * Requirements of a general-purpose backup proxy (seed 002), the proxy Proxmox VE disks are
 * read by: a Microsoft Windows or Linux server; and, reported per server for information,
 * whether it can serve backup from storage system snapshots, which needs Windows ("For Veeam
 * Agent backup from storage system snapshots, the role of a backup proxy must be assigned to
 * a Microsoft Windows server"). That second requirement is {@link Severity#INFO}: a Linux
 * proxy does not meet it, but is fine for everything else, so {@code ferry:check} shows it as
 * information, never as a failure. The OS requirement is an error.
 */
@Component(service = ReadinessCheck.class)
public final class GeneralPurposeProxyReadinessCheck implements ReadinessCheck {

    static final String NAME = "general-purpose-proxy-requirements";
    private static final String SEED = Seeds.GENERAL_PURPOSE_PROXIES;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public RoleType role() {
        return RoleType.GENERAL_PURPOSE_PROXY;
    }

    @Override
    public List<CheckResult> check(ManagedServer server, InventorySnapshot inventory) {
        return List.of(os(server), storageSnapshots(server));
    }

    private static CheckResult os(ManagedServer server) {
        String check = "general-purpose-proxy-os";
        return switch (server.spec().os().family()) {
            case WINDOWS, LINUX -> CheckResult.ok(check, server.name() + " runs " + server.spec().os()
                    + "; general-purpose proxies run on Microsoft Windows or Linux", SEED);
        };
    }

    private static CheckResult storageSnapshots(ManagedServer server) {
        String check = "storage-snapshot-integration-needs-windows";
        if (server.spec().os().isWindows()) {
            return CheckResult.ok(check, server.name() + " runs Microsoft Windows: it can also back up from storage"
                    + " system snapshots", SEED).withSeverity(Severity.INFO);
        }
        return CheckResult.info(check, server.name() + " runs " + server.spec().os() + ": fine for Proxmox VE and"
                + " unstructured data backup, but backup from storage system snapshots needs a Microsoft Windows"
                + " proxy", "only for storage snapshot integration: assign the role to a Windows server too"
                        + " (ferry:role-assign WINDOWS-SERVER general-purpose-proxy); nothing to do otherwise", SEED);
    }
}
