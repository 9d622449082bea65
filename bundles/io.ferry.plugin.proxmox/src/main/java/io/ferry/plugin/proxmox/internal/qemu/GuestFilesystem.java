package io.ferry.plugin.proxmox.internal.qemu;

import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * A mounted file system as {@code guest-get-fsinfo} reports it.
 *
 * @param name       the guest's device name, e.g. {@code vda}
 * @param mountpoint e.g. {@code /data}
 * @param type       e.g. {@code ext4}
 * @param devices    the guest device paths under it, e.g. {@code /dev/vda} (may be empty)
 * @param usedBytes  when the agent reports it
 * @param totalBytes when the agent reports it
 */
public record GuestFilesystem(String name, String mountpoint, String type, List<String> devices, OptionalLong usedBytes,
        OptionalLong totalBytes) {

    public GuestFilesystem {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(mountpoint, "mountpoint");
        Objects.requireNonNull(type, "type");
        devices = List.copyOf(devices);
        Objects.requireNonNull(usedBytes, "usedBytes");
        Objects.requireNonNull(totalBytes, "totalBytes");
    }
}
