package io.ferry.api.inventory;

import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * JSON export and import of the whole inventory (format documented in
 * {@code docs/inventory-format.md}). Export is deterministic: export, import, export gives
 * identical bytes. Import checks the whole file first, with errors naming the field path
 * (e.g. {@code servers[3].networks[0]}); a file with any problem changes nothing.
 */
@ProviderType
public interface InventoryTransfer {

    /** Writes the inventory as JSON; streams, so memory does not grow with its size. */
    void exportTo(OutputStream out);

    /**
     * Validates {@code file} and, unless {@code validateOnly}, replaces the whole inventory
     * with its content in one transaction.
     */
    ImportReport importFrom(Path file, boolean validateOnly);

    /** Writes servers as a JSON array, each in the form the export file uses. */
    void writeServers(List<ManagedServer> servers, OutputStream out);

    /** Writes hosts as a JSON array, each in the form the export file uses. */
    void writeHosts(List<PlatformHost> hosts, OutputStream out);

    /** Writes VMs as a JSON array, each in the form the export file uses. */
    void writeVms(List<VirtualMachine> vms, OutputStream out);
}
