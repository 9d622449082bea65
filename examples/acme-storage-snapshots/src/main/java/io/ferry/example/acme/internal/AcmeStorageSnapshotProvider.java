package io.ferry.example.acme.internal;

import io.ferry.api.inventory.HostStorage;
import io.ferry.api.inventory.Platform;
import io.ferry.api.inventory.PlatformHost;
import io.ferry.api.spi.StorageSnapshotProvider;
import org.osgi.service.component.annotations.Component;

/**
 * Enables Backup from Storage Snapshots (seed 003) for VMFS datastores on Acme FlashArrays:
 * the VMware plugin offers that mode first wherever a provider supports the disk's datastore.
 */
@Component(service = StorageSnapshotProvider.class)
public final class AcmeStorageSnapshotProvider implements StorageSnapshotProvider {

    @Override
    public String name() {
        return AcmeArrays.PRODUCT;
    }

    @Override
    public boolean supports(HostStorage storage, PlatformHost host) {
        return host.kind().platform() == Platform.VMWARE && AcmeArrays.holds(storage);
    }
}
