package io.ferry.plugin.hyperv.internal;

import io.ferry.api.inventory.ManagedServer;
import io.ferry.api.inventory.Platform;
import io.ferry.api.selection.RuleVerdict;
import io.ferry.api.spi.DiskContext;
import io.ferry.api.spi.ProxyRule;
import java.util.Optional;
import org.osgi.service.component.annotations.Component;

/**
 * Seed 004, limitation: an off-host backup proxy must not back up a VM with the VHD Set
 * feature enabled, or the job fails. Every off-host candidate fails for such a VM, so the
 * selection core falls back to on-host backup when the job allows it.
 */
@Component(service = ProxyRule.class)
public final class VhdSetNeverOffHostRule implements ProxyRule {

    static final String NAME = "vhd-set-never-off-host";

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
        String vm = disk.vm().vm().name();
        if (disk.vm().vm().spec().vhdSet()) {
            return RuleVerdict.fail(NAME, "VM " + vm + " uses VHD Sets: off-host proxy " + candidate.name()
                    + " must not back it up (the job would fail)", Seeds.OFFHOST);
        }
        return RuleVerdict.pass(NAME, "VM " + vm + " uses no VHD Set", Seeds.OFFHOST);
    }
}
