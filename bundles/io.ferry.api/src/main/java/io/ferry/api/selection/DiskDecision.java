package io.ferry.api.selection;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Which backup proxy reads a disk, and how.
 *
 * @param disk          the disk label
 * @param status        ASSIGNED, WAITING_FOR_SLOT, CANNOT_PROCESS or PLATFORM_UNSERVED
 * @param proxy         the chosen proxy (for Hyper-V on-host backup: the host's server)
 * @param transportMode the chosen transport mode id
 * @param reason        why this proxy and mode, or why none
 * @param negotiation   the transport negotiation with the chosen proxy, in preference order
 * @param candidates    every proxy considered, best first
 * @param warnings      visible warnings, e.g. a fallback to network mode and its cause
 * @param wave          0 if the task starts at once; n if it waits for n earlier rounds of
 *                      tasks on its proxy to finish
 */
public record DiskDecision(String disk, DecisionStatus status, Optional<String> proxy, Optional<String> transportMode,
        String reason, List<TransportStep> negotiation, List<Candidate> candidates, List<String> warnings, int wave) {
    public DiskDecision {
        Objects.requireNonNull(disk, "disk");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(proxy, "proxy");
        Objects.requireNonNull(transportMode, "transportMode");
        Objects.requireNonNull(reason, "reason");
        negotiation = List.copyOf(negotiation);
        candidates = List.copyOf(candidates);
        warnings = List.copyOf(warnings);
    }
}
