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
 * Seed 004, SMB3 storage: the off-host backup proxy must have read access to the SMB3 share,
 * and its LocalSystem account read permission on it: its {@code smb.localsystem-read} fact
 * lists the share.
 */
@Component(service = ProxyRule.class)
public final class SmbLocalSystemReadRule implements ProxyRule {

    static final String NAME = "smb-read-access-localsystem";

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
        if (!HypervTopology.isOn(disk, StorageKind.SMB3)) {
            return RuleVerdict.pass(NAME, HypervTopology.notApplicable(disk, StorageKind.SMB3), Seeds.OFFHOST);
        }
        HostStorage share = HypervTopology.storage(disk).orElseThrow();
        ListFact readable = ListFact.of(candidate, ServerFacts.SMB_LOCALSYSTEM_READ);
        if (readable.contains(share.name())) {
            return RuleVerdict.pass(NAME, "the LocalSystem account of " + candidate.name() + " reads SMB3 share "
                    + share.name() + " (" + readable.describe() + ")", Seeds.OFFHOST);
        }
        return RuleVerdict.fail(NAME, "the LocalSystem account of " + candidate.name() + " has no read access to SMB3"
                + " share " + share.name() + " (" + readable.describe() + ")", Seeds.OFFHOST);
    }
}
