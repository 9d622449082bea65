package io.ferry.api.selection;

import io.ferry.api.inventory.Platform;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The selection service's answer for a job or a VM. A pure function of the job, the
 * inventory snapshot, the load and the installed plugins: identical input, identical plan.
 *
 * @param subject            the job or VM planned
 * @param vms                a plan per VM, in job order
 * @param unservedPlatforms  platforms in scope that no installed plugin serves
 * @param warnings           plan-wide warnings
 */
public record Plan(String subject, List<VmPlan> vms, Set<Platform> unservedPlatforms, List<String> warnings) {
    public Plan {
        Objects.requireNonNull(subject, "subject");
        vms = List.copyOf(vms);
        unservedPlatforms = Set.copyOf(unservedPlatforms);
        warnings = List.copyOf(warnings);
    }

    /** All disk decisions, VM by VM. */
    public List<DiskDecision> disks() {
        return vms.stream().flatMap(v -> v.disks().stream()).toList();
    }
}
