package io.ferry.mover.internal.nativeio;

/**
 * The part of {@code struct stat} the disk code needs.
 *
 * @param mode   {@code st_mode} (type and permission bits)
 * @param size   {@code st_size} in bytes (0 for block devices: use {@link NativeFile#blockDeviceSize()})
 * @param blocks {@code st_blocks}, allocated 512-byte units
 */
public record FileStat(int mode, long size, long blocks) {

    public boolean isRegularFile() {
        return (mode & LibC.S_IFMT) == LibC.S_IFREG;
    }

    public boolean isBlockDevice() {
        return (mode & LibC.S_IFMT) == LibC.S_IFBLK;
    }

    public boolean isDirectory() {
        return (mode & LibC.S_IFMT) == LibC.S_IFDIR;
    }

    /** Bytes actually allocated on disk ({@code st_blocks * 512}). */
    public long allocatedBytes() {
        return blocks * 512;
    }
}
