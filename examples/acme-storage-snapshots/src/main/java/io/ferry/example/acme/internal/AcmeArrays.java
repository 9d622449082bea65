package io.ferry.example.acme.internal;

import io.ferry.api.inventory.HostStorage;
import io.ferry.api.inventory.ManagedServer;
import io.ferry.api.inventory.StorageKind;
import java.util.Locale;

/**
 * What the Acme integration knows about the inventory: which datastores live on an Acme
 * FlashArray and which servers can reach one. A real integration would ask the array's
 * management API; this example goes by naming convention and a declared server fact, so it
 * stays a pure function of the inventory, as every rule must be.
 */
final class AcmeArrays {
    /** The integration's name, as plans and ferry:plugins show it. */
    static final String PRODUCT = "Acme FlashArray";
    /** VMFS datastores whose name starts with this live on an Acme array. */
    static final String DATASTORE_PREFIX = "acme-";
    /** Server fact declaring that the server is zoned to the Acme arrays (iSCSI/FC) and may mount their snapshots. */
    static final String ARRAY_ACCESS_FACT = "acme.array-access";

    private AcmeArrays() {
    }

    static boolean holds(HostStorage storage) {
        return storage.kind() == StorageKind.VMFS
                && storage.name().toLowerCase(Locale.ROOT).startsWith(DATASTORE_PREFIX);
    }

    static boolean reaches(ManagedServer server) {
        return server.spec().factIsTrue(ARRAY_ACCESS_FACT);
    }

    /** The command that declares array access, for fixes. */
    static String declareAccess(String server) {
        return "ferry:server-update --fact " + ARRAY_ACCESS_FACT + "=true " + server;
    }
}
