package io.ferry.jobs.internal;

import io.ferry.api.FerryException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.ToLongFunction;

/**
 * Refuses to start a job when the file system of the catalog (the embedded H2 inventory under
 * {@code ${karaf.data}/ferry}) is nearly full: a job that fills the disk, typically with a repository on the
 * same file system, must not leave the catalog unable to record how the session ended (issue 10).
 * Configured by {@code catalog.directory} (empty: no check, e.g. with the catalog on PostgreSQL) and
 * {@code catalog.min.free.mb} in {@code etc/io.ferry.jobs.cfg}.
 */
final class CatalogSpace {
    private final Optional<Path> directory;
    private final long minFreeBytes;
    private final ToLongFunction<Path> usableSpace;

    CatalogSpace(Optional<Path> directory, long minFreeBytes) {
        this(directory, minFreeBytes, CatalogSpace::usableBytes);
    }

    /** {@code usableSpace}: free bytes this process may use on the file system of a path (tests). */
    CatalogSpace(Optional<Path> directory, long minFreeBytes, ToLongFunction<Path> usableSpace) {
        if (minFreeBytes < 0) {
            throw new IllegalArgumentException("catalog.min.free.mb must not be negative");
        }
        this.directory = directory.map(d -> d.toAbsolutePath().normalize());
        this.minFreeBytes = minFreeBytes;
        this.usableSpace = usableSpace;
    }

    /**
     * Throws, naming the directory and the free bytes, when fewer than the minimum are free.
     *
     * @param what what would start, for the message ("Job 'nightly'")
     */
    void check(String what) {
        if (directory.isEmpty() || minFreeBytes == 0) {
            return;
        }
        Path existing = directory.get();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return;
        }
        long free = usableSpace.applyAsLong(existing);
        if (free < minFreeBytes) {
            throw new FerryException(what + " not started: the file system of the catalog "
                    + directory.get() + " has only " + free + " bytes free (" + (free >> 20) + " MiB), less than the "
                    + (minFreeBytes >> 20) + " MiB kept free so the catalog can always record sessions. Free some"
                    + " space (a repository on the same file system? ferry:prune), or change catalog.min.free.mb"
                    + " in etc/io.ferry.jobs.cfg");
        }
    }

    private static long usableBytes(Path p) {
        try {
            return Files.getFileStore(p).getUsableSpace();
        } catch (IOException e) {
            throw new FerryException("Cannot read the free space of the catalog's file system at " + p + ": "
                    + e.getMessage(), e);
        }
    }
}
