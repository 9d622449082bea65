package io.ferry.repository.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import javax.crypto.Mac;

/**
 * The plain {@code config} file: what a repository is, readable without the password, and
 * authenticated by its {@code mac} field (HMAC-SHA256 under {@link MasterKeys#configKey()}
 * of the file's other fields), which {@code open} checks right after the password unwrapped
 * the master keys and before any field is used.
 *
 * @param version     on-disk format version
 * @param id          random repository id, 32 hex digits
 * @param chunkSize   chunk size in bytes
 * @param created     creation time
 * @param encryption  always {@value #ENCRYPTION} in version 1
 * @param compression always {@value #COMPRESSION} in version 1
 * @param chunkIdFunction always {@value #CHUNK_ID} in version 1
 */
record RepositoryConfig(int version, String id, int chunkSize, Instant created, String encryption,
        String compression, String chunkIdFunction) {

    static final String FORMAT = "ferry-repository";
    static final int FORMAT_VERSION = 1;
    static final String ENCRYPTION = "AES-256-GCM";
    static final String COMPRESSION = "LZ4";
    static final String CHUNK_ID = "HMAC-SHA256";
    static final String MAC_FIELD = "mac";

    RepositoryConfig {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(created, "created");
        if (!id.matches("[0-9a-f]{32}")) {
            throw new IllegalArgumentException("repository id '" + id + "' is not 32 lower-case hex digits");
        }
        if (chunkSize < (64 << 10) || chunkSize > (16 << 20) || Integer.bitCount(chunkSize) != 1) {
            throw new IllegalArgumentException("chunk size " + chunkSize + " is not a power of two from 64 KiB to 16 MiB");
        }
        if (!ENCRYPTION.equals(encryption) || !COMPRESSION.equals(compression) || !CHUNK_ID.equals(chunkIdFunction)) {
            throw new IllegalArgumentException("unknown algorithms " + encryption + "/" + compression + "/"
                    + chunkIdFunction + " (version 1 uses " + ENCRYPTION + "/" + COMPRESSION + "/" + CHUNK_ID + ")");
        }
    }

    static RepositoryConfig create(byte[] id, int chunkSize, Instant created) {
        return new RepositoryConfig(FORMAT_VERSION, HexFormat.of().formatHex(id), chunkSize, created, ENCRYPTION,
                COMPRESSION, CHUNK_ID);
    }

    /** The 16 id bytes: the additional authenticated data of the key file. */
    byte[] idBytes() {
        return HexFormat.of().parseHex(id);
    }

    /** The file's text: the fields and their MAC. */
    String toJson(MasterKeys keys) {
        Map<String, Object> fields = fields();
        fields.put(MAC_FIELD, HexFormat.of().formatHex(mac(keys)));
        return FlatJson.write(fields);
    }

    /** What the MAC covers: the fields of this record, in the file's order, as written without the MAC. */
    private byte[] mac(MasterKeys keys) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(keys.configKey());
            return mac.doFinal(FlatJson.write(fields()).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this Java runtime has no HmacSHA256: " + e.getMessage(), e);
        }
    }

    /**
     * Checks the {@code mac} field of the parsed file against this record under {@code keys}.
     *
     * @throws IllegalArgumentException naming what is wrong, when the MAC is missing or does not match
     */
    void authenticate(Map<String, Object> parsed, MasterKeys keys) {
        Object text = parsed.get(MAC_FIELD);
        if (!(text instanceof String hex)) {
            throw new IllegalArgumentException("it has no 'mac' field: it was written by a pre-release Ferry whose"
                    + " config was not authenticated; restore what you need with that Ferry and create a new repository");
        }
        byte[] given;
        try {
            given = HexFormat.of().parseHex(hex);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("its 'mac' field is not hex");
        }
        if (!MessageDigest.isEqual(given, mac(keys))) {
            throw new IllegalArgumentException("its MAC does not match the repository key: the file was modified"
                    + " after the repository was created; restore it from a copy");
        }
    }

    private Map<String, Object> fields() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("format", FORMAT);
        fields.put("version", version);
        fields.put("id", id);
        fields.put("chunkSize", chunkSize);
        fields.put("created", created.toString());
        fields.put("encryption", encryption);
        fields.put("compression", compression);
        fields.put("chunkId", chunkIdFunction);
        return fields;
    }

    /** The format version of a parsed config, checked before anything else is interpreted. */
    static long versionOf(Map<String, Object> fields) {
        if (!FORMAT.equals(fields.get("format"))) {
            throw new IllegalArgumentException("field 'format' is not '" + FORMAT + "'");
        }
        return FlatJson.number(fields, "version");
    }

    static RepositoryConfig fromFields(Map<String, Object> fields) {
        try {
            return new RepositoryConfig((int) versionOf(fields), FlatJson.text(fields, "id"),
                    Math.toIntExact(FlatJson.number(fields, "chunkSize")),
                    Instant.parse(FlatJson.text(fields, "created")), FlatJson.text(fields, "encryption"),
                    FlatJson.text(fields, "compression"), FlatJson.text(fields, "chunkId"));
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
