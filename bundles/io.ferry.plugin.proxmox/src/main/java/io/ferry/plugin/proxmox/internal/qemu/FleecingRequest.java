package io.ferry.plugin.proxmox.internal.qemu;

import java.util.Objects;
import java.util.Optional;

/**
 * One disk of a {@link FleecingBackup#start point-in-time view}.
 *
 * @param node           the block node of the running disk (e.g. the qcow2 node {@code disk0},
 *                       or Proxmox VE's {@code drive-scsi0})
 * @param previousBitmap the bitmap the last good backup of this disk left recording
 *                       ({@link FleecingView#bitmapForNextBackup}); empty for a full backup
 */
public record FleecingRequest(String node, Optional<String> previousBitmap) {

    public FleecingRequest {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(previousBitmap, "previousBitmap");
    }

    public static FleecingRequest full(String node) {
        return new FleecingRequest(node, Optional.empty());
    }

    public static FleecingRequest incremental(String node, String previousBitmap) {
        return new FleecingRequest(node, Optional.of(previousBitmap));
    }
}
