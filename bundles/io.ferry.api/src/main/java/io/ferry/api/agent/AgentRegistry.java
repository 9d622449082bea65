package io.ferry.api.agent;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Enrollment tokens and enrolled agents, kept in the catalog. Roles are enforced here, for
 * every front end: {@link #createToken} and {@link #remove} need {@code ferry-admin} and are
 * audited; {@link #agents} needs {@code ferry-viewer}. The calls the manager's agent endpoint
 * makes ({@link #redeem}, {@link #enrolled}, {@link #heartbeat}) are Ferry's own work.
 */
@ProviderType
public interface AgentRegistry {

    /** Longest validity of an enrollment token. */
    Duration MAX_TOKEN_VALIDITY = Duration.ofDays(7);

    /**
     * Creates a single-use token that enrolls an agent for {@code server} (a managed server of
     * the inventory), valid for {@code validity} (at most {@link #MAX_TOKEN_VALIDITY}). The
     * returned token's {@link EnrollmentToken#text() text} is the only copy of its secret.
     *
     * @param caFingerprint SHA-256 of the manager's CA certificate (hex), embedded in the text
     * @throws io.ferry.api.security.AccessDeniedException unless the caller is a ferry-admin
     * @throws io.ferry.api.NotFoundException when the server is not in the inventory
     */
    EnrollmentToken createToken(String server, Duration validity, String caFingerprint);

    /**
     * Consumes a token: checks its secret, that it is unused and unexpired, and marks it used,
     * atomically (two agents racing with one token: one wins).
     *
     * @param text the token as the operator passed it
     * @return the managed server the token enrolls
     * @throws EnrollmentRefusedException naming why (never the secret)
     */
    String redeem(String text);

    /**
     * Records the agent of {@code server} with its new certificate; replaces an earlier agent of
     * the server (whose certificate is no longer accepted).
     */
    void enrolled(String server, String certificateFingerprint, Instant certificateExpires);

    /**
     * The agent of {@code server} when its certificate has this fingerprint: what a connection
     * presenting that certificate may act as. Empty for a replaced or removed agent.
     */
    Optional<AgentInfo> accepted(String server, String certificateFingerprint);

    /** Records a heartbeat of the agent of {@code server}. */
    void heartbeat(String server, String address, AgentCapabilities capabilities, int runningTasks, Instant at);

    /**
     * Every enrolled agent, by server name.
     *
     * @throws io.ferry.api.security.AccessDeniedException unless the caller is a ferry-viewer
     */
    List<AgentInfo> agents();

    /**
     * Forgets the agent of {@code server}: its certificate is refused from now on.
     *
     * @return whether there was one
     * @throws io.ferry.api.security.AccessDeniedException unless the caller is a ferry-admin
     */
    boolean remove(String server);
}
