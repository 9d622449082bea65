package io.ferry.api.inventory;

import java.util.Optional;

/** Kinds of platform hosts, with the kind each may be a member of. */
public enum HostKind {
    VCENTER(Platform.VMWARE, null),
    ESXI(Platform.VMWARE, VCENTER),
    HYPERV_CLUSTER(Platform.HYPERV, null),
    HYPERV_HOST(Platform.HYPERV, HYPERV_CLUSTER),
    PROXMOX_NODE(Platform.PROXMOX, null);

    private final Platform platform;
    private final HostKind parentKind;

    HostKind(Platform platform, HostKind parentKind) {
        this.platform = platform;
        this.parentKind = parentKind;
    }

    public Platform platform() {
        return platform;
    }

    /** The kind of host this one may belong to (ESXi to vCenter, Hyper-V host to cluster). */
    public Optional<HostKind> parentKind() {
        return Optional.ofNullable(parentKind);
    }

    /** True for hosts that run VMs themselves (not vCenter or a cluster object). */
    public boolean runsVms() {
        return this == ESXI || this == HYPERV_HOST || this == PROXMOX_NODE;
    }
}
