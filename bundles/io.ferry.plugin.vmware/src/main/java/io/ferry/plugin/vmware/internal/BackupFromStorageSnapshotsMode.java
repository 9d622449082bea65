package io.ferry.plugin.vmware.internal;

import io.ferry.api.inventory.HostStorage;
import io.ferry.api.inventory.ManagedServer;
import io.ferry.api.inventory.Platform;
import io.ferry.api.inventory.PlatformHost;
import io.ferry.api.inventory.TransportMode;
import io.ferry.api.selection.TransportStep;
import io.ferry.api.spi.DiskContext;
import io.ferry.api.spi.StorageSnapshotProvider;
import io.ferry.api.spi.TransportModeProvider;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Backup from Storage Snapshots (seed 003): offered first, but only where an installed
 * storage integration ({@link StorageSnapshotProvider}, usually a vendor bundle) supports the
 * disk's datastore. Integrations come and go at runtime (whiteboard); when several support a
 * datastore, the first by name is named, so plans stay deterministic.
 */
@Component(service = TransportModeProvider.class)
public final class BackupFromStorageSnapshotsMode implements TransportModeProvider {

    static final String MODE = "backup-from-storage-snapshots";
    private static final Logger LOG = LoggerFactory.getLogger(BackupFromStorageSnapshotsMode.class);

    private final List<StorageSnapshotProvider> providers = new CopyOnWriteArrayList<>();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addStorageSnapshotProvider(StorageSnapshotProvider provider) {
        providers.add(provider);
        LOG.info("Storage integration '{}' available for Backup from Storage Snapshots", provider.name());
    }

    void removeStorageSnapshotProvider(StorageSnapshotProvider provider) {
        providers.remove(provider);
        LOG.info("Storage integration '{}' removed", provider.name());
    }

    @Override
    public Platform platform() {
        return Platform.VMWARE;
    }

    @Override
    public String mode() {
        return MODE;
    }

    @Override
    public int preference() {
        return 0;
    }

    @Override
    public TransportStep evaluate(ManagedServer proxy, DiskContext disk) {
        Optional<String> forbidden = TransportRestrictions.of(proxy, disk)
                .forbids(TransportMode.BACKUP_FROM_STORAGE_SNAPSHOTS);
        if (forbidden.isPresent()) {
            return TransportStep.unavailable(MODE, forbidden.get());
        }
        Optional<String> datastore = VsphereTopology.datastore(disk);
        if (datastore.isEmpty()) {
            return TransportStep.unavailable(MODE, VsphereTopology.noDatastore(disk));
        }
        Optional<HostStorage> storage = disk.storage();
        Optional<PlatformHost> owner = VsphereTopology.owner(disk);
        if (storage.isEmpty() || owner.isEmpty()) {
            return TransportStep.unavailable(MODE, "datastore " + datastore.get() + " is not declared on host "
                    + disk.vm().host().name() + " or its vCenter");
        }
        List<StorageSnapshotProvider> installed = providers.stream()
                .sorted(Comparator.comparing(StorageSnapshotProvider::name)).toList();
        for (StorageSnapshotProvider provider : installed) {
            if (provider.supports(storage.get(), owner.get())) {
                return TransportStep.ok(MODE, "storage integration '" + provider.name() + "' snapshots datastore "
                        + datastore.get() + " of " + owner.get().name());
            }
        }
        return TransportStep.unavailable(MODE, "no storage integration for datastore " + datastore.get()
                + (installed.isEmpty() ? " (none installed)"
                        : " (installed: " + String.join(", ", installed.stream().map(StorageSnapshotProvider::name)
                                .toList()) + ")"));
    }
}
