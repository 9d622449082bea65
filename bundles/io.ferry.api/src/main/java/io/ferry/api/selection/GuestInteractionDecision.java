package io.ferry.api.selection;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Which guest interaction proxy serves a VM (seed 001).
 *
 * @param status        ASSIGNED, NOT_REQUIRED (no guest processing) or CANNOT_PROCESS
 * @param proxy         the chosen server
 * @param reason        why it, or why none
 * @param candidates    every server considered, best first
 * @param failoverProxy the backup server, which takes over if the proxy cannot connect (seed 001)
 */
public record GuestInteractionDecision(DecisionStatus status, Optional<String> proxy, String reason,
        List<Candidate> candidates, Optional<String> failoverProxy) {
    public GuestInteractionDecision {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(proxy, "proxy");
        Objects.requireNonNull(reason, "reason");
        candidates = List.copyOf(candidates);
        Objects.requireNonNull(failoverProxy, "failoverProxy");
    }
}
