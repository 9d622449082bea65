package io.ferry.repository.remote;

import java.nio.file.Path;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The OSGi service that opens {@link RepositoryStore}s (registered by the repository bundle
 * together with {@code RepositoryService}). Unlike {@link RepositoryStore#open(Path)} it
 * confines directories to the configured repository roots ({@code repository.roots}) and
 * shares the writer lock of each directory with the repositories the same service opened
 * locally, so that a store session and a local backup, verify or prune in one JVM see each
 * other as they would across processes.
 */
@ProviderType
public interface RepositoryStores {

    /**
     * Opens the repository in {@code dir} for storing (the caller needs the admin role).
     *
     * @throws io.ferry.api.paths.PathNotAllowedException outside the repository roots
     * @throws io.ferry.api.repository.RepositoryException as {@link RepositoryStore#open(Path)}
     */
    RepositoryStore openStore(Path dir);

    /**
     * Creates a repository in {@code dir} (new or empty, within the repository roots) from the
     * images made on the key side by {@link RemoteRepositories#newImages}, and opens it for
     * storing (the caller needs the admin role). As {@link RepositoryStore#create(Path, RepositoryImages)},
     * sharing this service's writer lock of the directory.
     *
     * @throws io.ferry.api.paths.PathNotAllowedException outside the repository roots
     * @throws io.ferry.api.ValidationException naming {@code config} or {@code keyFile} for malformed images
     * @throws io.ferry.api.repository.RepositoryException ALREADY_EXISTS when {@code dir} is not new or empty
     * @since 1.1
     */
    RepositoryStore create(Path dir, RepositoryImages images);

    /**
     * The key material of a repository this service opened here (with its password), for
     * handing one task its key over a mutually authenticated channel without the password.
     * Close (zero) it as soon as it is sent.
     *
     * @throws IllegalArgumentException when {@code repository} was not opened by this service
     */
    KeyMaterial exportKey(io.ferry.api.repository.Repository repository);
}
