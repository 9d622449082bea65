/**
 * The backup infrastructure inventory: managed servers and the roles they hold, platform
 * hosts (vCenter/ESXi, Hyper-V hosts and clusters, Proxmox VE nodes) and the workloads
 * (virtual machines and their disks) that jobs protect.
 *
 * <p>All types are immutable records validated on construction: an instance that exists
 * is well-formed. Rules that involve more than one object (exactly one backup server,
 * role prerequisites, references) are enforced by {@link io.ferry.api.inventory.InventoryService}.
 *
 * <p>1.2: {@link io.ferry.api.inventory.ImportReport} counts jobs.
 *
 * <p>1.3: {@link io.ferry.api.inventory.InventoryTransfer} reads single servers, roles, hosts
 * and VMs in the export file's form (the REST API's request bodies).
 *
 * <p>1.4: {@link io.ferry.api.inventory.InventoryService#updateHost} and
 * {@link io.ferry.api.inventory.InventoryService#updateVm}.
 */
@Export
@Version("1.4.0")
package io.ferry.api.inventory;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
