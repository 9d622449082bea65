package io.ferry.example.acme.internal;

import io.ferry.api.inventory.HostStorage;
import io.ferry.api.inventory.ManagedServer;
import io.ferry.api.inventory.Platform;
import io.ferry.api.selection.RuleVerdict;
import io.ferry.api.spi.DiskContext;
import io.ferry.api.spi.ProxyRule;
import java.util.Optional;
import org.osgi.service.component.annotations.Component;

/**
 * A VMware proxy reads a disk on an Acme datastore only if it can reach the array: it mounts
 * the array snapshot (Backup from Storage Snapshots) and, should that fail, the array's LUNs
 * stay the proxy's business too. Disks elsewhere are none of this rule's concern.
 */
@Component(service = ProxyRule.class)
public final class AcmeArrayAccessRule implements ProxyRule {

    static final String NAME = "acme-proxy-has-array-access";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Optional<Platform> platform() {
        return Optional.of(Platform.VMWARE);
    }

    @Override
    public RuleVerdict evaluate(ManagedServer candidate, DiskContext disk) {
        Optional<HostStorage> storage = disk.storage();
        if (storage.isEmpty() || !AcmeArrays.holds(storage.get())) {
            return RuleVerdict.pass(NAME, storage.map(s -> "datastore " + s.name() + " is not on an "
                    + AcmeArrays.PRODUCT).orElse("the disk's datastore is not declared; not an Acme datastore"), "");
        }
        String datastore = storage.get().name();
        if (AcmeArrays.reaches(candidate)) {
            return RuleVerdict.pass(NAME, candidate.name() + " reaches the " + AcmeArrays.PRODUCT + " behind datastore "
                    + datastore + " (fact " + AcmeArrays.ARRAY_ACCESS_FACT + "=true)", "");
        }
        return RuleVerdict.fail(NAME, candidate.name() + " cannot reach the " + AcmeArrays.PRODUCT + " behind datastore "
                + datastore + "; zone it to the array, then declare it: " + AcmeArrays.declareAccess(candidate.name()),
                "");
    }
}
