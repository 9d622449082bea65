package io.ferry.inventory.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.FerryException;
import io.ferry.api.secrets.SecretBox;
import java.nio.file.Path;
import java.sql.Connection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

/** Issue 11 point 4: jdbc.password = ENC(...) is decrypted with the master key outside the catalog. */
class EncryptedDatabasePasswordTest {

    @TempDir
    Path etc;

    private final String previousEtc = System.getProperty("karaf.etc");

    @AfterEach
    void restore() {
        if (previousEtc == null) {
            System.clearProperty("karaf.etc");
        } else {
            System.setProperty("karaf.etc", previousEtc);
        }
    }

    @Test
    void anEncryptedPasswordLogsIntoTheRealPostgresql() throws Exception {
        String url = System.getenv("FERRY_TEST_PG_URL");
        Assumptions.assumeTrue(url != null && !url.isBlank(), "set FERRY_TEST_PG_URL (see .ci/run)");
        System.setProperty("karaf.etc", etc.toString());
        String plain = System.getenv().getOrDefault("FERRY_TEST_PG_PASSWORD", "ferry");
        String sealed = SecretBox.open(etc.resolve(SecretBox.KEY_FILE_NAME), true).seal(plain.toCharArray());

        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(url);
        ds.setUser(System.getenv().getOrDefault("FERRY_TEST_PG_USER", "ferry"));
        ds.setPassword(InventoryDatabase.password(sealed));
        try (Connection c = ds.getConnection()) {
            assertTrue(c.isValid(5));
        }
    }

    @Test
    void anEncryptedPasswordWithoutItsKeyFileIsRefusedWithWhatToDo() {
        System.setProperty("karaf.etc", etc.toString());
        String sealed = SecretBox.open(etc.resolve("other.key"), true).seal("pw".toCharArray());
        FerryException e = assertThrows(FerryException.class, () -> InventoryDatabase.password(sealed));
        assertTrue(e.getMessage().contains(SecretBox.KEY_FILE_NAME + " does not exist"), e.getMessage());
        assertEquals("plain", InventoryDatabase.password("plain"));
    }
}
