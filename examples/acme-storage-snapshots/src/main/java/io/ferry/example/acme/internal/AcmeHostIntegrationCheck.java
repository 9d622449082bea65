package io.ferry.example.acme.internal;

import io.ferry.api.inventory.HostStorage;
import io.ferry.api.inventory.InventorySnapshot;
import io.ferry.api.inventory.ManagedServer;
import io.ferry.api.inventory.Platform;
import io.ferry.api.inventory.RoleType;
import io.ferry.api.selection.CheckResult;
import io.ferry.api.spi.ReadinessCheck;
import java.util.List;
import java.util.TreeSet;
import org.osgi.service.component.annotations.Component;

/**
 * {@code ferry:check} for VMware proxies: where the inventory has Acme datastores, a proxy
 * that cannot reach the arrays is never chosen for their disks, so say so before a job does.
 * A warning, not an error: the proxy still serves every other datastore.
 */
@Component(service = ReadinessCheck.class)
public final class AcmeHostIntegrationCheck implements ReadinessCheck {

    static final String NAME = "acme-host-integration";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public RoleType role() {
        return RoleType.VMWARE_PROXY;
    }

    @Override
    public List<CheckResult> check(ManagedServer server, InventorySnapshot inventory) {
        TreeSet<String> datastores = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        inventory.hosts().stream().filter(h -> h.kind().platform() == Platform.VMWARE)
                .flatMap(h -> h.spec().storage().stream()).filter(AcmeArrays::holds).map(HostStorage::name)
                .forEach(datastores::add);
        if (datastores.isEmpty()) {
            return List.of(CheckResult.ok(NAME, "no datastore of the inventory is on an " + AcmeArrays.PRODUCT
                    + " (VMFS, named " + AcmeArrays.DATASTORE_PREFIX + "*)", ""));
        }
        String names = String.join(", ", datastores);
        if (AcmeArrays.reaches(server)) {
            return List.of(CheckResult.ok(NAME, server.name() + " reaches the " + AcmeArrays.PRODUCT
                    + " and can mount snapshots of " + names, ""));
        }
        return List.of(CheckResult.warning(NAME, server.name() + " cannot reach the " + AcmeArrays.PRODUCT + " holding "
                + names + " (fact " + AcmeArrays.ARRAY_ACCESS_FACT + " is not true), so it is never chosen for their"
                + " disks", "zone " + server.name() + " to the array's iSCSI or FC targets, then "
                + AcmeArrays.declareAccess(server.name()), ""));
    }
}
