package io.ferry.api.spi;

import io.ferry.api.inventory.HostStorage;
import io.ferry.api.inventory.PlatformHost;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A storage integration (usually a vendor bundle) that can snapshot the array behind a
 * datastore. Where one supports a disk's datastore, VMware proxies are offered the
 * Backup from Storage Snapshots mode first (seed 003).
 */
@ConsumerType
public interface StorageSnapshotProvider {

    /** Integration name, e.g. "Acme FlashArray". */
    String name();

    boolean supports(HostStorage storage, PlatformHost host);
}
