package io.ferry.plugin.hyperv.internal;

import io.ferry.api.inventory.HostStorage;
import io.ferry.api.inventory.ManagedServer;
import io.ferry.api.inventory.Platform;
import io.ferry.api.inventory.ServerFacts;
import io.ferry.api.inventory.StorageKind;
import io.ferry.api.selection.RuleVerdict;
import io.ferry.api.spi.DiskContext;
import io.ferry.api.spi.ProxyRule;
import java.util.Optional;
import org.osgi.service.component.annotations.Component;

/**
 * Seed 004, CSV (SAN) storage: the off-host backup proxy is connected to the shared storage
 * through the SAN and can read the storage LUNs: its {@code san.access} fact lists the CSV.
 */
@Component(service = ProxyRule.class)
public final class SanReadAccessRule implements ProxyRule {

    static final String NAME = "san-read-access-to-luns";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Optional<Platform> platform() {
        return Optional.of(Platform.HYPERV);
    }

    @Override
    public RuleVerdict evaluate(ManagedServer candidate, DiskContext disk) {
        if (!HypervTopology.isOn(disk, StorageKind.CSV)) {
            return RuleVerdict.pass(NAME, HypervTopology.notApplicable(disk, StorageKind.CSV), Seeds.OFFHOST);
        }
        HostStorage csv = HypervTopology.storage(disk).orElseThrow();
        ListFact san = ListFact.of(candidate, ServerFacts.SAN_ACCESS);
        if (san.contains(csv.name())) {
            return RuleVerdict.pass(NAME, candidate.name() + " reads the LUNs of CSV " + csv.name() + " over SAN ("
                    + san.describe() + ")", Seeds.OFFHOST);
        }
        return RuleVerdict.fail(NAME, candidate.name() + " has no SAN read access to the LUNs of CSV " + csv.name()
                + " (" + san.describe() + ")", Seeds.OFFHOST);
    }
}
