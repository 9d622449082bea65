package io.ferry.api.inventory;

/** How many objects the inventory holds. */
public record InventorySummary(long servers, long hosts, long vms, long disks) {
}
