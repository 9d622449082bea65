package io.ferry.api.agent;

import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A single-use, expiring token that enrolls one agent for one managed server. Only its hash
 * is stored: {@link #text()} is shown once, when the token is created, and is what the
 * operator passes to {@code ./ferry agent enroll --token}. It also carries the fingerprint of
 * the manager's CA certificate, so that the agent can check whom it enrolls with.
 *
 * @param id      the token's public id (not secret)
 * @param server  the managed server the agent will act for
 * @param created when it was created
 * @param expires after this instant it is refused
 * @param text    the whole token, secret included; null when read back from the catalog
 */
public record EnrollmentToken(String id, String server, Instant created, Instant expires, String text) {

    public EnrollmentToken {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(expires, "expires");
    }

    @Override
    public String toString() {
        return "EnrollmentToken[id=" + id + ", server=" + server + ", expires=" + expires + "]";
    }

    /**
     * The parts of a token's text, {@code FE1.<id>.<secret>.<ca>}: {@code id} 16 lower-case hex
     * digits, {@code secret} 43 base64url characters (32 random bytes), {@code ca} the SHA-256
     * fingerprint of the manager's CA certificate in 64 lower-case hex digits.
     */
    public record Text(String id, String secret, String caFingerprint) {

        private static final Pattern FORMAT =
                Pattern.compile("FE1\\.([0-9a-f]{16})\\.([A-Za-z0-9_-]{43})\\.([0-9a-f]{64})");

        public Text {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(secret, "secret");
            Objects.requireNonNull(caFingerprint, "caFingerprint");
            if (!FORMAT.matcher(format(id, secret, caFingerprint)).matches()) {
                throw new IllegalArgumentException("not the parts of an enrollment token (FE1.<16 hex>.<43 base64url>"
                        + ".<64 hex>)");
            }
        }

        /**
         * Parses a token as {@code ferry:agent-token} printed it (surrounding blanks ignored).
         *
         * @throws IllegalArgumentException saying what the text should look like (never echoing it)
         */
        public static Text parse(String text) {
            var m = FORMAT.matcher(text == null ? "" : text.strip());
            if (!m.matches()) {
                throw new IllegalArgumentException("this is not an enrollment token: one looks like FE1.<16 hex digits>."
                        + "<43 characters>.<64 hex digits>, as ferry:agent-token printed it");
            }
            return new Text(m.group(1), m.group(2), m.group(3));
        }

        private static String format(String id, String secret, String ca) {
            return "FE1." + id + "." + secret + "." + ca;
        }

        /** The text the operator passes to {@code ./ferry agent enroll --token}. */
        @Override
        public String toString() {
            return format(id, secret, caFingerprint);
        }
    }
}
