package io.ferry.api.spi;

import io.ferry.api.inventory.VirtualMachine;
import io.ferry.api.session.ChangedBlockLedger;
import java.util.Map;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Takes point-in-time views of a running VM's disks, with guest processing (freeze and
 * thaw of the guest file systems) and changed-block tracking, for platforms that can do it
 * here (QEMU / Proxmox VE through QMP and the QEMU guest agent). The job runner asks the
 * first provider that {@link #supports} a VM; VMs no provider supports are read from their
 * disk locations as they are.
 *
 * @since 1.1
 */
@ConsumerType
public interface PointInTimeProvider {

    /** True when this provider can take views of this VM (e.g. its disks are on a QMP socket). */
    boolean supports(VirtualMachine vm);

    /**
     * Freezes the guest (when {@code guestProcessing} and an agent answers), creates the
     * views, thaws at once. {@code ledger} holds the current entries of the VM's disks
     * (by label), to decide whether a disk's bitmap can be trusted.
     *
     * @param guestProxy the guest interaction proxy chosen by the plan (for the record)
     */
    PointInTime open(VirtualMachine vm, boolean guestProcessing, String guestProxy,
            Map<String, ChangedBlockLedger> ledger);
}
