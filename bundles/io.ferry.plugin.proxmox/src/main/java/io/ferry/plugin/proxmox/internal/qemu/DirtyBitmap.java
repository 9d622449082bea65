package io.ferry.plugin.proxmox.internal.qemu;

import java.util.Objects;

/**
 * A dirty bitmap of a block node, as QEMU reports it ({@code dirty-bitmaps} of
 * {@code query-named-block-nodes} / {@code query-block}).
 *
 * @param name         the bitmap's name
 * @param count        dirty bytes recorded
 * @param granularity  bytes per bit (for qcow2 the cluster size, 64 KiB by default)
 * @param recording    enabled: it records new writes
 * @param persistent   stored in the qcow2 image when QEMU closes it cleanly
 * @param busy         in use by an export or a job, so it cannot be changed now
 * @param inconsistent QEMU did not close the image cleanly (crash, kill -9) while the bitmap
 *                     was in use: its content is unknown and it cannot be used
 */
public record DirtyBitmap(String name, long count, long granularity, boolean recording, boolean persistent, boolean busy,
        boolean inconsistent) {

    public DirtyBitmap {
        Objects.requireNonNull(name, "name");
    }
}
