package io.ferry.repository.internal;

import io.ferry.api.repository.RepositoryException;
import io.ferry.api.repository.RepositoryException.Reason;
import io.ferry.repository.remote.RepositoryImages;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.AEADBadTagException;

/**
 * The key side's view of a repository's {@code config} and key file, and the exported form of
 * its master keys ({@link io.ferry.repository.remote.KeyMaterial}): {@code "FRYK"}, version 1,
 * 16 bytes of repository id, 64 bytes of master key material.
 */
public final class RemoteKeys {

    static final byte[] MAGIC = {'F', 'R', 'Y', 'K'};
    static final int ENCODED_LENGTH = 4 + 1 + 16 + MasterKeys.MATERIAL_LENGTH;

    private RemoteKeys() {
    }

    /** Unwraps the master keys with the password; returns their encoded form (zero it after use). */
    public static byte[] unlock(RepositoryImages images, char[] password) {
        Map<String, Object> fields = configFields(images);
        RepositoryConfig config = config(fields);
        KeyFile keyFile;
        try {
            keyFile = KeyFile.parse(images.keyFile());
        } catch (IllegalArgumentException e) {
            throw new RepositoryException(Reason.CORRUPT, "the key file of repository " + config.id()
                    + " is damaged: " + e.getMessage() + "; restore it from a copy", e);
        }
        if (!keyFile.repository().equals(config.id())) {
            throw new RepositoryException(Reason.CORRUPT, "the key file belongs to repository " + keyFile.repository()
                    + ", but the config is of repository " + config.id() + "; restore the right key file");
        }
        MasterKeys keys;
        try {
            keys = keyFile.unwrap(password, config);
        } catch (AEADBadTagException e) {
            throw new RepositoryException(Reason.WRONG_PASSWORD, "wrong password for repository " + config.id()
                    + " (nothing was changed)");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this Java runtime cannot derive or unwrap keys: " + e.getMessage(), e);
        }
        authenticate(config, fields, keys);
        byte[] material = keys.material();
        try {
            return encode(config.idBytes(), material);
        } finally {
            Arrays.fill(material, (byte) 0);
        }
    }

    /** The encoded form of a repository's id and 64 bytes of master key material. */
    static byte[] encode(byte[] repositoryId, byte[] material) {
        return ByteBuffer.allocate(ENCODED_LENGTH).put(MAGIC).put((byte) 1).put(repositoryId).put(material).array();
    }

    /** Checks the form of encoded key material (not the keys: {@link #keys} does that against a config). */
    public static void checkEncoded(byte[] encoded) {
        if (encoded == null || encoded.length != ENCODED_LENGTH || !Arrays.equals(encoded, 0, 4, MAGIC, 0, 4)
                || encoded[4] != 1) {
            throw new IllegalArgumentException("exported key material has " + ENCODED_LENGTH + " bytes starting"
                    + " with FRYK and version 1; these are not such bytes");
        }
    }

    /** The parsed and version-checked config (not yet authenticated). */
    static Map<String, Object> configFields(RepositoryImages images) {
        return configFields(images.config(), problem -> new RepositoryException(Reason.NOT_A_REPOSITORY,
                "the store does not hold a Ferry repository: its config is not a Ferry repository config: " + problem));
    }

    /**
     * The fields of a config text whose format version this Ferry reads: {@code malformed} makes
     * the exception for a text that is no config; a newer format is {@code UNSUPPORTED_VERSION}.
     */
    static Map<String, Object> configFields(String text, java.util.function.Function<String, RuntimeException> malformed) {
        Map<String, Object> fields;
        long version;
        try {
            fields = FlatJson.parse(text);
            version = RepositoryConfig.versionOf(fields);
        } catch (IllegalArgumentException e) {
            throw malformed.apply(e.getMessage());
        }
        if (version > RepositoryConfig.FORMAT_VERSION) {
            throw new RepositoryException(Reason.UNSUPPORTED_VERSION, "the repository has format version " + version
                    + ", but this Ferry reads only format version " + RepositoryConfig.FORMAT_VERSION + "; use a newer Ferry");
        }
        return fields;
    }

    static RepositoryConfig config(Map<String, Object> fields) {
        try {
            return RepositoryConfig.fromFields(fields);
        } catch (IllegalArgumentException e) {
            throw new RepositoryException(Reason.CORRUPT, "the repository's config file is damaged: " + e.getMessage());
        }
    }

    private static void authenticate(RepositoryConfig config, Map<String, Object> fields, MasterKeys keys) {
        try {
            config.authenticate(fields, keys);
        } catch (IllegalArgumentException e) {
            throw new RepositoryException(Reason.CORRUPT, "the config file of repository " + config.id()
                    + " cannot be trusted: " + e.getMessage());
        }
    }

    /**
     * The master keys from encoded material, checked against the config: the repository id
     * must match and the config's MAC must verify under them.
     */
    static MasterKeys keys(byte[] encoded, RepositoryConfig config, Map<String, Object> fields) {
        checkEncoded(encoded);
        String id = HexFormat.of().formatHex(encoded, 5, 21);
        if (!id.equals(config.id())) {
            throw new RepositoryException(Reason.WRONG_PASSWORD, "the key material is of repository " + id
                    + ", but the store holds repository " + config.id() + " (nothing was changed)");
        }
        byte[] material = Arrays.copyOfRange(encoded, 21, ENCODED_LENGTH);
        try {
            MasterKeys keys = MasterKeys.fromMaterial(material);
            authenticate(config, fields, keys);
            return keys;
        } finally {
            Arrays.fill(material, (byte) 0);
        }
    }
}
