package io.ferry.plugin.proxmox.internal.qemu;

import java.util.Objects;
import java.util.Optional;

/**
 * One disk of a {@link FleecingBackup#start point-in-time view}.
 *
 * @param node            the block node of the running disk (e.g. the qcow2 node {@code disk0},
 *                        or Proxmox VE's {@code drive-scsi0})
 * @param previousBitmap  the bitmap the last good backup of this disk left recording
 *                        ({@link FleecingView#bitmapForNextBackup}); empty for a full backup
 * @param recordingBitmap the name of the new bitmap that records from the view's point in time
 *                        on; empty: a generated {@code ferry-<random>} name
 */
public record FleecingRequest(String node, Optional<String> previousBitmap, Optional<String> recordingBitmap) {

    public FleecingRequest {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(previousBitmap, "previousBitmap");
        Objects.requireNonNull(recordingBitmap, "recordingBitmap");
        if (recordingBitmap.isPresent() && recordingBitmap.equals(previousBitmap)) {
            throw new IllegalArgumentException("the new bitmap of disk node '" + node + "' needs another name than the"
                    + " previous one, " + previousBitmap.get());
        }
    }

    public FleecingRequest(String node, Optional<String> previousBitmap) {
        this(node, previousBitmap, Optional.empty());
    }

    public static FleecingRequest full(String node) {
        return new FleecingRequest(node, Optional.empty());
    }

    public static FleecingRequest incremental(String node, String previousBitmap) {
        return new FleecingRequest(node, Optional.of(previousBitmap));
    }
}
