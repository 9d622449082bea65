package io.ferry.shell.internal;

import io.ferry.api.ValidationException;
import io.ferry.api.repository.Repository;
import io.ferry.api.repository.RepositoryService;
import java.nio.file.Path;
import java.util.function.Function;
import org.apache.karaf.shell.api.console.Session;

/**
 * What the repository commands share: the repository directory and other paths taken
 * relative to the shell's directory, and opening the repository with the password from
 * {@link Passwords}, wiped right after use.
 */
final class RepoAccess {

    private RepoAccess() {
    }

    /**
     * The {@code --repo} directory.
     *
     * @param command the command, for the example in the error, e.g. {@code ferry:backups}
     */
    static Path directory(Session session, String repo, String command) {
        if (repo == null || repo.isBlank()) {
            throw new ValidationException("--repo", "name the repository directory, e.g. " + command
                    + " --repo /srv/ferry/repo ... (create one with ferry:repo-init)");
        }
        return path(session, repo, "--repo");
    }

    /** A path option or argument, relative to the shell's directory ({@code cd}) unless absolute. */
    static Path path(Session session, String value, String option) {
        if (value == null || value.isBlank()) {
            throw new ValidationException(option, "is empty");
        }
        return FileTarget.resolve(session == null ? null : session.currentDir(), value);
    }

    /** The {@code --password-file} path, or null when the option was not given. */
    static Path passwordFile(Session session, String passwordFile) {
        return passwordFile == null ? null : path(session, passwordFile, "--password-file");
    }

    /** Opens the repository: the password comes from the file, the environment or a prompt, and is wiped after. */
    static Repository open(RepositoryService service, Session session, Function<String, String> environment,
            Path directory, String passwordFile) {
        Path file = passwordFile(session, passwordFile);
        if (file != null) {
            // the service reads the file: it confines password files to password.roots, never etc/
            return service.open(directory, file);
        }
        char[] password = new Passwords(session, environment).existing(null);
        try {
            return service.open(directory, password);
        } finally {
            Passwords.wipe(password);
        }
    }
}
