package io.ferry.plugin.proxmox.internal.qemu;

import java.util.Objects;
import java.util.Optional;

/**
 * The point-in-time view of one disk, read-only over NBD.
 *
 * @param node            the disk's block node
 * @param sizeBytes       the disk's virtual size
 * @param exportName      the NBD export name
 * @param nbdUri          where to read it, {@code nbd+unix:///<export>?socket=<path>}
 * @param changedBitmap   for an incremental view, the bitmap that holds the blocks changed
 *                        since the previous backup up to this view's point in time; read its
 *                        extents through the NBD meta context {@link #dirtyBitmapContext()}
 * @param recordingBitmap the new persistent bitmap that records writes from this view's point
 *                        in time on (the base of the next incremental after a commit)
 */
public record DiskView(String node, long sizeBytes, String exportName, String nbdUri, Optional<String> changedBitmap,
        String recordingBitmap) {

    public DiskView {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(exportName, "exportName");
        Objects.requireNonNull(nbdUri, "nbdUri");
        Objects.requireNonNull(changedBitmap, "changedBitmap");
        Objects.requireNonNull(recordingBitmap, "recordingBitmap");
    }

    /** {@code qemu:dirty-bitmap:<changedBitmap>}, for NBD block status; empty for a full view. */
    public Optional<String> dirtyBitmapContext() {
        return changedBitmap.map(b -> "qemu:dirty-bitmap:" + b);
    }

    public boolean incremental() {
        return changedBitmap.isPresent();
    }
}
