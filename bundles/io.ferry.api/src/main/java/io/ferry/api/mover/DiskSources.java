package io.ferry.api.mover;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Opens disk sources and targets by location. Accepted locations: a local path or
 * {@code file:} URI (regular file or block device), {@code nbd://host[:port]/export},
 * {@code nbds://...} (TLS), {@code nbd+unix:///export?socket=/path} and
 * {@code nbds+unix://...}. Errors name the location and the failing call.
 *
 * <p>Ferry's implementation confines locations with the {@link io.ferry.api.paths.PathPolicy}:
 * local sources to {@code disk.roots}, restore targets to {@code restore.roots}, NBD sockets
 * to {@code socket.roots} and TCP NBD servers to {@code nbd.hosts}, refusing anything else
 * with a {@link io.ferry.api.paths.PathNotAllowedException} before it touches the location.
 */
@ProviderType
public interface DiskSources {

    /** Opens a source for reading. */
    DiskSource open(String location, SourceOptions options);

    /**
     * Opens a restore target of {@code size} bytes. A path that does not exist is created
     * as a sparse file; an existing file is only overwritten when {@code overwrite} is true
     * (it is then truncated to the size; a block device or NBD export must be at least
     * {@code size} bytes).
     */
    DiskTarget create(String location, long size, boolean overwrite, SourceOptions options);

    /**
     * Checks, touching nothing, that restore targets may be created at {@code location} (a
     * target location, or a directory that restore targets will be created in). The default
     * accepts everything; Ferry's implementation applies its path policy.
     *
     * @throws io.ferry.api.paths.PathNotAllowedException when the location is not allowed
     * @since 1.1
     */
    default void checkTarget(String location) {
        // no confinement by default
    }
}
