package io.ferry.api.agent;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * An enrolled agent as the catalog knows it.
 *
 * @param server                 the managed server it acts for (one agent per server)
 * @param certificateFingerprint SHA-256 of its certificate (hex); the only one the manager accepts from it
 * @param certificateExpires     when its certificate expires
 * @param enrolled               when it enrolled
 * @param address                the address its last connection came from, empty before the first
 * @param lastHeartbeat          its last heartbeat, empty before the first
 * @param runningTasks           tasks it reported running in its last heartbeat
 * @param capabilities           what it reported in its last heartbeat, empty before the first
 */
public record AgentInfo(String server, String certificateFingerprint, Instant certificateExpires, Instant enrolled,
        Optional<String> address, Optional<Instant> lastHeartbeat, int runningTasks,
        Optional<AgentCapabilities> capabilities) {

    public AgentInfo {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(certificateFingerprint, "certificateFingerprint");
        Objects.requireNonNull(certificateExpires, "certificateExpires");
        Objects.requireNonNull(enrolled, "enrolled");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(lastHeartbeat, "lastHeartbeat");
        Objects.requireNonNull(capabilities, "capabilities");
    }
}
