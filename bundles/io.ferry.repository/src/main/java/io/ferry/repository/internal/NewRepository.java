package io.ferry.repository.internal;

import io.ferry.api.ValidationException;
import io.ferry.api.repository.InitOptions;
import io.ferry.api.repository.RepositoryException;
import io.ferry.api.repository.RepositoryException.Reason;
import io.ferry.repository.remote.RepositoryImages;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * How a repository comes to be, in two halves that may run on different machines: {@link #make}
 * creates its {@code config} and {@code keys/key} (needs the password; the key side), and
 * {@link #lay} writes them into a new directory with the rest of the layout (needs no key; the
 * storage side). A local init runs both; a repository server creating a repository from images
 * made on the key side runs only the second, after {@link #check}.
 */
public final class NewRepository {

    static final int MIN_PASSWORD_LENGTH = 8;
    private static final String[] SUBDIRECTORIES = {"keys", "chunks", "backups", "tmp", "locks"};
    /** The largest config or key file a store takes (it hands them out with the same limit). */
    static final int MAX_IMAGE = 64 << 10;

    /** The two files of a new repository, with what they say. */
    record Made(RepositoryConfig config, KeyFile keyFile, String configText, String keyFileText) {
        RepositoryImages images() {
            return new RepositoryImages(configText, keyFileText);
        }
    }

    private NewRepository() {
    }

    /** For the key side without a directory: see {@code RemoteRepositories.newImages}. */
    public static RepositoryImages images(char[] password, InitOptions options) {
        checkPassword(password);
        Objects.requireNonNull(options, "options");
        return make(password, options, new SecureRandom(), Clock.systemUTC()).images();
    }

    static void checkPassword(char[] password) {
        if (password == null || password.length < MIN_PASSWORD_LENGTH) {
            throw new ValidationException("password", "is shorter than " + MIN_PASSWORD_LENGTH
                    + " characters; choose a longer one");
        }
    }

    /**
     * A new repository's config and key file: a random 16-byte id, the chunk size of
     * {@code options}, created now (to the second), fresh master keys wrapped under the password.
     */
    static Made make(char[] password, InitOptions options, SecureRandom random, Clock clock) {
        byte[] id = new byte[16];
        random.nextBytes(id);
        RepositoryConfig config = RepositoryConfig.create(id, options.chunkSize(),
                clock.instant().truncatedTo(ChronoUnit.SECONDS));
        byte[] material = new byte[MasterKeys.MATERIAL_LENGTH];
        random.nextBytes(material);
        MasterKeys keys = MasterKeys.fromMaterial(material);
        Arrays.fill(material, (byte) 0);
        try {
            KeyFile keyFile = KeyFile.create(password, config, options.kdfIterations(), keys, random);
            return new Made(config, keyFile, config.toJson(keys), keyFile.toJson());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this Java runtime cannot derive or wrap keys: " + e.getMessage(), e);
        }
    }

    /**
     * Checks images received from elsewhere as far as it can without the key: the config parses
     * as a repository config of a format this Ferry writes, the key file as a key file of the same
     * repository. Their MAC and wrapping are checked only by whoever opens with the password.
     *
     * @return the config
     * @throws ValidationException naming {@code config} or {@code keyFile}
     * @throws RepositoryException UNSUPPORTED_VERSION for a config of a newer format
     */
    static RepositoryConfig check(RepositoryImages images) {
        Objects.requireNonNull(images, "images");
        checkSize("config", images.config());
        checkSize("keyFile", images.keyFile());
        Map<String, Object> fields = RemoteKeys.configFields(images.config(),
                problem -> new ValidationException("config", "is not a Ferry repository config: " + problem));
        RepositoryConfig config;
        try {
            config = RepositoryConfig.fromFields(fields);
        } catch (IllegalArgumentException e) {
            throw new ValidationException("config", "is not a valid Ferry repository config: " + e.getMessage());
        }
        KeyFile keyFile;
        try {
            keyFile = KeyFile.parse(images.keyFile());
        } catch (RuntimeException e) {
            // untrusted text: whatever the parser trips over, the answer is the same
            throw new ValidationException("keyFile", "is not a Ferry key file: " + e.getMessage());
        }
        if (!config.id().equals(keyFile.repository())) {
            throw new ValidationException("keyFile", "belongs to repository " + keyFile.repository()
                    + ", but the config is repository " + config.id());
        }
        return config;
    }

    private static void checkSize(String field, String text) {
        int bytes = text.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_IMAGE) {
            throw new ValidationException(field, "has " + bytes + " bytes, more than the " + MAX_IMAGE
                    + " a repository file of this kind can have");
        }
    }

    /** Refuses a directory that is a file, holds a repository or is not empty. */
    static void requireEmpty(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        if (!Files.isDirectory(root)) {
            throw new RepositoryException(Reason.ALREADY_EXISTS, "cannot create a repository at " + root
                    + ": it is a file; choose an empty or new directory");
        }
        if (Files.exists(root.resolve("config"))) {
            throw new RepositoryException(Reason.ALREADY_EXISTS, root + " already holds a Ferry repository;"
                    + " open it, or choose an empty or new directory");
        }
        try (Stream<Path> entries = Files.list(root)) {
            long count = entries.count();
            if (count > 0) {
                throw new RepositoryException(Reason.ALREADY_EXISTS, "cannot create a repository in " + root
                        + ": the directory is not empty (" + count + " entries); choose an empty or new directory");
            }
        } catch (IOException e) {
            throw new RepositoryException(Reason.IO, "cannot list " + root + ": " + e.getMessage(), e);
        }
    }

    /**
     * Creates the repository's directory layout in {@code root} (new or empty): owner-only
     * directories, the {@code lock} file that claims the directory, {@code keys/key} written
     * durably, and the config last, so that until it exists the directory is not a repository.
     */
    static void lay(Path root, String configText, String keyFileText) {
        requireEmpty(root);
        try {
            OwnerOnly.directory(root);
            // claims the directory: a concurrent creation in the same directory fails here
            Files.createFile(root.resolve("lock"), OwnerOnly.file(root));
            for (String sub : SUBDIRECTORIES) {
                OwnerOnly.directory(root.resolve(sub));
            }
            Path tmp = root.resolve("tmp");
            DurableFiles.write(tmp, root.resolve("keys").resolve("key"), keyFileText.getBytes(StandardCharsets.UTF_8));
            DurableFiles.syncDirectory(root.resolve("keys"));
            DurableFiles.write(tmp, root.resolve("config"), configText.getBytes(StandardCharsets.UTF_8));
            DurableFiles.syncDirectory(root);
        } catch (FileAlreadyExistsException e) {
            throw new RepositoryException(Reason.ALREADY_EXISTS, "cannot create a repository in " + root
                    + ": another repository is being created there; choose an empty or new directory", e);
        } catch (IOException e) {
            throw new RepositoryException(Reason.IO, "cannot create a repository in " + root + ": " + e.getMessage(), e);
        }
    }
}
