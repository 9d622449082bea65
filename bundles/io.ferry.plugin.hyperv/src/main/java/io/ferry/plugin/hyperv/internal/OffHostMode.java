package io.ferry.plugin.hyperv.internal;

import io.ferry.api.inventory.HostStorage;
import io.ferry.api.inventory.ManagedServer;
import io.ferry.api.inventory.Platform;
import io.ferry.api.selection.TransportStep;
import io.ferry.api.spi.DiskContext;
import io.ferry.api.spi.TransportModeProvider;
import java.util.Optional;
import org.osgi.service.component.annotations.Component;

/**
 * Off-host backup (seed 004): an off-host proxy reads the disk from shared storage, a CSV
 * (SAN) volume through a transportable shadow copy or an SMB3 share. Host-local storage, or
 * a disk whose storage is not declared, cannot be read off-host; such disks go on-host (see
 * {@link HypervPlatformSupport#noProxyFallback}). The proxy's own requirements are the
 * {@code ProxyRule}s of this bundle.
 */
@Component(service = TransportModeProvider.class)
public final class OffHostMode implements TransportModeProvider {

    static final String MODE = "hyperv-off-host";

    @Override
    public Platform platform() {
        return Platform.HYPERV;
    }

    @Override
    public String mode() {
        return MODE;
    }

    @Override
    public int preference() {
        return 10;
    }

    @Override
    public TransportStep evaluate(ManagedServer proxy, DiskContext disk) {
        Optional<HostStorage> storage = HypervTopology.storage(disk);
        if (storage.isEmpty()) {
            return TransportStep.unavailable(MODE, HypervTopology.describe(disk) + " names no storage; off-host backup"
                    + " reads CSV (SAN) volumes and SMB3 shares");
        }
        String name = storage.get().name();
        return switch (storage.get().kind()) {
            case CSV -> TransportStep.ok(MODE, "off-host proxy " + proxy.name() + " reads CSV " + name
                    + " from a transportable shadow copy over SAN");
            case SMB3 -> TransportStep.ok(MODE, "off-host proxy " + proxy.name() + " reads SMB3 share " + name);
            default -> TransportStep.unavailable(MODE, HypervTopology.describe(disk) + " is on " + storage.get().kind()
                    + " storage " + name + " of host " + disk.vm().host().name() + "; off-host backup reads CSV (SAN)"
                    + " volumes and SMB3 shares only");
        };
    }
}
