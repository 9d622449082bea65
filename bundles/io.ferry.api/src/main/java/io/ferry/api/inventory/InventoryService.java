package io.ferry.api.inventory;

import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The configuration database of the backup infrastructure. Every change is one
 * transaction that either applies whole or not at all; every change is checked against
 * the inventory rules of the product documentation first.
 *
 * <p>Objects are addressed by name (case-insensitive) or id. Errors:
 * {@link io.ferry.api.ValidationException} for bad input or a broken rule,
 * {@link io.ferry.api.NotFoundException} for an unknown name,
 * {@link io.ferry.api.ConflictException} when the name is taken or the object changed
 * since it was read, {@link io.ferry.api.ReferencedException} when a removal would leave
 * dangling references.
 */
@ProviderType
public interface InventoryService {

    // --- managed servers -------------------------------------------------------------

    /** All managed servers, ordered by name. */
    List<ManagedServer> servers();

    Optional<ManagedServer> server(String nameOrId);

    /** The one server holding {@link RoleType#BACKUP_SERVER}. */
    ManagedServer backupServer();

    /**
     * Adds a server. It gets the {@link RoleType#GUEST_INTERACTION} role (seed 001). A
     * RHEL or Rocky Linux 9+ server must declare the packages guest interaction needs.
     */
    ManagedServer addServer(ServerSpec spec);

    /**
     * Replaces what is declared about a server. Fails with a conflict if the server's
     * version is no longer {@code expectedVersion}.
     */
    ManagedServer updateServer(String nameOrId, long expectedVersion, ServerSpec spec);

    /**
     * Removes a server. Refused for the backup server and for a server that still holds
     * proxy or repository roles or is referenced by a host; the error lists the references.
     */
    void removeServer(String nameOrId);

    /** Assigns a role, or replaces its settings if the server holds it already. */
    ManagedServer assignRole(String serverNameOrId, ServerRole role);

    ManagedServer removeRole(String serverNameOrId, RoleType type);

    // --- platform hosts --------------------------------------------------------------

    /** All platform hosts, ordered by name. */
    List<PlatformHost> hosts();

    Optional<PlatformHost> host(String nameOrId);

    PlatformHost addHost(HostSpec spec);

    /**
     * Replaces what is declared about a host; it keeps its id, so the VMs running on it and
     * the hosts naming it as parent follow a rename. Refused if the change would break them
     * (a kind that runs no VMs, storage their disks use, a platform their jobs do not back
     * up). Fails with a conflict if the host's version is no longer {@code expectedVersion}.
     *
     * @since 1.4
     */
    PlatformHost updateHost(String nameOrId, long expectedVersion, HostSpec spec);

    /** Removes a host; refused while VMs run on it or hosts name it as their parent. */
    void removeHost(String nameOrId);

    // --- workloads -------------------------------------------------------------------

    /** Virtual machines matching the query, ordered by name. */
    List<VirtualMachine> vms(VmQuery query);

    Optional<VirtualMachine> vm(String nameOrId);

    VirtualMachine addVm(VmSpec spec);

    /**
     * Replaces what is known about a VM (its disks too); it keeps its id, so the jobs backing
     * it up keep it through a rename or a move to another host of the same platform. Fails with
     * a conflict if the VM's version is no longer {@code expectedVersion}.
     *
     * @since 1.4
     */
    VirtualMachine updateVm(String nameOrId, long expectedVersion, VmSpec spec);

    void removeVm(String nameOrId);

    // --- whole inventory -------------------------------------------------------------

    InventorySummary summary();

    /** Everything, read in one transaction. */
    InventorySnapshot snapshot();
}
