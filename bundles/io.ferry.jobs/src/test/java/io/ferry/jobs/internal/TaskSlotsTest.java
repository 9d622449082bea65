package io.ferry.jobs.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The task slots of proxies (seeds 002 and 003: proxies share the load by task slots). */
class TaskSlotsTest {

    private final TaskSlots slots = new TaskSlots();
    private final List<String> started = new ArrayList<>();

    private TaskSlots.Slot request(String proxy, int limit, String task) {
        return slots.request(proxy, limit, s -> started.add(task));
    }

    @Test
    void aProxyRunsAtMostItsSlotsAndTheRestQueueFirstComeFirstServed() {
        TaskSlots.Slot a = request("px-01", 2, "a");
        TaskSlots.Slot b = request("px-01", 2, "b");
        request("px-01", 2, "c");
        request("px-01", 2, "d");

        assertEquals(List.of("a", "b"), started);
        assertEquals(2, slots.running("px-01"));
        assertEquals(2, slots.waiting("px-01"));

        slots.release(b);
        assertEquals(List.of("a", "b", "c"), started);
        slots.release(a);
        assertEquals(List.of("a", "b", "c", "d"), started);
        assertEquals(0, slots.waiting("px-01"));
        assertEquals(2, slots.peak("px-01"));
    }

    @Test
    void eachProxyHasItsOwnSlotsAndQueue() {
        request("px-01", 1, "a1");
        request("px-01", 1, "a2");
        request("PX-02", 1, "b1");
        request("px-02", 1, "b2");

        assertEquals(List.of("a1", "b1"), started);
        assertEquals(Map.of("px-01", 1, "PX-02", 1), slots.running());
        assertEquals(1, slots.waiting("px-02"), "proxy names are case-insensitive");
    }

    @Test
    void aFailedTaskReleasesItsSlotLikeASuccessfulOne() {
        TaskSlots.Slot failing = request("px-01", 1, "failing");
        request("px-01", 1, "next");
        try {
            throw new IllegalStateException("disk unreadable");
        } catch (IllegalStateException e) {
            slots.release(failing);
        }
        assertEquals(List.of("failing", "next"), started);
    }

    @Test
    void aCancelledWaitingRequestNeverStartsAndKeepsItsPlaceForNobody() {
        TaskSlots.Slot running = request("px-01", 1, "running");
        TaskSlots.Slot cancelled = request("px-01", 1, "cancelled");
        request("px-01", 1, "last");

        assertTrue(slots.cancel(cancelled));
        assertFalse(slots.cancel(cancelled), "cancelling twice does nothing");
        assertFalse(slots.cancel(running), "a held slot is not cancelled: its task must be stopped");
        slots.release(running);

        assertEquals(List.of("running", "last"), started);
        assertEquals(TaskSlots.Slot.State.RELEASED, cancelled.state());
    }

    @Test
    void releasingTwiceOrReleasingAWaitingRequestDoesNotFreeAnExtraSlot() {
        TaskSlots.Slot a = request("px-01", 1, "a");
        TaskSlots.Slot b = request("px-01", 1, "b");
        request("px-01", 1, "c");
        slots.release(a);
        slots.release(a);
        assertEquals(List.of("a", "b"), started, "the second release of a must not start c");
        slots.release(b);
        assertEquals(List.of("a", "b", "c"), started);
    }

    @Test
    void aLoweredLimitTakesEffectAsRunningTasksEnd() {
        TaskSlots.Slot a = request("px-01", 3, "a");
        TaskSlots.Slot b = request("px-01", 3, "b");
        request("px-01", 1, "c");
        assertEquals(List.of("a", "b"), started);
        slots.release(a);
        assertEquals(List.of("a", "b"), started, "still one running, and the limit is now 1");
        slots.release(b);
        assertEquals(List.of("a", "b", "c"), started);
    }

    @Test
    void aProxyNeedsAtLeastOneSlot() {
        assertThrows(IllegalArgumentException.class, () -> request("px-01", 0, "a"));
    }

    @Test
    @Timeout(60)
    void underConcurrentRequestsAndReleasesNoProxyEverExceedsItsSlotsAndEveryTaskRuns() throws Exception {
        Map<String, Integer> limits = Map.of("px-01", 1, "px-02", 2, "px-03", 3);
        Map<String, AtomicInteger> inUse = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> peak = new ConcurrentHashMap<>();
        AtomicInteger violations = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        ExecutorService workers = Executors.newFixedThreadPool(8);
        int tasks = 600;
        for (int i = 0; i < tasks; i++) {
            String proxy = "px-0" + (1 + i % 3);
            int limit = limits.get(proxy);
            slots.request(proxy, limit, slot -> workers.execute(() -> {
                int now = inUse.computeIfAbsent(proxy, k -> new AtomicInteger()).incrementAndGet();
                peak.computeIfAbsent(proxy, k -> new AtomicInteger()).accumulateAndGet(now, Math::max);
                if (now > limit) {
                    violations.incrementAndGet();
                }
                Thread.onSpinWait();
                if (ThreadLocalRandom.current().nextBoolean()) {
                    Thread.yield();
                }
                inUse.get(proxy).decrementAndGet();
                done.incrementAndGet();
                slots.release(slot);
            }));
        }
        while (done.get() < tasks) {
            Thread.sleep(5);
        }
        workers.shutdown();
        assertTrue(workers.awaitTermination(30, TimeUnit.SECONDS));

        assertEquals(0, violations.get(), "times a proxy ran more tasks than its slots");
        limits.forEach((proxy, limit) -> assertTrue(slots.peak(proxy) <= limit, proxy + " peaked at "
                + slots.peak(proxy)));
        assertEquals(Map.of(), slots.running());
    }
}
