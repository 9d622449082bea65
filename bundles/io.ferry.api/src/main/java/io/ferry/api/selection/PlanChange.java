package io.ferry.api.selection;

/**
 * One difference between two plans.
 *
 * @param vm     the VM
 * @param item   {@code guest interaction} or the disk label
 * @param before the decision today, e.g. "px-02 via virtual-appliance"
 * @param after  the decision under the scenario
 */
public record PlanChange(String vm, String item, String before, String after) {
}
