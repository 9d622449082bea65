package io.ferry.api.inventory;

/**
 * Outcome of an import: what the file holds and whether it was applied.
 *
 * @param applied false for a validation-only run
 */
public record ImportReport(int servers, int hosts, int vms, int disks, boolean applied) {
}
