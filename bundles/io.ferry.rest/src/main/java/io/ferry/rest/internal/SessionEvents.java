package io.ferry.rest.internal;

import io.ferry.api.security.Caller;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live progress of sessions as Server-Sent Events ({@code GET /api/v1/sessions/{id}/events}).
 * One feed per watched session, however many subscribers it has: every {@link #TICK} the feed
 * reads the session once (what {@code GET /sessions/{id}} answers, progress included) and sends
 * it to every subscriber as {@code event: session} when it changed; when the session has
 * ended it sends the final state as {@code event: end} and closes the streams. A comment line
 * every {@link #KEEP_ALIVE} keeps idle connections open through proxies. Subscribers are
 * checked (login, role, the session exists) by the normal request pipeline before they are
 * added; the feed then reads as Ferry itself.
 */
final class SessionEvents implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SessionEvents.class);
    static final String CONTENT_TYPE = "text/event-stream";
    static final Duration TICK = Duration.ofMillis(500);
    static final Duration KEEP_ALIVE = Duration.ofSeconds(15);
    private static final byte[] KEEP_ALIVE_COMMENT = ": keep-alive\n\n".getBytes(StandardCharsets.UTF_8);
    /** Streams open at once, all sessions together. */
    static final int MAX_SUBSCRIBERS = 1000;

    /** Where a subscriber's events go; {@code close} ends its stream. */
    interface Subscriber {
        /** Writes and flushes; an IOException means the client went away. */
        void send(byte[] event) throws IOException;

        void close();
    }

    /**
     * What a feed reads: the session as the API shows it (JSON, one line) and whether it has
     * ended, or empty when the session is gone.
     */
    record State(byte[] json, boolean ended) {
    }

    private final Function<String, Optional<State>> reader;
    private final ScheduledExecutorService ticker;
    private final Map<String, Feed> feeds = new ConcurrentHashMap<>();
    private final AtomicInteger subscribers = new AtomicInteger();

    SessionEvents(Function<String, Optional<State>> reader) {
        this.reader = Objects.requireNonNull(reader, "reader");
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ferry-rest-session-events");
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleWithFixedDelay(this::tick, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Adds a subscriber to the feed of {@code sessionId} (the id the pipeline resolved); it gets
     * the current state at the next tick.
     *
     * @return false when {@link #MAX_SUBSCRIBERS} streams are open already
     */
    boolean subscribe(String sessionId, Subscriber subscriber) {
        if (subscribers.incrementAndGet() > MAX_SUBSCRIBERS) {
            subscribers.decrementAndGet();
            return false;
        }
        feeds.computeIfAbsent(sessionId, Feed::new).subscribers.add(new Watch(subscriber));
        return true;
    }

    /** Streams open now. */
    int subscribers() {
        return subscribers.get();
    }

    private void tick() {
        long now = System.nanoTime();
        for (Feed feed : feeds.values()) {
            try {
                feed.tick(now);
            } catch (RuntimeException e) {
                LOG.warn("Session events of {}: {}", feed.sessionId, e.toString());
            }
            if (feed.subscribers.isEmpty()) {
                feeds.remove(feed.sessionId, feed);
            }
        }
    }

    static byte[] event(String name, byte[] json) {
        byte[] head = ("event: " + name + "\ndata: ").getBytes(StandardCharsets.UTF_8);
        byte[] out = Arrays.copyOf(head, head.length + json.length + 2);
        System.arraycopy(json, 0, out, head.length, json.length);
        out[out.length - 2] = '\n';
        out[out.length - 1] = '\n';
        return out;
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        for (Feed feed : feeds.values()) {
            feed.subscribers.forEach(w -> end(feed, w));
        }
        feeds.clear();
    }

    private void end(Feed feed, Watch watch) {
        if (feed.subscribers.remove(watch)) {
            subscribers.decrementAndGet();
            watch.subscriber.close();
        }
    }

    /** A subscriber and what it was sent last. */
    private static final class Watch {
        final Subscriber subscriber;
        byte[] last;
        long lastWrite = System.nanoTime();

        Watch(Subscriber subscriber) {
            this.subscriber = subscriber;
        }
    }

    private final class Feed {
        final String sessionId;
        final List<Watch> subscribers = new CopyOnWriteArrayList<>();

        Feed(String sessionId) {
            this.sessionId = sessionId;
        }

        void tick(long now) {
            if (subscribers.isEmpty()) {
                return;
            }
            Optional<State> state = Caller.asSystem(() -> reader.apply(sessionId));
            // one event for every subscriber of this tick, built once
            byte[] last = state.isEmpty() ? event("gone", "{}".getBytes(StandardCharsets.UTF_8))
                    : state.get().ended() ? event("end", state.get().json()) : null;
            byte[] change = state.isPresent() && last == null ? event("session", state.get().json()) : null;
            for (Watch w : subscribers) {
                try {
                    if (last != null) {
                        w.subscriber.send(last);
                        end(this, w);
                    } else if (w.last == null || !Arrays.equals(w.last, state.get().json())) {
                        w.subscriber.send(change);
                        w.last = state.get().json();
                        w.lastWrite = now;
                    } else if (now - w.lastWrite >= KEEP_ALIVE.toNanos()) {
                        w.subscriber.send(KEEP_ALIVE_COMMENT);
                        w.lastWrite = now;
                    }
                } catch (IOException | RuntimeException e) {
                    LOG.debug("A subscriber of session {} went away: {}", sessionId, e.toString());
                    end(this, w);
                }
            }
        }
    }
}
