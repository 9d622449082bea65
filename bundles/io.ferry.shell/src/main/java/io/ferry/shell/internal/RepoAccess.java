package io.ferry.shell.internal;

import io.ferry.api.FerryException;
import io.ferry.api.ValidationException;
import io.ferry.api.repository.Repository;
import io.ferry.api.repository.RepositoryService;
import io.ferry.api.session.SessionService;
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

    /** The repository a command works on, and the directory its messages name. */
    record Opened(Repository repository, Path directory) {
    }

    /** The option text that names the repository again in a hint, e.g. {@code --repo /srv/ferry/repo}. */
    static String option(String repo, String jobRepo) {
        return jobRepo != null && !jobRepo.isBlank() ? "--job-repo " + jobRepo.strip() : "--repo " + repo;
    }

    /**
     * Opens the repository named by {@code --repo DIRECTORY} (password from {@code --password-file},
     * the environment or a prompt) or by {@code --job-repo SERVER}: the job repository of that
     * repository server, opened by the job runner with its own password, which the user never sees.
     */
    static Opened open(RepositoryService service, SessionService sessions, Session session,
            Function<String, String> environment, String repo, String jobRepo, String passwordFile, String command) {
        if (jobRepo == null || jobRepo.isBlank()) {
            if (repo == null || repo.isBlank()) {
                throw new ValidationException("--repo", "name the repository: " + command + " --repo DIRECTORY ..."
                        + " for a repository made with ferry:repo-init, or " + command + " --job-repo SERVER ... for"
                        + " the repository the jobs store to on that repository server");
            }
            Path directory = directory(session, repo, command);
            return new Opened(open(service, session, environment, directory, passwordFile), directory);
        }
        if (repo != null) {
            throw new ValidationException("--job-repo", "give --repo DIRECTORY or --job-repo SERVER, not both");
        }
        if (passwordFile != null) {
            throw new ValidationException("--password-file", "a job repository is opened with Ferry's own password:"
                    + " leave out --password-file");
        }
        if (sessions == null) {
            throw new FerryException("The job runner (bundle io.ferry.jobs) is not running: job repositories cannot"
                    + " be opened");
        }
        Repository repository = sessions.jobRepository(jobRepo.strip());
        return new Opened(repository, repository.info().path());
    }
}
