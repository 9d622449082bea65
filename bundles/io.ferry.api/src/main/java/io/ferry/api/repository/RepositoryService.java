package io.ferry.api.repository;

import io.ferry.api.FerryException;
import io.ferry.api.ValidationException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
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

    /**
     * Opens a repository with the password on the first line of {@code passwordFile}. The
     * service reads the file, so that it can confine password files: Ferry's implementation
     * reads only files inside {@code password.roots} of the {@link io.ferry.api.paths.PathPolicy}
     * and never one under Ferry's {@code etc/} (a {@link io.ferry.api.paths.PathNotAllowedException}
     * otherwise). The password is wiped after use.
     *
     * @since 1.1
     */
    default Repository open(Path dir, Path passwordFile) {
        char[] password = readPasswordFile(passwordFile);
        try {
            return open(dir, password);
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    /**
     * Creates a repository with the password on the first line of {@code passwordFile}, which
     * is confined like in {@link #open(Path, Path)}.
     *
     * @since 1.1
     */
    default RepositoryInfo init(Path dir, Path passwordFile, InitOptions options) {
        char[] password = readPasswordFile(passwordFile);
        try {
            return init(dir, password, options);
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    /**
     * The first line of a password file (UTF-8, without its line break), for implementations
     * after they checked the path. Errors are on field {@code --password-file}.
     *
     * @since 1.1
     */
    static char[] readPasswordFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ValidationException("--password-file", "'" + file + "' does not exist or is not a regular"
                    + " file; its first line must be the repository password");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new FerryException("Cannot read the password file '" + file + "': " + e.getMessage()
                    + " (it must be readable by the user running Ferry)", e);
        }
        CharBuffer chars = null;
        try {
            chars = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            int end = 0;
            while (end < chars.limit() && chars.get(end) != '\n' && chars.get(end) != '\r') {
                end++;
            }
            if (end == 0) {
                throw new ValidationException("--password-file", "'" + file + "' is empty; its first line must be"
                        + " the repository password");
            }
            char[] password = new char[end];
            chars.get(password, 0, end);
            return password;
        } catch (CharacterCodingException e) {
            throw new ValidationException("--password-file", "'" + file + "' is not UTF-8 text");
        } finally {
            Arrays.fill(bytes, (byte) 0);
            if (chars != null && chars.hasArray()) {
                Arrays.fill(chars.array(), '\0');
            }
        }
    }
}
