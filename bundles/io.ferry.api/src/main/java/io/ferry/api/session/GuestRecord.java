package io.ferry.api.session;

import java.time.Duration;
import java.util.Objects;

/**
 * The guest processing stage of one VM in one session (seed 001: done by the guest
 * interaction proxy before the disks are read, with failover to the backup server).
 *
 * @param vm       VM name
 * @param proxy    the guest interaction proxy that did (or would do) it
 * @param status   SUCCESS, WARNING (e.g. failed over, or the guest could not be frozen and the
 *                 backup is crash-consistent), FAILED, SKIPPED (guest processing off), NOT_EXECUTED
 * @param executed true when it really ran here; false when only recorded (platform not available here)
 * @param channel  how it talks to the guest: "qemu-guest-agent", "VIX", "PowerShell Direct", "network"
 * @param detail   what was done or would be done, for people
 * @param frozen   how long the guest's file systems were frozen (zero when not frozen)
 */
public record GuestRecord(String vm, String proxy, TaskStatus status, boolean executed, String channel, String detail,
        Duration frozen) {
    public GuestRecord {
        Objects.requireNonNull(vm, "vm");
        Objects.requireNonNull(status, "status");
        channel = channel == null ? "" : channel;
        detail = detail == null ? "" : detail;
        frozen = frozen == null ? Duration.ZERO : frozen;
    }
}
