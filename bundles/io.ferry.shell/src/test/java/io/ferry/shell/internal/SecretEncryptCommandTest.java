package io.ferry.shell.internal;

import static io.ferry.shell.internal.CommandHarness.run;
import static io.ferry.shell.internal.CommandHarness.with;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.ValidationException;
import io.ferry.api.secrets.SecretBox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretEncryptCommandTest {

    @TempDir
    Path dir;

    @Test
    void printsAValueTheMasterKeyDecryptsAndNeverTheValueItself() throws Exception {
        FakeSession session = new FakeSession(dir).answering("db-pass", "db-pass");
        String out = run(with(new SecretEncryptCommand(), "session", session.session(), "etc", dir)).strip();
        assertTrue(out.startsWith("ENC(v1:"), out);
        assertFalse(out.contains("db-pass"));
        assertEquals('*', session.masks.get(0));
        Path key = dir.resolve(SecretBox.KEY_FILE_NAME);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        assertArrayEquals("db-pass".toCharArray(), SecretBox.open(key, false).unseal("jdbc.password", out));
    }

    @Test
    void differentEntriesEncryptNothing() {
        FakeSession session = new FakeSession(dir).answering("one", "two");
        ValidationException e = assertThrows(ValidationException.class,
                () -> run(with(new SecretEncryptCommand(), "session", session.session(), "etc", dir)));
        assertTrue(e.getMessage().contains("differ"), e.getMessage());
    }
}
