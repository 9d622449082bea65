package io.ferry.api.secrets;

import io.ferry.api.FerryException;
import io.ferry.api.ValidationException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.Set;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts configuration secrets under a master key: {@code ENC(v1:<Base64>)}, where the
 * bytes are a 12-byte random nonce followed by the AES-256-GCM ciphertext of the UTF-8 value
 * and its 16-byte tag, with the additional authenticated data {@value #AAD}. The master key is
 * 32 random bytes, Base64 on the first line of its file, which is created 0600 on first use
 * and refused when others can read it.
 *
 * <p>What this protects: a configuration file that leaks (copied into a ticket, a backup of
 * {@code etc/}, a world-readable cfg) no longer gives the secret away without the key file.
 * What it does not: someone who can read both files (root, Ferry's user) can decrypt.
 */
public final class SecretBox {

    /** The master key's file name in Ferry's {@code etc/}. */
    public static final String KEY_FILE_NAME = "ferry-master.key";
    static final String PREFIX = "ENC(v1:";
    static final String AAD = "ferry-secret-v1";
    private static final int NONCE_LENGTH = 12;
    private static final int KEY_LENGTH = 32;
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final byte[] key;
    private final Path keyFile;
    private final SecureRandom random = new SecureRandom();

    private SecretBox(byte[] key, Path keyFile) {
        this.key = key;
        this.keyFile = keyFile;
    }

    /** True when {@code value} is an {@code ENC(...)} value. */
    public static boolean isSealed(String value) {
        return value != null && value.strip().startsWith("ENC(") && value.strip().endsWith(")");
    }

    /**
     * The box of the master key in {@code keyFile}, which is created (0600, 32 random bytes)
     * when {@code create} is true and it does not exist.
     *
     * @throws FerryException when the file is missing (and not to be created), unreadable,
     *                        malformed or readable by others
     */
    public static SecretBox open(Path keyFile, boolean create) {
        Objects.requireNonNull(keyFile, "keyFile");
        try {
            if (create && !Files.exists(keyFile, LinkOption.NOFOLLOW_LINKS)) {
                createKeyFile(keyFile);
            }
            if (!Files.isRegularFile(keyFile, LinkOption.NOFOLLOW_LINKS)) {
                throw new FerryException("The master key file " + keyFile + " does not exist (or is not a regular"
                        + " file): encrypted settings (ENC(...)) cannot be read without it. Put back the key file the"
                        + " values were encrypted with, or replace them by values encrypted with ferry:secret-encrypt");
            }
            if (keyFile.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Set<PosixFilePermission> mode = Files.getPosixFilePermissions(keyFile, LinkOption.NOFOLLOW_LINKS);
                if (!OWNER_ONLY.containsAll(mode)) {
                    throw new FerryException("The master key file " + keyFile + " is readable by others (mode "
                            + PosixFilePermissions.toString(mode) + "): chmod 600 " + keyFile);
                }
            }
            String line = Files.readString(keyFile, StandardCharsets.US_ASCII).lines().findFirst().orElse("").strip();
            byte[] key = Base64.getDecoder().decode(line);
            if (key.length != KEY_LENGTH) {
                throw new FerryException("The master key file " + keyFile + " does not hold a 32-byte Base64 key");
            }
            return new SecretBox(key, keyFile);
        } catch (IOException e) {
            throw new FerryException("Cannot read the master key file " + keyFile + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new FerryException("The master key file " + keyFile + " is not Base64: " + e.getMessage(), e);
        }
    }

    private static void createKeyFile(Path keyFile) throws IOException {
        byte[] key = new byte[KEY_LENGTH];
        new SecureRandom().nextBytes(key);
        byte[] line = (Base64.getEncoder().encodeToString(key) + "\n").getBytes(StandardCharsets.US_ASCII);
        Arrays.fill(key, (byte) 0);
        FileAttribute<?>[] attrs = keyFile.getFileSystem().supportedFileAttributeViews().contains("posix")
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
                : new FileAttribute<?>[0];
        try (var out = Files.newByteChannel(keyFile, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                attrs)) {
            out.write(ByteBuffer.wrap(line));
        } catch (FileAlreadyExistsException e) {
            // created concurrently: use that one
        } finally {
            Arrays.fill(line, (byte) 0);
        }
    }

    /** {@code ENC(v1:...)} of the value. */
    public String seal(char[] value) {
        Objects.requireNonNull(value, "value");
        ByteBuffer plain = StandardCharsets.UTF_8.encode(CharBuffer.wrap(value));
        byte[] bytes = new byte[plain.remaining()];
        plain.get(bytes);
        if (plain.hasArray()) {
            Arrays.fill(plain.array(), (byte) 0);
        }
        try {
            byte[] nonce = new byte[NONCE_LENGTH];
            random.nextBytes(nonce);
            byte[] sealed = cipher(Cipher.ENCRYPT_MODE, nonce).doFinal(bytes);
            byte[] out = new byte[NONCE_LENGTH + sealed.length];
            System.arraycopy(nonce, 0, out, 0, NONCE_LENGTH);
            System.arraycopy(sealed, 0, out, NONCE_LENGTH, sealed.length);
            return PREFIX + Base64.getEncoder().encodeToString(out) + ")";
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this Java runtime has no AES-GCM: " + e.getMessage(), e);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /**
     * The value of an {@code ENC(...)} setting, or the value itself when it is not sealed.
     *
     * @param setting the setting's name, for errors (e.g. {@code jdbc.password})
     * @throws ValidationException on {@code setting} when the value is damaged or was sealed under another key
     */
    public char[] unseal(String setting, String value) {
        Objects.requireNonNull(value, "value");
        String v = value.strip();
        if (!isSealed(v)) {
            return value.toCharArray();
        }
        if (!v.startsWith(PREFIX)) {
            throw new ValidationException(setting, "the encrypted value has an unknown format (expected ENC(v1:...));"
                    + " encrypt it again with ferry:secret-encrypt");
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(v.substring(PREFIX.length(), v.length() - 1));
        } catch (IllegalArgumentException e) {
            throw new ValidationException(setting, "the encrypted value is not Base64; encrypt it again with"
                    + " ferry:secret-encrypt");
        }
        if (bytes.length < NONCE_LENGTH + 16) {
            throw new ValidationException(setting, "the encrypted value is too short; encrypt it again with"
                    + " ferry:secret-encrypt");
        }
        byte[] plain = null;
        try {
            plain = cipher(Cipher.DECRYPT_MODE, Arrays.copyOf(bytes, NONCE_LENGTH))
                    .doFinal(bytes, NONCE_LENGTH, bytes.length - NONCE_LENGTH);
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(plain));
            char[] out = new char[chars.remaining()];
            chars.get(out);
            if (chars.hasArray()) {
                Arrays.fill(chars.array(), '\0');
            }
            return out;
        } catch (AEADBadTagException e) {
            throw new ValidationException(setting, "the encrypted value does not decrypt with the master key "
                    + keyFile + " (encrypted under another key, or changed); put back the key file it was encrypted"
                    + " with, or encrypt the value again with ferry:secret-encrypt");
        } catch (CharacterCodingException e) {
            throw new ValidationException(setting, "the decrypted value is not UTF-8 text");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this Java runtime has no AES-GCM: " + e.getMessage(), e);
        } finally {
            if (plain != null) {
                Arrays.fill(plain, (byte) 0);
            }
        }
    }

    private Cipher cipher(int mode, byte[] nonce) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
        cipher.updateAAD(AAD.getBytes(StandardCharsets.US_ASCII));
        return cipher;
    }
}
