package io.ferry.plugin.vmware.internal;

import io.ferry.api.inventory.ManagedServer;
import io.ferry.api.inventory.Platform;
import io.ferry.api.inventory.ServerFacts;
import io.ferry.api.inventory.TransportMode;
import io.ferry.api.selection.TransportStep;
import io.ferry.api.spi.DiskContext;
import io.ferry.api.spi.TransportModeProvider;
import java.util.Optional;
import org.osgi.service.component.annotations.Component;

/**
 * Direct storage access (seed 003): the proxy reads the datastore itself over SAN or NFS.
 * Available when the proxy's {@code san.access} fact lists the disk's datastore and the
 * job and proxy allow the mode.
 */
@Component(service = TransportModeProvider.class)
public final class DirectStorageAccessMode implements TransportModeProvider {

    static final String MODE = "direct-storage-access";

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
        return 10;
    }

    @Override
    public TransportStep evaluate(ManagedServer proxy, DiskContext disk) {
        Optional<String> forbidden = TransportRestrictions.of(proxy, disk).forbids(TransportMode.DIRECT_STORAGE_ACCESS);
        if (forbidden.isPresent()) {
            return TransportStep.unavailable(MODE, forbidden.get());
        }
        return reach(proxy, disk).step(MODE);
    }

    /** Whether the proxy can read the disk's datastore over SAN/NFS, restrictions aside. */
    static Reach reach(ManagedServer proxy, DiskContext disk) {
        Optional<String> datastore = VsphereTopology.datastore(disk);
        if (datastore.isEmpty()) {
            return Reach.no(VsphereTopology.noDatastore(disk));
        }
        ListFact san = ListFact.of(proxy, ServerFacts.SAN_ACCESS);
        if (san.contains(datastore.get())) {
            return Reach.yes("proxy " + proxy.name() + " reads datastore " + datastore.get()
                    + " directly over SAN/NFS (" + san.describe() + ")");
        }
        return Reach.no("proxy " + proxy.name() + " has no SAN/NFS access to datastore " + datastore.get()
                + " (" + san.describe() + ")");
    }
}
