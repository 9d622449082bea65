package io.ferry.shell.internal.login;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;

/**
 * The local operator's login, created at Ferry's first start: the distribution ships no user
 * and no password (issue 11). Given Karaf's {@code etc} directory, {@link #ensure()} adds the
 * user {@value #USER} (group {@code admingroup}: Karaf's admin role and every Ferry role)
 *
 * <ul>
 *   <li>to {@code users.properties} with a random password, stored as Karaf's JAAS digest
 *       ({@code {CRYPT}hex{CRYPT}}, the algorithm of {@code org.apache.karaf.jaas.cfg}), the
 *       password itself written once to {@value #PASSWORD_FILE} (0600);</li>
 *   <li>to {@code keys.properties} with the public half of a new RSA key pair, the private
 *       key (PKCS#8 PEM, which {@code bin/client -k} reads) in {@value #KEY_FILE} (0600).</li>
 * </ul>
 *
 * Each half is only created while the user is missing from its file, so a later start, or an
 * operator who removed or replaced the user, is left alone. Plain Java on files: the OSGi
 * component {@link FirstStartLogin} calls it with {@code karaf.etc}.
 */
public final class LocalAdminLogin {
    /** The user created for the local operator. */
    public static final String USER = "admin";
    /** The password of {@value #USER}, in {@code etc}, 0600, written once. */
    public static final String PASSWORD_FILE = "ferry-admin.password";
    /** The private SSH key of {@value #USER}, in {@code etc}, 0600. */
    public static final String KEY_FILE = "ferry-admin.key";

    static final String GROUP = "_g_:admingroup";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final int RSA_BITS = 3072;

    private final Path etc;
    private final SecureRandom random;

    public LocalAdminLogin(Path etc) {
        this(etc, new SecureRandom());
    }

    LocalAdminLogin(Path etc, SecureRandom random) {
        this.etc = Objects.requireNonNull(etc, "etc");
        this.random = Objects.requireNonNull(random, "random");
    }

    /** What {@link #ensure()} created this time. */
    public record Created(boolean password, boolean key) {
    }

    /**
     * Creates whichever of the password and the key {@value #USER} does not have yet.
     *
     * @throws IOException if {@code users.properties}, {@code keys.properties} or the files
     *         beside them cannot be read or written
     */
    public Created ensure() throws IOException {
        boolean password = false;
        boolean key = false;
        Path users = etc.resolve("users.properties");
        if (!defines(users, USER)) {
            createPassword(users);
            password = true;
        }
        restrict(users);
        Path keys = etc.resolve("keys.properties");
        if (!defines(keys, USER)) {
            createKey(keys);
            key = true;
        }
        return new Created(password, key);
    }

    private void createPassword(Path users) throws IOException {
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        Path file = etc.resolve(PASSWORD_FILE);
        // the password file first: a user whose password nobody has would lock the operator out;
        // one left from an earlier admin (removed from users.properties since) is stale
        Files.deleteIfExists(file);
        writeOwnerOnly(file, password + "\n");
        append(users, USER + " = " + stored(password) + "," + GROUP);
    }

    /** The password as {@code users.properties} holds it, per {@code org.apache.karaf.jaas.cfg}. */
    String stored(String password) throws IOException {
        Properties jaas = load(etc.resolve("org.apache.karaf.jaas.cfg"));
        boolean enabled = Boolean.parseBoolean(jaas.getProperty("encryption.enabled", "false").strip());
        String name = jaas.getProperty("encryption.name", "").strip();
        if (!enabled || !(name.isEmpty() || name.equals("basic"))) {
            // Karaf digests a plain-text password itself at the next login when encryption is on
            return password;
        }
        String algorithm = jaas.getProperty("encryption.algorithm", "SHA-256").strip();
        String encoding = jaas.getProperty("encryption.encoding", "hexadecimal").strip();
        byte[] digest;
        try {
            digest = MessageDigest.getInstance(algorithm).digest(password.getBytes(UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IOException("encryption.algorithm = " + algorithm + " in org.apache.karaf.jaas.cfg is not a digest"
                    + " this Java knows (e.g. SHA-512)", e);
        }
        String encoded = encoding.equalsIgnoreCase("base64") ? Base64.getEncoder().encodeToString(digest)
                : HexFormat.of().formatHex(digest).toUpperCase(Locale.ROOT);
        return jaas.getProperty("encryption.prefix", "").strip() + encoded + jaas.getProperty("encryption.suffix", "").strip();
    }

    private void createKey(Path keys) throws IOException {
        KeyPair pair;
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(RSA_BITS, random);
            pair = generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot generate an RSA key pair for " + USER, e);
        }
        Path file = etc.resolve(KEY_FILE);
        Files.deleteIfExists(file); // a key file without its public half in keys.properties is of no use
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(UTF_8)).encodeToString(pair.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        writeOwnerOnly(file, pem);
        append(keys, USER + "=" + openSshPublicKey((RSAPublicKey) pair.getPublic()) + "," + GROUP);
    }

    /** The base64 blob of an {@code ssh-rsa} public key, as {@code keys.properties} and {@code authorized_keys} hold it. */
    static String openSshPublicKey(RSAPublicKey key) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            writeBytes(out, "ssh-rsa".getBytes(UTF_8));
            writeBytes(out, key.getPublicExponent().toByteArray());
            writeBytes(out, key.getModulus().toByteArray());
        } catch (IOException e) {
            throw new IllegalStateException(e); // in memory
        }
        return Base64.getEncoder().encodeToString(bytes.toByteArray());
    }

    private static void writeBytes(DataOutputStream out, byte[] value) throws IOException {
        out.writeInt(value.length);
        out.write(value);
    }

    /** Whether {@code file} names {@code user} (groups are {@code _g_:name} keys, so they do not count). */
    static boolean defines(Path file, String user) throws IOException {
        return Files.exists(file) && load(file).containsKey(user);
    }

    private static Properties load(Path file) throws IOException {
        Properties properties = new Properties();
        if (Files.exists(file)) {
            try (Reader in = Files.newBufferedReader(file, UTF_8)) {
                properties.load(in);
            }
        }
        return properties;
    }

    private static void append(Path file, String line) throws IOException {
        String text = Files.exists(file) ? Files.readString(file, UTF_8) : "";
        String prefix = text.isEmpty() || text.endsWith("\n") ? "" : "\n";
        Files.writeString(file, prefix + line + "\n", UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static void writeOwnerOnly(Path file, String text) throws IOException {
        // created 0600: the secret is never readable by others, not even for a moment
        Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        Files.writeString(file, text, UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
    }

    /** users.properties holds password digests: owner only (Karaf ships it 0644). */
    private static void restrict(Path file) throws IOException {
        if (Files.exists(file) && !Files.getPosixFilePermissions(file).equals(OWNER_ONLY)) {
            Files.setPosixFilePermissions(file, OWNER_ONLY);
        }
    }
}
