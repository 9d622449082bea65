package io.ferry.api.secrets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.FerryException;
import io.ferry.api.ValidationException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 11 point 4: the DB password and other settings encrypted at rest under an owner-only master key. */
class SecretBoxTest {

    @TempDir
    Path tmp;

    @Test
    void aSealedValueRoundTripsAndTheKeyFileIsOwnerOnly() throws Exception {
        Path keyFile = tmp.resolve(SecretBox.KEY_FILE_NAME);
        SecretBox box = SecretBox.open(keyFile, true);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)));
        String sealed = box.seal("s3cret-ü".toCharArray());
        assertTrue(sealed.startsWith("ENC(v1:") && sealed.endsWith(")"), sealed);
        assertFalse(sealed.contains("s3cret"));
        assertNotEquals(sealed, box.seal("s3cret-ü".toCharArray()), "a fresh nonce every time");
        assertArrayEquals("s3cret-ü".toCharArray(), SecretBox.open(keyFile, false).unseal("jdbc.password", sealed));
        assertArrayEquals("plain".toCharArray(), box.unseal("jdbc.password", "plain"));
    }

    @Test
    void aValueSealedUnderAnotherKeyOrChangedIsRefusedNamingTheSetting() {
        String sealed = SecretBox.open(tmp.resolve("a.key"), true).seal("pw".toCharArray());
        SecretBox other = SecretBox.open(tmp.resolve("b.key"), true);
        ValidationException e = assertThrows(ValidationException.class, () -> other.unseal("jdbc.password", sealed));
        assertEquals("jdbc.password", e.field());
        assertTrue(e.getMessage().contains("does not decrypt with the master key"), e.getMessage());
        SecretBox a = SecretBox.open(tmp.resolve("a.key"), false);
        char[] flipped = sealed.toCharArray();
        flipped[10] = flipped[10] == 'A' ? 'B' : 'A';
        assertThrows(ValidationException.class, () -> a.unseal("jdbc.password", new String(flipped)));
    }

    @Test
    void aMissingOrWorldReadableKeyFileIsRefused() throws Exception {
        FerryException missing = assertThrows(FerryException.class, () -> SecretBox.open(tmp.resolve("none"), false));
        assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
        Path loose = tmp.resolve("loose.key");
        SecretBox.open(loose, true);
        Files.setPosixFilePermissions(loose, PosixFilePermissions.fromString("rw-r--r--"));
        FerryException e = assertThrows(FerryException.class, () -> SecretBox.open(loose, false));
        assertTrue(e.getMessage().contains("chmod 600"), e.getMessage());
    }
}
