package io.ferry.rest.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ferry.api.NotFoundException;
import io.ferry.api.ValidationException;
import io.ferry.api.security.FerryRole;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * API tokens for scripts, kept in one JSON file ({@code ${karaf.data}/ferry/rest/tokens.json},
 * 0600 in a 0700 directory): per token its id, name, role, creator, creation and expiry, and
 * the SHA-256 of its secret. The secret is shown once, when the token is made. A token reads
 * {@code ferry_<id>_<secret>} (the secret: 256 random bits, base64url). Revoked and expired
 * tokens stay listed, so that the audit trail's names can be looked up.
 */
final class TokenStore {
    static final String PREFIX = "ferry_";
    static final Duration MAX_VALIDITY = Duration.ofDays(366);

    /** A new token: what is stored, and the text to hand to the script (shown once). */
    record Created(ApiToken token, String text) {
    }

    private final Path file;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    TokenStore(Path file, Clock clock) {
        this.file = Objects.requireNonNull(file, "file");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    synchronized Created create(String name, FerryRole role, Duration validity, String createdBy) {
        if (validity.compareTo(Duration.ofMinutes(1)) < 0 || validity.compareTo(MAX_VALIDITY) > 0) {
            throw new ValidationException("expires", "must be between 1 minute and " + MAX_VALIDITY.toDays() + " days");
        }
        List<ApiToken> tokens = new ArrayList<>(read());
        String id;
        do {
            byte[] idBytes = new byte[4];
            random.nextBytes(idBytes);
            id = HexFormat.of().formatHex(idBytes);
        } while (find(tokens, id).isPresent());
        byte[] secretBytes = new byte[32];
        random.nextBytes(secretBytes);
        String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(secretBytes);
        Instant now = clock.instant();
        ApiToken token = new ApiToken(id, name, role, now, createdBy, now.plus(validity), sha256(secret), Optional.empty());
        tokens.add(token);
        write(tokens);
        return new Created(token, PREFIX + id + "_" + secret);
    }

    synchronized List<ApiToken> list() {
        return read();
    }

    synchronized ApiToken revoke(String id) {
        List<ApiToken> tokens = new ArrayList<>(read());
        ApiToken token = find(tokens, id).orElseThrow(() -> new NotFoundException("No API token with id '" + id
                + "' (GET /api/v1/tokens lists them)"));
        ApiToken revoked = token.revoked().isPresent() ? token : token.revokedAt(clock.instant());
        tokens.set(tokens.indexOf(token), revoked);
        write(tokens);
        return revoked;
    }

    /** The valid token {@code text} stands for; empty when it is malformed, unknown, wrong, revoked or expired. */
    synchronized Optional<ApiToken> verify(String text) {
        if (text == null || !text.startsWith(PREFIX)) {
            return Optional.empty();
        }
        String rest = text.substring(PREFIX.length());
        int sep = rest.indexOf('_');
        if (sep <= 0) {
            return Optional.empty();
        }
        String id = rest.substring(0, sep);
        byte[] presented = sha256(rest.substring(sep + 1)).getBytes(StandardCharsets.US_ASCII);
        Instant now = clock.instant();
        return find(read(), id)
                .filter(t -> MessageDigest.isEqual(t.secretHash().getBytes(StandardCharsets.US_ASCII), presented))
                .filter(t -> t.validAt(now));
    }

    private static Optional<ApiToken> find(List<ApiToken> tokens, String id) {
        return tokens.stream().filter(t -> t.id().equals(id)).findFirst();
    }

    private List<ApiToken> read() {
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        try {
            List<ApiToken> tokens = new ArrayList<>();
            for (JsonNode n : mapper.readTree(file.toFile()).path("tokens")) {
                tokens.add(new ApiToken(n.path("id").asText(), n.path("name").asText(),
                        FerryRole.valueOf(n.path("role").asText()), Instant.parse(n.path("created").asText()),
                        n.path("createdBy").asText(), Instant.parse(n.path("expires").asText()),
                        n.path("sha256").asText(), n.hasNonNull("revoked")
                                ? Optional.of(Instant.parse(n.path("revoked").asText())) : Optional.empty()));
            }
            return tokens;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the API tokens from " + file, e);
        } catch (RuntimeException e) {
            throw new IllegalStateException("The API token file " + file + " is damaged: " + e.getMessage(), e);
        }
    }

    private void write(List<ApiToken> tokens) {
        ObjectNode root = mapper.createObjectNode();
        ArrayNode array = root.putArray("tokens");
        for (ApiToken t : tokens) {
            ObjectNode n = array.addObject().put("id", t.id()).put("name", t.name()).put("role", t.role().name())
                    .put("created", t.created().toString()).put("createdBy", t.createdBy())
                    .put("expires", t.expires().toString()).put("sha256", t.secretHash());
            t.revoked().ifPresent(r -> n.put("revoked", r.toString()));
        }
        try {
            Path directory = file.toAbsolutePath().getParent();
            if (!Files.isDirectory(directory)) {
                Files.createDirectories(directory);
                Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
            }
            Path tmp = Files.createTempFile(directory, ".tokens.", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try {
                Files.write(tmp, mapper.writeValueAsBytes(root));
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the API tokens to " + file, e);
        }
    }

    static String sha256(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
