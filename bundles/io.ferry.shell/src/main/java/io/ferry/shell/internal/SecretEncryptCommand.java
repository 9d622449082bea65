package io.ferry.shell.internal;

import io.ferry.api.FerryException;
import io.ferry.api.ValidationException;
import io.ferry.api.secrets.SecretBox;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;

@Service
@Command(scope = "ferry", name = "secret-encrypt", description = "Encrypts a setting (e.g. jdbc.password) for a .cfg file.",
        detailedDescription = """
                Asks for the value twice (not echoed, never on the command line, so
                never in the shell history) and prints ENC(v1:...), encrypted under
                Ferry's master key etc/ferry-master.key (created 0600 on first use;
                keep a copy with your configuration backups: without it encrypted
                settings cannot be read). Put the printed value in the .cfg file,
                e.g. jdbc.password = ENC(v1:...) in etc/io.ferry.inventory.cfg.

                Example (interactive shell: ./ferry client):
                  ferry:secret-encrypt""")
public class SecretEncryptCommand implements Action {

    @Reference
    private Session session;

    /** Ferry's etc/ directory; replaced in tests. */
    private Path etc = Path.of(System.getProperty("karaf.etc", "etc"));

    @Override
    public Object execute() {
        char[] first = prompt("Value to encrypt: ");
        char[] second = prompt("Repeat the value: ");
        try {
            if (!Arrays.equals(first, second)) {
                throw new ValidationException("value", "the two entries differ; nothing was encrypted");
            }
            System.out.println(SecretBox.open(etc.resolve(SecretBox.KEY_FILE_NAME), true).seal(first));
            return null;
        } finally {
            Arrays.fill(first, '\0');
            Arrays.fill(second, '\0');
        }
    }

    private char[] prompt(String prompt) {
        String line;
        try {
            line = session.readLine(prompt, '*');
        } catch (UnsupportedOperationException e) {
            throw new FerryException("ferry:secret-encrypt asks for the value, and this session cannot prompt"
                    + " (bin/client -b, or ssh with a command): run it in an interactive shell (./ferry client)");
        } catch (IOException e) {
            throw new FerryException("Cannot read the value from the terminal: " + e.getMessage(), e);
        }
        if (line == null || line.isEmpty()) {
            throw new ValidationException("value", "none was entered");
        }
        return line.toCharArray();
    }
}
