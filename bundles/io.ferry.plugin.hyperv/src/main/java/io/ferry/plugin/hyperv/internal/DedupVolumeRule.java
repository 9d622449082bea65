package io.ferry.plugin.hyperv.internal;

import io.ferry.api.inventory.HostStorage;
import io.ferry.api.inventory.ManagedServer;
import io.ferry.api.inventory.Platform;
import io.ferry.api.inventory.ServerFacts;
import io.ferry.api.inventory.StorageKind;
import io.ferry.api.selection.RuleVerdict;
import io.ferry.api.spi.DiskContext;
import io.ferry.api.spi.ProxyRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.osgi.service.component.annotations.Component;

/**
 * Seed 004, CSV (SAN) storage with Data Deduplication enabled: the Hyper-V versions of the
 * host and the off-host proxy must coincide and Data Deduplication must be enabled on the
 * proxy ({@code dedup.enabled=true}); otherwise off-host backup fails.
 */
@Component(service = ProxyRule.class)
public final class DedupVolumeRule implements ProxyRule {

    static final String NAME = "dedup-volume-needs-equal-version-and-dedup";

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
        if (!csv.deduplicated()) {
            return RuleVerdict.pass(NAME, "not applicable: CSV " + csv.name() + " is not deduplicated", Seeds.OFFHOST);
        }
        List<String> problems = new ArrayList<>();
        if (!candidate.spec().factIsTrue(ServerFacts.DEDUP_ENABLED)) {
            problems.add("Data Deduplication is not enabled on " + candidate.name() + " (fact "
                    + ServerFacts.DEDUP_ENABLED + " is not true)");
        }
        RuleVerdict versions = HypervVersionEqualsHostRule.verdict(NAME, candidate, disk.vm().host(),
                HypervTopology.version(disk.vm()));
        if (!versions.passed()) {
            problems.add(versions.reason());
        }
        if (problems.isEmpty()) {
            return RuleVerdict.pass(NAME, "CSV " + csv.name() + " is deduplicated: " + candidate.name()
                    + " has Data Deduplication enabled and runs Hyper-V "
                    + HypervTopology.version(disk.vm()).orElseThrow() + " like host " + disk.vm().host().name(),
                    Seeds.OFFHOST);
        }
        return RuleVerdict.fail(NAME, "CSV " + csv.name() + " is deduplicated: " + String.join("; ", problems)
                + " (off-host backup would fail)", Seeds.OFFHOST);
    }
}
