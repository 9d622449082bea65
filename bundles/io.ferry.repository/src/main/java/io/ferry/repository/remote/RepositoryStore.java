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
 * only on this machine, see {@link #writeRules}) is enforced for every caller: {@code append-only=true}
 * refuses every delete, every commit locks its backup for at least {@code min-lock-days}, and a
 * backup committed with a lock date cannot be deleted before it.
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

    /**
     * Creates a repository in {@code dir} from images made on the key side (by
     * {@link RemoteRepositories#newImages}), with the same layout as a local init, and opens it
     * for storing. {@code dir} must be new or empty. Unconfined, like {@link #open(Path)}: a
     * service uses {@link RepositoryStores#create(Path, RepositoryImages)}.
     *
     * <p>The images are checked as far as the storage side can: the config must parse as a
     * repository config and the key file as a key file of the same repository. Their MAC and the
     * wrapping of the key cannot be checked without the key: a forged pair is found by the first
     * key side that opens the repository with the password, not here.
     *
     * @throws io.ferry.api.ValidationException naming {@code config} or {@code keyFile} for malformed images
     * @throws io.ferry.api.repository.RepositoryException ALREADY_EXISTS when {@code dir} is a file, holds a
     *         repository or is not empty; UNSUPPORTED_VERSION for a config of a newer format; IO
     * @since 1.1
     */
    static RepositoryStore create(Path dir, RepositoryImages images) {
        return FileRepositoryStore.create(dir, images, DEFAULT_IDLE_TIMEOUT);
    }

    /**
     * Writes the store rules of the repository in {@code dir} ({@code store-policy.properties},
     * atomically: a temporary file, fsync, rename; mode 0600). Only the repository's own machine
     * calls this, from its local configuration: the rules never travel over a link. They apply
     * from the next delete, prune or commit of every store open on the directory.
     *
     * @throws io.ferry.api.repository.RepositoryException NOT_A_REPOSITORY, IO
     * @since 1.1
     */
    static void writeRules(Path dir, StoreRules rules) {
        FileRepositoryStore.writeRules(dir, rules);
    }

    /**
     * The store rules of the repository in {@code dir} ({@link StoreRules#DEFAULT} without a
     * {@code store-policy.properties}).
     *
     * @throws io.ferry.api.repository.RepositoryException CORRUPT for a malformed policy file, IO
     * @since 1.1
     */
    static StoreRules rules(Path dir) {
        return FileRepositoryStore.rules(dir);
    }

    /** As {@link #open(Path)}, ending sessions idle longer than {@code idleTimeout}. */
    static RepositoryStore open(Path dir, Duration idleTimeout) {
        return FileRepositoryStore.open(dir, idleTimeout);
    }
}
