package io.ferry.api.session;

import io.ferry.api.ValidationException;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link JobRepositoryService#restoreVm(VmRestoreRequest, io.ferry.api.repository.ProgressListener)}
 * restores, and where.
 *
 * @param vm        the VM whose disks are restored
 * @param session   the session (id or unique prefix) whose backups are restored; empty: the newest
 *                  session that backed up every disk of the VM
 * @param target    a directory name under the first restore root, an absolute directory inside
 *                  {@code restore.roots} (one {@code VM-DISK.raw} per disk), or an NBD URI prefix
 * @param overwrite whether existing files or exports may be written over
 * @since 1.2
 */
public record VmRestoreRequest(String vm, Optional<String> session, String target, boolean overwrite) {

    public VmRestoreRequest {
        if (vm == null || vm.isBlank()) {
            throw new ValidationException("vm", "is missing: name the VM whose disks to restore");
        }
        vm = vm.strip();
        session = Objects.requireNonNullElse(session, Optional.<String>empty()).map(String::strip)
                .filter(s -> !s.isEmpty());
        if (target == null || target.isBlank()) {
            throw new ValidationException("target", "is missing: name the directory to restore the disks into, e.g."
                    + " web-01 (under restore.roots)");
        }
        target = target.strip();
    }
}
