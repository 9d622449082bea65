package io.ferry.api.inventory;

import java.util.EnumSet;
import java.util.Set;

/** Kinds of storage a platform host exposes to its VMs. */
public enum StorageKind {
    VMFS(Platform.VMWARE),
    NFS(Platform.VMWARE, Platform.PROXMOX),
    VSAN(Platform.VMWARE),
    /** Hyper-V Cluster Shared Volume on SAN (seed 004). */
    CSV(Platform.HYPERV),
    /** SMB3 file share holding Hyper-V VM files (seed 004). */
    SMB3(Platform.HYPERV),
    /** Host-local disks, any platform. */
    LOCAL(Platform.VMWARE, Platform.HYPERV, Platform.PROXMOX),
    /** Proxmox VE LVM, ZFS or Ceph pool. */
    PVE_POOL(Platform.PROXMOX);

    private final Set<Platform> platforms;

    StorageKind(Platform first, Platform... rest) {
        this.platforms = EnumSet.of(first, rest);
    }

    public boolean existsOn(Platform platform) {
        return platforms.contains(platform);
    }
}
