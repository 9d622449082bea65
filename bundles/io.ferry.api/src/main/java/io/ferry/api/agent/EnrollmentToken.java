package io.ferry.api.agent;

import java.time.Instant;
import java.util.Objects;

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
}
