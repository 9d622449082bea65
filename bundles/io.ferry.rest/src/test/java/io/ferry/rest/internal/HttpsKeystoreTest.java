package io.ferry.rest.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpsKeystoreTest {
    @TempDir
    Path dir;

    /** A key and self-signed certificate made by the JDK's keytool, the way an administrator would. */
    private KeyStore.PrivateKeyEntry keytool(String alias) throws Exception {
        Path store = dir.resolve(alias + ".p12");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", alias, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + alias,
                "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", "changeit")
                .redirectErrorStream(true).start();
        assertEquals(0, p.waitFor(), new String(p.getInputStream().readAllBytes()));
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, "changeit".toCharArray());
        }
        return (KeyStore.PrivateKeyEntry) ks.getEntry(alias, new KeyStore.PasswordProtection("changeit".toCharArray()));
    }

    @Test
    void theKeystoreHoldsTheChainUnderItsSerialAndOnlyTheOwnerMayReadIt() throws Exception {
        KeyStore.PrivateKeyEntry entry = keytool("first");
        X509Certificate leaf = (X509Certificate) entry.getCertificate();
        HttpsKeystore keystore = new HttpsKeystore(dir.resolve("rest"));
        Path file = keystore.ensure(entry.getPrivateKey(), List.of(leaf));

        assertEquals("https-" + leaf.getSerialNumber().toString(16) + ".p12", file.getFileName().toString());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve("rest").resolve(HttpsKeystore.PASSWORD_FILE))));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("rest"))));
        assertEquals(leaf, HttpsKeystore.leaf(file, keystore.password().toCharArray()).orElseThrow());
    }

    @Test
    void aRenewedCertificateReplacesTheOldKeystoreAndKeepsThePassword() throws Exception {
        HttpsKeystore keystore = new HttpsKeystore(dir.resolve("rest"));
        KeyStore.PrivateKeyEntry first = keytool("first");
        Path old = keystore.ensure(first.getPrivateKey(), List.of((X509Certificate) first.getCertificate()));
        String password = keystore.password();
        KeyStore.PrivateKeyEntry second = keytool("second");
        Path renewed = keystore.ensure(second.getPrivateKey(), List.of((X509Certificate) second.getCertificate()));

        assertFalse(renewed.equals(old));
        assertFalse(Files.exists(old));
        assertEquals(password, keystore.password());
        assertEquals(second.getCertificate(), HttpsKeystore.leaf(renewed, password.toCharArray()).orElseThrow());
    }

    @Test
    void paxWebIsUpdatedOnlyWhenASettingDiffers() {
        Map<String, Object> wanted = HttpsListener.settings(dir.resolve("https-1.p12"), "pw");
        Dictionary<String, Object> shipped = new Hashtable<>(Map.of(HttpsListener.HTTPS_ENABLED, "false",
                "org.ops4j.pax.web.listening.addresses", "127.0.0.1", "org.osgi.service.http.port.secure", "8443"));
        Dictionary<String, Object> updated = HttpsListener.merged(shipped, wanted);
        assertEquals("true", updated.get(HttpsListener.HTTPS_ENABLED));
        assertEquals("false", updated.get(HttpsListener.HTTP_ENABLED));
        assertEquals("127.0.0.1", updated.get("org.ops4j.pax.web.listening.addresses"));
        assertEquals("8443", updated.get("org.osgi.service.http.port.secure"));
        assertNull(HttpsListener.merged(updated, wanted), "an unchanged configuration is not updated again");
        assertTrue(HttpsListener.merged(null, wanted) != null);
    }
}
