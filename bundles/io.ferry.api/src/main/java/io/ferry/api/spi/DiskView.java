package io.ferry.api.spi;

import java.util.Objects;

/**
 * A point-in-time, read-only view of one disk of a running VM, for the data mover.
 *
 * @param disk          the disk label
 * @param location      where to read it (an {@code nbd+unix://} or {@code nbd://} URI, or a path)
 * @param sizeBytes     its size
 * @param dirtyBitmap   the dirty bitmap exported with it that holds the changes since the
 *                      last good backup, or null: read it whole
 * @param changeNote    why there is no usable bitmap (first backup, VM restarted, resized,
 *                      last backup failed, ...), or null when {@code dirtyBitmap} is set
 */
public record DiskView(String disk, String location, long sizeBytes, String dirtyBitmap, String changeNote) {
    public DiskView {
        Objects.requireNonNull(disk, "disk");
        Objects.requireNonNull(location, "location");
    }
}
