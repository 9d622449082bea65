package io.ferry.plugin.proxmox.internal;

import io.ferry.api.inventory.InventorySnapshot;
import io.ferry.api.inventory.ManagedServer;
import io.ferry.api.inventory.RoleType;
import io.ferry.api.selection.CheckResult;
import io.ferry.api.spi.ReadinessCheck;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/**
 * Requirements of a general-purpose backup proxy (seed 002), the proxy Proxmox VE disks are
 * read by: a Microsoft Windows or Linux server; and, reported per server for information,
 * whether it can serve backup from storage system snapshots, which needs Windows. That second
 * result fails on a Linux proxy although the proxy is fine for everything else; its detail
 * and fix say so.
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
                    + " system snapshots", SEED);
        }
        return CheckResult.fail(check, server.name() + " runs " + server.spec().os() + ": fine for Proxmox VE and"
                + " unstructured data backup, but backup from storage system snapshots needs a Microsoft Windows"
                + " proxy", "only for storage snapshot integration: assign the role to a Windows server too"
                        + " (ferry:role-assign WINDOWS-SERVER general-purpose-proxy); nothing to do otherwise", SEED);
    }
}
