package io.ferry.repository.remote;

import io.ferry.api.repository.InitOptions;
import io.ferry.api.repository.Repository;
import io.ferry.repository.internal.NewRepository;
import io.ferry.repository.internal.RemoteRepository;
import java.util.Objects;

/**
 * Opens the key side of a repository on a {@link StoreLink}: an ordinary
 * {@link Repository} whose backups are chunked, compressed and encrypted here and stored by
 * the other side. {@code prune} applies the retention policy here and has the store delete and
 * collect garbage (locked backups are kept, an append-only store refuses); {@code verify} reads
 * and checks every chunk here and reports, but does not heal (a verify where the repository
 * is records and moves damaged chunks aside).
 */
public final class RemoteRepositories {

    private RemoteRepositories() {
    }

    /**
     * Unlocks with the password (PBKDF2 over the key file, as a local open). The link is closed
     * with the repository; when opening fails the link stays open and the caller closes it.
     */
    public static Repository open(StoreLink link, char[] password) {
        return open(link, password, RemoteOptions.DEFAULT);
    }

    public static Repository open(StoreLink link, char[] password, RemoteOptions options) {
        Objects.requireNonNull(link, "link");
        Objects.requireNonNull(password, "password");
        try (KeyMaterial keys = KeyMaterial.unlock(RemoteRepository.await(link.images(), options, "read the key file"),
                password)) {
            return open(link, keys, options);
        }
    }

    /**
     * Unlocks with exported key material (the caller closes {@code keys} afterwards; the
     * repository keeps its own copy in key objects only). Checks the config's MAC with it.
     */
    public static Repository open(StoreLink link, KeyMaterial keys) {
        return open(link, keys, RemoteOptions.DEFAULT);
    }

    public static Repository open(StoreLink link, KeyMaterial keys, RemoteOptions options) {
        Objects.requireNonNull(link, "link");
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(options, "options");
        return RemoteRepository.open(link, keys.encoded(), options);
    }

    /**
     * Makes a new repository's {@code config} and {@code keys/key}, here on the key side, exactly
     * as a local init does (a random 16-byte id, the chunk size of {@code options}, created now
     * to the second, fresh master keys wrapped under {@code password} with
     * {@code options.kdfIterations()}), without any directory. The repository server creates
     * the repository from them with {@link RepositoryStores#create(java.nio.file.Path, RepositoryImages)}
     * (they are harmless without the password); then {@link #open(StoreLink, char[])} opens it.
     *
     * @throws io.ferry.api.ValidationException {@code password} when it is shorter than 8 characters
     * @since 1.1
     */
    public static RepositoryImages newImages(char[] password, InitOptions options) {
        return NewRepository.images(password, options);
    }

    /** Exports the key material of the repository behind {@code link}, unlocked with the password. */
    public static KeyMaterial exportKey(StoreLink link, char[] password) {
        return KeyMaterial.unlock(RemoteRepository.await(link.images(), RemoteOptions.DEFAULT, "read the key file"),
                password);
    }
}
