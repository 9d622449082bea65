package io.ferry.jobs.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The task slots of every backup proxy (seeds 002 and 003: several proxies share the load
 * by task slots; a proxy runs at most its {@code maxConcurrentTasks} tasks at once). One
 * instance serves all sessions, so that two jobs on one proxy share its slots.
 *
 * <p>A task {@link #request requests} a slot on its proxy. When one is free the slot is
 * held at once and the task's start action runs; otherwise the request waits in the proxy's
 * queue, first come first served (the session requests its tasks in plan order). A held
 * slot is {@link #release released} when its task ends, however it ends (success, failure,
 * cancel), and the oldest waiting request of that proxy gets it. A waiting request can be
 * {@link #cancel cancelled}: it leaves the queue and its start action never runs.
 *
 * <p>Start actions run on the thread that made the slot free (the requester or the
 * releaser), outside the lock, so they must only hand the task to an executor.
 */
final class TaskSlots {

    /** A request for a slot on one proxy. */
    static final class Slot {
        enum State { WAITING, HELD, RELEASED }

        private final String proxy;
        private final Consumer<Slot> start;
        private State state = State.WAITING;

        private Slot(String proxy, Consumer<Slot> start) {
            this.proxy = proxy;
            this.start = start;
        }

        String proxy() {
            return proxy;
        }

        synchronized State state() {
            return state;
        }

        private synchronized void set(State value) {
            state = value;
        }
    }

    /** The slots of one proxy. */
    private static final class Proxy {
        final String name;
        int limit;
        int held;
        int peak;
        final ArrayDeque<Slot> waiting = new ArrayDeque<>();

        Proxy(String name, int limit) {
            this.name = name;
            this.limit = limit;
        }
    }

    private final Map<String, Proxy> proxies = new HashMap<>();

    /**
     * Requests a slot on {@code proxy}, which has {@code limit} slots (the latest limit asked
     * with wins: a lowered limit takes effect as running tasks end). Calls {@code start} with the
     * slot as soon as it is held, possibly before this method returns.
     */
    Slot request(String proxy, int limit, Consumer<Slot> start) {
        Objects.requireNonNull(proxy, "proxy");
        Objects.requireNonNull(start, "start");
        if (limit < 1) {
            throw new IllegalArgumentException("proxy " + proxy + " has " + limit + " task slots; it needs at least 1");
        }
        Slot slot = new Slot(proxy, start);
        List<Slot> granted;
        synchronized (this) {
            Proxy p = proxies.computeIfAbsent(key(proxy), k -> new Proxy(proxy, limit));
            p.limit = limit;
            p.waiting.addLast(slot);
            granted = grant(p);
        }
        granted.forEach(s -> s.start.accept(s));
        return slot;
    }

    /**
     * Ends a slot: a held slot becomes free for the next waiting request of its proxy; a
     * waiting one leaves the queue. Releasing twice does nothing.
     */
    void release(Slot slot) {
        List<Slot> granted;
        synchronized (this) {
            Proxy p = proxies.get(key(slot.proxy));
            switch (slot.state()) {
                case RELEASED:
                    return;
                case WAITING:
                    p.waiting.remove(slot);
                    slot.set(Slot.State.RELEASED);
                    return;
                case HELD:
                default:
                    p.held--;
                    slot.set(Slot.State.RELEASED);
                    granted = grant(p);
                    break;
            }
        }
        granted.forEach(s -> s.start.accept(s));
    }

    /**
     * Takes a waiting request out of its queue; its start action will never run. Returns
     * false when the slot is already held (its task runs and must be stopped otherwise) or
     * released.
     */
    synchronized boolean cancel(Slot slot) {
        if (slot.state() != Slot.State.WAITING) {
            return false;
        }
        proxies.get(key(slot.proxy)).waiting.remove(slot);
        slot.set(Slot.State.RELEASED);
        return true;
    }

    /** Held slots per proxy (proxy name as first requested), for the planner's load. */
    synchronized Map<String, Integer> running() {
        Map<String, Integer> load = new TreeMap<>();
        proxies.values().forEach(p -> {
            if (p.held > 0) {
                load.put(p.name, p.held);
            }
        });
        return load;
    }

    synchronized int running(String proxy) {
        Proxy p = proxies.get(key(proxy));
        return p == null ? 0 : p.held;
    }

    synchronized int waiting(String proxy) {
        Proxy p = proxies.get(key(proxy));
        return p == null ? 0 : p.waiting.size();
    }

    /** The most slots of {@code proxy} ever held at once. */
    synchronized int peak(String proxy) {
        Proxy p = proxies.get(key(proxy));
        return p == null ? 0 : p.peak;
    }

    private static List<Slot> grant(Proxy p) {
        List<Slot> granted = new ArrayList<>();
        while (p.held < p.limit && !p.waiting.isEmpty()) {
            Slot next = p.waiting.removeFirst();
            next.set(Slot.State.HELD);
            p.held++;
            p.peak = Math.max(p.peak, p.held);
            granted.add(next);
        }
        return granted;
    }

    private static String key(String proxy) {
        return proxy.toLowerCase(Locale.ROOT);
    }
}
