package io.ferry.repository.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The repository's master key material: the AES-256 key that encrypts chunks and
 * manifests, and the HMAC-SHA256 key that turns chunk contents into chunk ids.
 */
final class MasterKeys {

    static final int KEY_LENGTH = 32;
    static final int MATERIAL_LENGTH = 2 * KEY_LENGTH;
    static final String CONFIG_KEY_LABEL = "ferry-repository config key";

    private final SecretKey dataKey;
    private final SecretKey chunkIdKey;

    private MasterKeys(SecretKey dataKey, SecretKey chunkIdKey) {
        this.dataKey = dataKey;
        this.chunkIdKey = chunkIdKey;
    }

    /** From the 64 bytes of material: data key, then chunk-id key. */
    static MasterKeys fromMaterial(byte[] material) {
        if (material.length != MATERIAL_LENGTH) {
            throw new IllegalArgumentException("master key material has " + material.length + " bytes, not 64");
        }
        return new MasterKeys(new SecretKeySpec(material, 0, KEY_LENGTH, "AES"),
                new SecretKeySpec(material, KEY_LENGTH, KEY_LENGTH, "HmacSHA256"));
    }

    byte[] material() {
        byte[] out = new byte[MATERIAL_LENGTH];
        byte[] d = dataKey.getEncoded();
        byte[] c = chunkIdKey.getEncoded();
        System.arraycopy(d, 0, out, 0, KEY_LENGTH);
        System.arraycopy(c, 0, out, KEY_LENGTH, KEY_LENGTH);
        Arrays.fill(d, (byte) 0);
        Arrays.fill(c, (byte) 0);
        return out;
    }

    SecretKey dataKey() {
        return dataKey;
    }

    SecretKey chunkIdKey() {
        return chunkIdKey;
    }

    /**
     * The key that authenticates the {@code config} file: HMAC-SHA256 under the data key of
     * the fixed label {@value #CONFIG_KEY_LABEL}, so that it differs from both master keys.
     */
    SecretKey configKey() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            byte[] d = dataKey.getEncoded();
            try {
                mac.init(new SecretKeySpec(d, "HmacSHA256"));
            } finally {
                Arrays.fill(d, (byte) 0);
            }
            byte[] k = mac.doFinal(CONFIG_KEY_LABEL.getBytes(StandardCharsets.US_ASCII));
            try {
                return new SecretKeySpec(k, "HmacSHA256");
            } finally {
                Arrays.fill(k, (byte) 0);
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this Java runtime has no HmacSHA256: " + e.getMessage(), e);
        }
    }
}
