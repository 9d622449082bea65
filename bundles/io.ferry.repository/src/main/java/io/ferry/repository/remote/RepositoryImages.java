package io.ferry.repository.remote;

import java.util.Objects;

/**
 * What the storage side hands out before any key is involved: the text of the repository's
 * {@code config} (plain JSON, authenticated by its MAC under the key) and of {@code keys/key}
 * (the master key wrapped under the password: harmless without the password).
 *
 * @param config  the {@code config} file
 * @param keyFile the {@code keys/key} file
 */
public record RepositoryImages(String config, String keyFile) {
    public RepositoryImages {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(keyFile, "keyFile");
    }
}
