package io.ferry.api.inventory;

/**
 * Outcome of an import: what the file holds and whether it was applied.
 *
 * @param servers managed servers in the file
 * @param hosts   platform hosts in the file
 * @param vms     virtual machines in the file
 * @param disks   disks of those VMs
 * @param jobs    backup jobs in the file (since 1.2)
 * @param applied false for a validation-only run
 */
public record ImportReport(int servers, int hosts, int vms, int disks, int jobs, boolean applied) {

    /** The constructor of 1.1, which counted no jobs: {@code jobs} is 0. */
    public ImportReport(int servers, int hosts, int vms, int disks, boolean applied) {
        this(servers, hosts, vms, disks, 0, applied);
    }
}
