package io.ferry.repository.remote;

import io.ferry.repository.internal.FileRepositoryStore;
import java.nio.file.Path;
import java.time.Duration;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The storage side of a repository: an existing repository directory (today's format,
 * unchanged) opened without key or password, storing and handing out sealed chunk and
 * manifest files. A transport's server maps each {@link StoreLink} call onto it.
 *
 * <p>Its local policy ({@code store-policy.properties} in the repository directory, written
 * only on this machine) is enforced for every caller: {@code append-only=true} refuses every
 * delete, and a backup committed with a lock date cannot be deleted before it.
 */
@ProviderType
public interface RepositoryStore extends StoreLink {

    /** Sessions idle this long are ended by the store (their lock released) unless told otherwise. */
    Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(10);

    /** The repository directory. */
    Path root();

    /** Ends every session and stops the store's threads. */
    @Override
    void close();

    /**
     * Opens {@code dir} for storing. Reads {@code config} (format and version only: the store
     * cannot check its MAC without the key) and checks that the key file is there; writes
     * nothing.
     *
     * @throws io.ferry.api.repository.RepositoryException NOT_A_REPOSITORY, UNSUPPORTED_VERSION, CORRUPT or IO
     */
    static RepositoryStore open(Path dir) {
        return FileRepositoryStore.open(dir, DEFAULT_IDLE_TIMEOUT);
    }

    /** As {@link #open(Path)}, ending sessions idle longer than {@code idleTimeout}. */
    static RepositoryStore open(Path dir, Duration idleTimeout) {
        return FileRepositoryStore.open(dir, idleTimeout);
    }
}
