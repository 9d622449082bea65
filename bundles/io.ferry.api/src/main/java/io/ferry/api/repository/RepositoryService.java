package io.ferry.api.repository;

import java.nio.file.Path;
import org.osgi.annotation.versioning.ProviderType;

/** Creates and opens repositories (directories on a local or mounted file system). */
@ProviderType
public interface RepositoryService {

    /**
     * Creates a repository in {@code dir} (created if missing; must be empty). Generates a
     * random master key and stores it encrypted under a key derived from {@code password}.
     * Throws {@link RepositoryException} {@code ALREADY_EXISTS} when the directory is not
     * empty, {@code ValidationException} for a password shorter than 8 characters.
     */
    RepositoryInfo init(Path dir, char[] password, InitOptions options);

    /**
     * Opens a repository. Throws {@link RepositoryException} {@code NOT_A_REPOSITORY},
     * {@code UNSUPPORTED_VERSION} or {@code WRONG_PASSWORD}; opening never modifies anything.
     */
    Repository open(Path dir, char[] password);
}
