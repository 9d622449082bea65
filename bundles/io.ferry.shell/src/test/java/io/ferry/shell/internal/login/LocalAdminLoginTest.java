package io.ferry.shell.internal.login;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Properties;
import org.apache.karaf.jaas.modules.publickey.PublickeyLoginModule;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local admin login created at first start, checked with Karaf's own public key
 * comparison and its password digest rule, on a copy of the etc files the distribution ships.
 */
class LocalAdminLoginTest {
    private static final Path SHIPPED_ETC = Path.of("../../karaf-distribution/src/main/resources/etc");

    @TempDir
    Path etc;

    @BeforeEach
    void copyShippedEtc() throws IOException {
        for (String name : new String[] {"users.properties", "keys.properties", "org.apache.karaf.jaas.cfg"}) {
            Files.copy(SHIPPED_ETC.resolve(name), etc.resolve(name));
        }
    }

    @Test
    void theDistributionShipsNoUserThatCanLogIn() throws IOException {
        for (String name : new String[] {"users.properties", "keys.properties"}) {
            Properties users = load(SHIPPED_ETC.resolve(name));
            assertFalse(users.isEmpty(), name + " should define the groups");
            for (String key : users.stringPropertyNames()) {
                assertTrue(key.startsWith("_g_:"), name + " ships the user '" + key + "'; it must ship groups only");
            }
        }
        Properties jaas = load(SHIPPED_ETC.resolve("org.apache.karaf.jaas.cfg"));
        assertEquals("true", jaas.getProperty("encryption.enabled"), "JAAS password encryption");
    }

    @Test
    void createsAPasswordStoredAsKarafsDigestAndWrittenOwnerOnly() throws Exception {
        LocalAdminLogin.Created created = new LocalAdminLogin(etc).ensure();

        assertTrue(created.password());
        Path passwordFile = etc.resolve(LocalAdminLogin.PASSWORD_FILE);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(passwordFile)));
        String password = Files.readString(passwordFile, UTF_8).strip();
        assertTrue(password.length() >= 43, "32 random bytes, base64: " + password);

        String stored = load(etc.resolve("users.properties")).getProperty("admin");
        assertTrue(stored.endsWith(",_g_:admingroup"), stored);
        String digest = stored.substring(0, stored.indexOf(','));
        assertFalse(digest.contains(password), "the password itself must not be stored: " + stored);
        assertTrue(digest.startsWith("{CRYPT}") && digest.endsWith("{CRYPT}"), digest);
        // what Karaf's BasicEncryption.checkPassword compares (it needs JAXB, which Java 17 lacks outside Karaf)
        String hash = digest.substring("{CRYPT}".length(), digest.length() - "{CRYPT}".length());
        assertTrue(sha512(password).equalsIgnoreCase(hash), "the SHA-512 of the password file's content: " + hash);
        assertFalse(sha512("karaf").equalsIgnoreCase(hash));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(etc.resolve("users.properties"))),
                "users.properties holds digests: 0600");
    }

    @Test
    void createsAKeyWhosePublicHalfKarafAcceptsForAdmin() throws Exception {
        LocalAdminLogin.Created created = new LocalAdminLogin(etc).ensure();

        assertTrue(created.key());
        Path keyFile = etc.resolve(LocalAdminLogin.KEY_FILE);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)));
        String pem = Files.readString(keyFile, UTF_8);
        assertTrue(pem.startsWith("-----BEGIN PRIVATE KEY-----\n"), pem);
        byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
        KeyFactory rsa = KeyFactory.getInstance("RSA");
        RSAPrivateCrtKey privateKey = (RSAPrivateCrtKey) rsa.generatePrivate(new PKCS8EncodedKeySpec(der));
        var publicKey = rsa.generatePublic(new RSAPublicKeySpec(privateKey.getModulus(), privateKey.getPublicExponent()));

        String stored = load(etc.resolve("keys.properties")).getProperty("admin");
        assertTrue(stored.endsWith(",_g_:admingroup"), stored);
        String blob = stored.substring(0, stored.indexOf(','));
        assertTrue(PublickeyLoginModule.equals(publicKey, blob), "Karaf's public key login matches the private key file");
        assertEquals(3072, privateKey.getModulus().bitLength());
    }

    @Test
    void aSecondStartChangesNothing() throws Exception {
        new LocalAdminLogin(etc).ensure();
        String users = Files.readString(etc.resolve("users.properties"));
        String keys = Files.readString(etc.resolve("keys.properties"));
        String password = Files.readString(etc.resolve(LocalAdminLogin.PASSWORD_FILE));
        String key = Files.readString(etc.resolve(LocalAdminLogin.KEY_FILE));

        LocalAdminLogin.Created again = new LocalAdminLogin(etc).ensure();

        assertEquals(new LocalAdminLogin.Created(false, false), again);
        assertEquals(users, Files.readString(etc.resolve("users.properties")));
        assertEquals(keys, Files.readString(etc.resolve("keys.properties")));
        assertEquals(password, Files.readString(etc.resolve(LocalAdminLogin.PASSWORD_FILE)));
        assertEquals(key, Files.readString(etc.resolve(LocalAdminLogin.KEY_FILE)));
    }

    @Test
    void anAdminTheOperatorSetUpIsLeftAlone() throws Exception {
        Files.writeString(etc.resolve("users.properties"), "admin = {CRYPT}ABCD{CRYPT},_g_:admingroup\n",
                java.nio.file.StandardOpenOption.APPEND);

        LocalAdminLogin.Created created = new LocalAdminLogin(etc).ensure();

        assertFalse(created.password());
        assertFalse(Files.exists(etc.resolve(LocalAdminLogin.PASSWORD_FILE)));
        assertEquals("{CRYPT}ABCD{CRYPT},_g_:admingroup", load(etc.resolve("users.properties")).getProperty("admin"));
        assertTrue(created.key(), "the key is separate: keys.properties had no admin");
    }

    @Test
    void withEncryptionOffThePasswordIsStoredAsKarafWouldCompareIt() throws Exception {
        Files.writeString(etc.resolve("org.apache.karaf.jaas.cfg"), "encryption.enabled = false\n");
        String stored = new LocalAdminLogin(etc).stored("secret-1");
        assertEquals("secret-1", stored);
    }

    private static String sha512(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-512").digest(text.getBytes(UTF_8)));
    }

    private static Properties load(Path file) throws IOException {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(file, UTF_8)) {
            properties.load(in);
        }
        return properties;
    }
}
