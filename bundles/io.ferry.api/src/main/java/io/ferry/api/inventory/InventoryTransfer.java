package io.ferry.api.inventory;

import java.io.InputStream;
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

    /**
     * A server as one JSON object states it: what is declared, and the roles exactly as listed
     * (none added; the import adds guest interaction to a server without it, the inventory
     * service when a server is added).
     *
     * @param spec  the declared server
     * @param roles the roles the object lists, one per type, ordered by type
     * @since 1.3
     */
    record ServerEntry(ServerSpec spec, List<ServerRole> roles) {
        public ServerEntry {
            Checks.notNull("spec", spec);
            roles = new ManagedServer("entry", 1, spec, roles).roles();
        }
    }

    /**
     * Reads one server in the form {@link #writeServers} writes each (an element of the
     * export file's {@code servers}), e.g. a REST request body. {@code id} and {@code version}
     * are ignored; a member the format does not know is refused naming it. Only parses and
     * validates the object itself: rules involving other objects are the inventory service's.
     * Needs no role, records nothing, changes nothing; does not close {@code json}.
     *
     * @throws io.ferry.api.ValidationException naming the field ({@code roles[1].type}) of bad
     *         or malformed input
     * @since 1.3
     */
    ServerEntry readServer(InputStream json);

    /**
     * Reads one role as a server's {@code roles} array lists it ({@code {"type": "VMWARE_PROXY",
     * "transportMode": "AUTOMATIC", ...}}); as {@link #readServer}.
     *
     * @since 1.3
     */
    ServerRole readRole(InputStream json);

    /**
     * Reads one host in the form {@link #writeHosts} writes each; as {@link #readServer}.
     *
     * @since 1.3
     */
    HostSpec readHost(InputStream json);

    /**
     * Reads one VM in the form {@link #writeVms} writes each; as {@link #readServer}.
     *
     * @since 1.3
     */
    VmSpec readVm(InputStream json);
}
