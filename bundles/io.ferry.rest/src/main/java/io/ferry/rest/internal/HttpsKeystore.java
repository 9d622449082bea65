package io.ferry.rest.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The HTTPS listener's key and certificate chain as a PKCS#12 file for Pax Web, under one
 * directory ({@code ${karaf.data}/ferry/rest}): {@code https-<serial>.p12} (one per certificate,
 * so a renewed certificate is a new file name and Pax Web reloads) and {@code https.password},
 * the keystore's random password. Both are 0600 in a 0700 directory, written to a temporary
 * file first and renamed into place.
 */
final class HttpsKeystore {
    static final String ALIAS = "ferry";
    static final String TYPE = "PKCS12";
    static final String PASSWORD_FILE = "https.password";

    private final Path directory;

    HttpsKeystore(Path directory) {
        this.directory = Objects.requireNonNull(directory, "directory");
    }

    /** The keystore file of a leaf certificate. */
    Path file(X509Certificate leaf) {
        return directory.resolve("https-" + leaf.getSerialNumber().toString(16) + ".p12");
    }

    /**
     * Makes sure the keystore for this key and chain exists (written when missing) and removes the
     * keystores of earlier certificates; returns its file.
     */
    Path ensure(PrivateKey key, List<X509Certificate> chain) {
        Objects.requireNonNull(key, "key");
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("the key has no certificate");
        }
        try {
            createDirectory();
            char[] password = password().toCharArray();
            Path target = file(chain.get(0));
            if (!Files.isRegularFile(target) || !holds(target, password, chain.get(0))) {
                KeyStore store = KeyStore.getInstance(TYPE);
                store.load(null, null);
                store.setKeyEntry(ALIAS, key, password, chain.toArray(new Certificate[0]));
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                store.store(out, password);
                writeOwnerOnly(target, out.toByteArray());
            }
            try (Stream<Path> files = Files.list(directory)) {
                for (Path old : files.filter(f -> f.getFileName().toString().matches("https-[0-9a-f]+\\.p12"))
                        .filter(f -> !f.equals(target)).toList()) {
                    Files.deleteIfExists(old);
                }
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the HTTPS keystore under " + directory, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot write the HTTPS keystore under " + directory + ": " + e.getMessage(), e);
        }
    }

    /** The keystore password, made (256 random bits) and stored on first use. */
    String password() throws IOException {
        createDirectory();
        Path file = directory.resolve(PASSWORD_FILE);
        if (Files.isRegularFile(file)) {
            String stored = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (!stored.isEmpty()) {
                return stored;
            }
        }
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        writeOwnerOnly(file, (password + "\n").getBytes(StandardCharsets.UTF_8));
        return password;
    }

    /** The leaf certificate stored in {@code file}, if it opens with {@code password}. */
    static Optional<X509Certificate> leaf(Path file, char[] password) {
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore store = KeyStore.getInstance(TYPE);
            store.load(in, password);
            return store.getCertificate(ALIAS) instanceof X509Certificate c ? Optional.of(c) : Optional.empty();
        } catch (IOException | GeneralSecurityException e) {
            return Optional.empty();
        }
    }

    private static boolean holds(Path file, char[] password, X509Certificate leaf) {
        return leaf(file, password).filter(leaf::equals).isPresent();
    }

    private void createDirectory() throws IOException {
        if (!Files.isDirectory(directory)) {
            Files.createDirectories(directory);
            Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
        }
    }

    private static void writeOwnerOnly(Path target, byte[] data) throws IOException {
        Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.write(tmp, data);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
