package io.ferry.repository.internal;

import io.ferry.api.repository.InitOptions;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@code keys/key} file: the master key material wrapped (AES-256-GCM) under a key
 * derived from the password (PBKDF2-HMAC-SHA256). Changing the password only rewrites
 * this file; the data stays encrypted under the master key.
 */
final class KeyFile {

    static final String KDF = "PBKDF2-HMAC-SHA256";
    static final String WRAP = "AES-256-GCM";
    static final int SALT_LENGTH = 16;
    static final int NONCE_LENGTH = 12;
    private static final HexFormat HEX = HexFormat.of();

    private final int iterations;
    private final byte[] salt;
    private final byte[] nonce;
    private final byte[] wrapped;
    private final String repository;

    private KeyFile(int iterations, byte[] salt, byte[] nonce, byte[] wrapped, String repository) {
        this.iterations = iterations;
        this.salt = salt.clone();
        this.nonce = nonce.clone();
        this.wrapped = wrapped.clone();
        this.repository = repository;
    }

    int iterations() {
        return iterations;
    }

    /** The repository id this key belongs to (hex). */
    String repository() {
        return repository;
    }

    /** Wraps {@code keys} under a fresh salt and nonce. */
    static KeyFile create(char[] password, RepositoryConfig config, int iterations, MasterKeys keys,
            SecureRandom random) throws GeneralSecurityException {
        byte[] salt = new byte[SALT_LENGTH];
        byte[] nonce = new byte[NONCE_LENGTH];
        random.nextBytes(salt);
        random.nextBytes(nonce);
        byte[] material = keys.material();
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, password, salt, iterations, nonce, config);
            return new KeyFile(iterations, salt, nonce, cipher.doFinal(material), config.id());
        } finally {
            Arrays.fill(material, (byte) 0);
        }
    }

    /**
     * Unwraps the master keys.
     *
     * @throws AEADBadTagException when the password is wrong (or the file was tampered with)
     */
    MasterKeys unwrap(char[] password, RepositoryConfig config) throws GeneralSecurityException {
        Cipher cipher = cipher(Cipher.DECRYPT_MODE, password, salt, iterations, nonce, config);
        byte[] material = cipher.doFinal(wrapped);
        try {
            return MasterKeys.fromMaterial(material);
        } finally {
            Arrays.fill(material, (byte) 0);
        }
    }

    private static Cipher cipher(int mode, char[] password, byte[] salt, int iterations, byte[] nonce,
            RepositoryConfig config) throws GeneralSecurityException {
        byte[] kek = pbkdf2(password, salt, iterations);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(mode, new SecretKeySpec(kek, "AES"), new GCMParameterSpec(128, nonce));
            cipher.updateAAD(config.idBytes());
            return cipher;
        } finally {
            Arrays.fill(kek, (byte) 0);
        }
    }

    /**
     * PBKDF2-HMAC-SHA256 of the password's UTF-8 bytes (as SunJCE's PBKDF2WithHmacSHA256
     * takes a {@code char[]}), 32 bytes. Through libcrypto when present: ~0.15 s CPU for
     * 600 000 iterations on the build box against ~0.8 s in SunJCE, paid by every command
     * that opens a repository. The password and key bytes in native memory are zeroed.
     */
    static byte[] pbkdf2(char[] password, byte[] salt, int iterations) throws GeneralSecurityException {
        Optional<LibCrypto> lib = LibCrypto.get();
        if (lib.isEmpty()) {
            return pbkdf2Jce(password, salt, iterations);
        }
        java.nio.ByteBuffer utf8 = StandardCharsets.UTF_8.encode(java.nio.CharBuffer.wrap(password));
        int n = utf8.remaining();
        try (com.sun.jna.Memory mem = new com.sun.jna.Memory(Math.max(1, n) + salt.length + 32L)) {
            try {
                for (int i = 0; i < n; i++) {
                    mem.setByte(i, utf8.get(i));
                }
                mem.write(n, salt, 0, salt.length);
                com.sun.jna.Pointer out = mem.share(n + (long) salt.length);
                if (lib.get().PKCS5_PBKDF2_HMAC(mem, n, mem.share(n), salt.length, iterations, lib.get().EVP_sha256(), 32,
                        out) != 1) {
                    throw new GeneralSecurityException("libcrypto: PKCS5_PBKDF2_HMAC failed");
                }
                return out.getByteArray(0, 32);
            } finally {
                mem.clear();
                if (utf8.hasArray()) {
                    Arrays.fill(utf8.array(), (byte) 0);
                }
            }
        }
    }

    /** The same through the Java runtime (no libcrypto; tests compare the two). */
    static byte[] pbkdf2Jce(char[] password, byte[] salt, int iterations) throws GeneralSecurityException {
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, 256);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } finally {
            spec.clearPassword();
        }
    }

    String toJson() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("version", RepositoryConfig.FORMAT_VERSION);
        fields.put("repository", repository);
        fields.put("kdf", KDF);
        fields.put("iterations", iterations);
        fields.put("salt", HEX.formatHex(salt));
        fields.put("cipher", WRAP);
        fields.put("nonce", HEX.formatHex(nonce));
        fields.put("wrappedKeys", Base64.getEncoder().encodeToString(wrapped));
        return FlatJson.write(fields);
    }

    static KeyFile parse(String json) {
        Map<String, Object> f = FlatJson.parse(json);
        if (!KDF.equals(f.get("kdf")) || !WRAP.equals(f.get("cipher"))) {
            throw new IllegalArgumentException("unknown kdf/cipher " + f.get("kdf") + "/" + f.get("cipher"));
        }
        long iterations = FlatJson.number(f, "iterations");
        // checked before any key derivation: a forged count of 2^31-1 would make open spin for hours
        if (iterations < InitOptions.MIN_KDF_ITERATIONS || iterations > InitOptions.MAX_KDF_ITERATIONS) {
            throw new IllegalArgumentException("its iteration count " + iterations + " is outside the bounds Ferry accepts ("
                    + InitOptions.MIN_KDF_ITERATIONS + " to " + InitOptions.MAX_KDF_ITERATIONS
                    + "); the file was not written by Ferry or was modified");
        }
        byte[] salt = HEX.parseHex(FlatJson.text(f, "salt"));
        byte[] nonce = HEX.parseHex(FlatJson.text(f, "nonce"));
        byte[] wrapped = Base64.getDecoder().decode(FlatJson.text(f, "wrappedKeys"));
        if (salt.length != SALT_LENGTH || nonce.length != NONCE_LENGTH || wrapped.length != MasterKeys.MATERIAL_LENGTH + 16) {
            throw new IllegalArgumentException("salt, nonce or wrapped keys have the wrong length");
        }
        return new KeyFile((int) iterations, salt, nonce, wrapped, FlatJson.text(f, "repository"));
    }
}
