package io.ferry.api.session;

import io.ferry.api.mover.RestoreResult;
import java.util.List;
import java.util.Objects;

/**
 * What {@link SessionService#restoreVm} did.
 *
 * @param vm      the VM
 * @param session the session whose backups were restored
 * @param disks   one result per disk, in disk order
 */
public record VmRestoreResult(String vm, String session, List<RestoreResult> disks) {
    public VmRestoreResult {
        Objects.requireNonNull(vm, "vm");
        Objects.requireNonNull(session, "session");
        disks = List.copyOf(disks);
    }
}
