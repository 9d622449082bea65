package io.ferry.shell.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.FerryException;
import io.ferry.api.ValidationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PasswordsTest {

    @TempDir
    Path dir;

    private final Map<String, String> environment = new HashMap<>();

    private Passwords passwords(FakeSession session) {
        return new Passwords(session.session(), environment::get);
    }

    private Path file(String content) throws IOException {
        return Files.writeString(dir.resolve("repo.pass"), content, StandardCharsets.UTF_8);
    }

    @Test
    void theFirstLineOfTheFileIsThePasswordWithoutItsLineBreak() throws IOException {
        FakeSession session = new FakeSession(dir);
        assertEquals("correct horse", new String(passwords(session).existing(file("correct horse\nsecond line\n"))));
        assertEquals("correct horse", new String(passwords(session).existing(file("correct horse\r\n"))));
        assertEquals(" spaced out ", new String(passwords(session).existing(file(" spaced out "))));
        assertEquals(List.of(), session.prompts);
    }

    @Test
    void theFileWinsOverTheEnvironmentAndThePrompt() throws IOException {
        environment.put(Passwords.VARIABLE, "from-environment");
        FakeSession session = new FakeSession(dir).answering("typed");
        assertEquals("from-file", new String(passwords(session).forNewRepository(file("from-file\n"))));
        assertEquals(List.of(), session.prompts);
    }

    @Test
    void aMissingOrEmptyFileIsAnErrorNamingTheOptionAndTheFile() throws IOException {
        FakeSession session = new FakeSession(dir).answering("typed");
        ValidationException missing = assertThrows(ValidationException.class,
                () -> passwords(session).existing(dir.resolve("none.pass")));
        assertEquals("--password-file", missing.field());
        assertTrue(missing.getMessage().contains(dir.resolve("none.pass").toString()), missing.getMessage());
        for (String content : List.of("", "\n", "\r\nsecond")) {
            Path empty = file(content);
            ValidationException e = assertThrows(ValidationException.class, () -> passwords(session).existing(empty));
            assertTrue(e.getMessage().contains("is empty"), e.getMessage());
        }
        assertEquals(List.of(), session.prompts, "an unusable file must not fall back to a prompt");
    }

    @Test
    void theEnvironmentVariableIsUsedWithoutAFileAndAnEmptyOneIsIgnored() {
        environment.put(Passwords.VARIABLE, "from-environment");
        FakeSession session = new FakeSession(dir).answering("typed-password");
        assertEquals("from-environment", new String(passwords(session).existing(null)));
        environment.put(Passwords.VARIABLE, "");
        assertEquals("typed-password", new String(passwords(session).existing(null)));
    }

    @Test
    void thePromptMasksTheInput() {
        FakeSession session = new FakeSession(dir).answering("typed-password");
        assertEquals("typed-password", new String(passwords(session).existing(null)));
        assertEquals(List.of(Passwords.PROMPT), session.prompts);
        assertEquals(List.of('*'), session.masks);
    }

    @Test
    void nothingTypedIsAnError() {
        FakeSession session = new FakeSession(dir).answering("");
        assertThrows(ValidationException.class, () -> passwords(session).existing(null));
        FakeSession endOfInput = new FakeSession(dir);
        assertThrows(ValidationException.class, () -> passwords(endOfInput).existing(null));
    }

    @Test
    void aSessionThatCannotPromptSaysHowToGiveThePassword() {
        FakeSession session = new FakeSession(dir).headless();
        FerryException e = assertThrows(FerryException.class, () -> passwords(session).existing(null));
        assertTrue(e.getMessage().contains("--password-file FILE"), e.getMessage());
        assertTrue(e.getMessage().contains(Passwords.VARIABLE), e.getMessage());
    }

    @Test
    void aNewRepositoryAsksTwiceAndRefusesDifferentEntries() {
        FakeSession same = new FakeSession(dir).answering("correct horse", "correct horse");
        assertEquals("correct horse", new String(passwords(same).forNewRepository(null)));
        assertEquals(List.of(Passwords.PROMPT, Passwords.REPEAT_PROMPT), same.prompts);

        FakeSession different = new FakeSession(dir).answering("correct horse", "correct hose");
        ValidationException e = assertThrows(ValidationException.class,
                () -> passwords(different).forNewRepository(null));
        assertTrue(e.getMessage().contains("the two entries differ"), e.getMessage());
    }

    @Test
    void wipingOverwritesEveryCharacter() {
        char[] password = "correct horse".toCharArray();
        Passwords.wipe(password);
        assertArrayEquals(new char[13], password);
    }
}
