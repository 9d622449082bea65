package io.ferry.api.selection;

import io.ferry.api.inventory.Platform;
import java.util.List;
import java.util.Objects;

/** The plan for one VM: its guest interaction proxy and a decision per disk. */
public record VmPlan(String vm, Platform platform, String host, GuestInteractionDecision guestInteraction,
        List<DiskDecision> disks) {
    public VmPlan {
        Objects.requireNonNull(vm, "vm");
        Objects.requireNonNull(platform, "platform");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(guestInteraction, "guestInteraction");
        disks = List.copyOf(disks);
    }
}
