package io.ferry.shell.internal;

import io.ferry.api.FerryException;
import io.ferry.api.ValidationException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Function;
import org.apache.karaf.shell.api.console.Session;

/**
 * Where a repository password comes from, in this order: {@code --password-file FILE}
 * (its first line), the environment variable {@value #VARIABLE} of the Karaf process, or a
 * prompt on the session's terminal. Passwords are {@code char[]} so that callers can wipe
 * them ({@link #wipe}); they are never printed or logged.
 */
final class Passwords {

    static final String VARIABLE = "FERRY_REPOSITORY_PASSWORD";
    static final String PROMPT = "Repository password: ";
    static final String REPEAT_PROMPT = "Repeat the password: ";

    private final Session session;
    private final Function<String, String> environment;

    /**
     * @param environment looks up an environment variable ({@code System::getenv} in Karaf),
     *                    null when it is not set
     */
    Passwords(Session session, Function<String, String> environment) {
        this.session = session;
        this.environment = Objects.requireNonNull(environment, "environment");
    }

    /**
     * The password of an existing repository.
     *
     * @param passwordFile the {@code --password-file} value, already resolved; null when not given
     */
    char[] existing(Path passwordFile) {
        if (passwordFile != null) {
            return fromFile(passwordFile);
        }
        char[] fromEnvironment = fromEnvironment();
        if (fromEnvironment != null) {
            return fromEnvironment;
        }
        return prompt(PROMPT);
    }

    /** The password of a new repository: like {@link #existing}, but a prompt asks twice and compares. */
    char[] forNewRepository(Path passwordFile) {
        if (passwordFile != null) {
            return fromFile(passwordFile);
        }
        char[] fromEnvironment = fromEnvironment();
        if (fromEnvironment != null) {
            return fromEnvironment;
        }
        char[] first = prompt(PROMPT);
        char[] second = prompt(REPEAT_PROMPT);
        try {
            if (!Arrays.equals(first, second)) {
                wipe(first);
                throw new ValidationException("password", "the two entries differ; nothing was created."
                        + " Run ferry:repo-init again and type the same password twice");
            }
            return first;
        } finally {
            wipe(second);
        }
    }

    static void wipe(char[] password) {
        if (password != null) {
            Arrays.fill(password, '\0');
        }
    }

    /** The first line of the file, without its line break (read as the repository service reads it). */
    static char[] fromFile(Path file) {
        return io.ferry.api.repository.RepositoryService.readPasswordFile(file);
    }

    /** The variable's value, or null when it is not set or empty. */
    private char[] fromEnvironment() {
        String value = environment.apply(VARIABLE);
        return value == null || value.isEmpty() ? null : value.toCharArray();
    }

    private char[] prompt(String prompt) {
        if (session == null) {
            throw noPrompt();
        }
        String line;
        try {
            line = session.readLine(prompt, '*');
        } catch (UnsupportedOperationException e) {
            throw noPrompt();
        } catch (IOException e) {
            throw new FerryException("Cannot read the repository password from the terminal: "
                    + FileTarget.describe(e), e);
        }
        if (line == null || line.isEmpty()) {
            throw new ValidationException("password", "none was entered; type the repository password, or use"
                    + " --password-file FILE or the environment variable " + VARIABLE);
        }
        return line.toCharArray();
    }

    private static FerryException noPrompt() {
        return new FerryException("No repository password: this session cannot prompt for one (bin/client -b, or"
                + " ssh with a command). Use --password-file FILE (first line: the password) or set " + VARIABLE
                + " in the environment of the Karaf process");
    }
}
