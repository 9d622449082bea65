package io.ferry.shell.internal;

import io.ferry.api.FerryException;
import io.ferry.api.ValidationException;
import io.ferry.api.repository.InitOptions;
import io.ferry.api.repository.RepositoryException;
import io.ferry.api.repository.RepositoryInfo;
import io.ferry.api.repository.RepositoryService;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.FileCompleter;
import org.apache.karaf.shell.support.table.ShellTable;

@Service
@Command(scope = "ferry", name = "repo-init", description = "Creates an encrypted backup repository in a directory.",
        detailedDescription = """
                Creates the repository in PATH (created if missing; it must be empty): a
                random master key encrypts every chunk with AES-256-GCM, and the master key
                is stored encrypted under a key derived from the password (PBKDF2). The
                chunk size is fixed for the life of the repository.

                The password comes from --password-file (its first line), else from the
                environment variable FERRY_REPOSITORY_PASSWORD of the Karaf process, else
                from a prompt (asked twice). At least 8 characters.

                THE PASSWORD CANNOT BE RECOVERED OR RESET: without it, the backups in the
                repository cannot be read. Keep it in a password manager or a root-only file.

                Options come before the path.

                Examples:
                  ferry:repo-init /srv/ferry/repo
                  ferry:repo-init --password-file /etc/ferry/repo.pass /srv/ferry/repo
                  ferry:repo-init --chunk-size 1M /srv/ferry/small-disks""")
public class RepoInitCommand implements Action {

    static final String WARNING = "WARNING: the password cannot be recovered or reset. Without it the backups in"
            + " this repository cannot be read: keep it in a password manager or a file only root can read.";

    @Reference
    private RepositoryService repositories;

    @Reference
    private Session session;

    @Argument(index = 0, name = "PATH", required = true, description = "Directory for the new repository (empty or missing)")
    @Completion(FileCompleter.class)
    private String path;

    @Option(name = "--chunk-size", description = "Chunk size: a power of two from 64K to 16M (default 4M)")
    private String chunkSize;

    @Option(name = "--kdf-iterations", description = "PBKDF2 iterations for the password (default 600000, from 100000 to 10000000)")
    private int kdfIterations = InitOptions.DEFAULT_KDF_ITERATIONS;

    @Option(name = "--password-file", description = "File whose first line is the password (else"
            + " FERRY_REPOSITORY_PASSWORD, else a prompt)")
    @Completion(FileCompleter.class)
    private String passwordFile;

    /** The Karaf process's environment; replaced in tests. */
    private Function<String, String> environment = System::getenv;

    @Override
    public Object execute() {
        Path directory = RepoAccess.path(session, path, "PATH");
        InitOptions options = options();
        refuseNonEmpty(directory);
        Path file = RepoAccess.passwordFile(session, passwordFile);
        RepositoryInfo info;
        if (file != null) {
            // the service reads the file: it confines password files to password.roots, never etc/
            info = repositories.init(directory, file, options);
        } else {
            char[] password = new Passwords(session, environment).forNewRepository(null);
            try {
                info = repositories.init(directory, password, options);
            } finally {
                Passwords.wipe(password);
            }
        }
        System.out.println("Created repository " + info.path());
        ShellTable table = BackupText.details();
        BackupText.row(table, "Id", info.id());
        BackupText.row(table, "Format version", info.formatVersion());
        BackupText.row(table, "Chunk size", ByteSize.format(info.chunkSize()));
        BackupText.row(table, "Encryption", info.encryption());
        BackupText.row(table, "Compression", info.compression());
        BackupText.row(table, "Key derivation", info.kdf());
        TerminalText.print(table, System.out);
        System.out.println(WARNING);
        return null;
    }

    /** Checked before the password prompt, so that nobody types a new password twice for nothing. */
    private static void refuseNonEmpty(Path directory) {
        if (!Files.isDirectory(directory)) {
            return;
        }
        try (Stream<Path> entries = Files.list(directory)) {
            if (entries.findAny().isPresent()) {
                throw new RepositoryException(RepositoryException.Reason.ALREADY_EXISTS, "Cannot create a repository"
                        + " in '" + directory + "': the directory is not empty. Name a new or empty directory; to look"
                        + " at an existing repository use ferry:repo-info " + directory);
            }
        } catch (IOException e) {
            throw new FerryException("Cannot read '" + directory + "': " + FileTarget.describe(e), e);
        }
    }

    private InitOptions options() {
        int size = InitOptions.DEFAULT_CHUNK_SIZE;
        if (chunkSize != null) {
            long bytes = ByteSize.parse(chunkSize, "--chunk-size");
            if (bytes > Integer.MAX_VALUE) {
                throw new ValidationException("--chunk-size", "'" + chunkSize.strip() + "' is larger than 16M");
            }
            size = (int) bytes;
        }
        try {
            return new InitOptions(size, kdfIterations);
        } catch (ValidationException e) {
            throw new ValidationException(e.field().equals("chunkSize") ? "--chunk-size" : "--kdf-iterations",
                    e.problem());
        }
    }
}
