package io.ferry.mover.internal.nativeio;

import com.sun.jna.Native;
import com.sun.jna.Platform;
import io.ferry.api.FerryException;
import java.util.Objects;

/**
 * Loads libc and libnbd on first use and keeps them for the owner's lifetime (one instance
 * per {@code DiskSourcesImpl}). A proxy without libnbd still reads local disks; opening an
 * NBD location then fails with a message naming the Debian package.
 */
public final class NativeLibraries {

    private final String libcName;
    private final String libnbdName;
    private NativeIo io;
    private LibNbd nbd;

    public NativeLibraries() {
        this("c", "nbd");
    }

    /** Library names as {@code Native.load} takes them (tests pass a missing name). */
    public NativeLibraries(String libcName, String libnbdName) {
        this.libcName = Objects.requireNonNull(libcName, "libcName");
        this.libnbdName = Objects.requireNonNull(libnbdName, "libnbdName");
    }

    /** libc, for opening {@code location} (named in the error when the platform is not supported). */
    public synchronized NativeIo io(String location) {
        if (io == null) {
            requireSupportedPlatform(location);
            try {
                io = new NativeIo(Native.load(libcName, LibC.class));
            } catch (UnsatisfiedLinkError e) {
                throw new FerryException("Cannot load the C library '" + libcName + "' to open " + location + ": "
                        + e.getMessage(), e);
            }
        }
        return io;
    }

    /** libnbd, for opening {@code location}. */
    public synchronized LibNbd nbd(String location) {
        if (nbd == null) {
            requireSupportedPlatform(location);
            try {
                nbd = Native.load(libnbdName, LibNbd.class);
            } catch (UnsatisfiedLinkError e) {
                throw new FerryException("libnbd is not installed (Debian package libnbd0): cannot open " + location
                        + " (install it with 'apt-get install libnbd0')", e);
            }
        }
        return nbd;
    }

    private static void requireSupportedPlatform(String location) {
        if (!Platform.isLinux() || !"x86-64".equals(Platform.ARCH)) {
            throw new FerryException("Cannot open " + location + ": native disk access needs Linux on x86-64, this JVM"
                    + " runs on " + System.getProperty("os.name") + "/" + Platform.ARCH
                    + " (run the proxy on a Linux x86-64 host)");
        }
    }
}
