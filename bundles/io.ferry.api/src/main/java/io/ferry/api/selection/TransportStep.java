package io.ferry.api.selection;

import java.util.Objects;

/**
 * One step of the transport negotiation for a disk, e.g. "direct-storage-access: no SAN
 * access to datastore ds1".
 *
 * @param mode      transport mode id ({@code direct-storage-access}, {@code virtual-appliance},
 *                  {@code network}, {@code network-ssl}, {@code backup-from-storage-snapshots},
 *                  {@code hyperv-off-host}, {@code hyperv-on-host}, {@code proxmox-nbd}, ...)
 * @param available whether the mode can be used
 * @param reason    why (not)
 * @param fallback  the mode is only used because a preferred one failed (e.g. failover to network)
 */
public record TransportStep(String mode, boolean available, String reason, boolean fallback) {
    public TransportStep {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(reason, "reason");
    }

    public static TransportStep ok(String mode, String reason) {
        return new TransportStep(mode, true, reason, false);
    }

    public static TransportStep unavailable(String mode, String reason) {
        return new TransportStep(mode, false, reason, false);
    }

    @Override
    public String toString() {
        return mode + ": " + (available ? "ok" : reason) + (available && fallback ? " (fallback)" : "");
    }
}
