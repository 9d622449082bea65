package io.ferry.rest.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** The feeds behind GET /api/v1/sessions/{id}/events (issue 13: "live progress as Server-Sent Events"). */
class SessionEventsTest {

    /** Collects what a client would receive. */
    private static final class Client implements SessionEvents.Subscriber {
        final List<String> events = new CopyOnWriteArrayList<>();
        volatile boolean closed;
        volatile boolean broken;

        @Override
        public void send(byte[] event) throws IOException {
            if (broken) {
                throw new IOException("Broken pipe");
            }
            events.add(new String(event, StandardCharsets.UTF_8));
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private static SessionEvents.State state(String json, boolean ended) {
        return new SessionEvents.State(json.getBytes(StandardCharsets.UTF_8), ended);
    }

    @Test
    void everySubscriberGetsEachChangeOnceAndTheEndFromOneReadPerTick() throws Exception {
        AtomicReference<SessionEvents.State> now = new AtomicReference<>(state("{\"done\":0}", false));
        AtomicInteger reads = new AtomicInteger();
        try (SessionEvents events = new SessionEvents(id -> {
            reads.incrementAndGet();
            return Optional.of(now.get());
        })) {
            Client a = new Client();
            Client b = new Client();
            assertTrue(events.subscribe("s-1", a));
            assertTrue(events.subscribe("s-1", b));
            await(() -> a.events.size() == 1 && b.events.size() == 1);
            assertEquals("event: session\ndata: {\"done\":0}\n\n", a.events.get(0));
            int before = reads.get();
            Thread.sleep(3 * SessionEvents.TICK.toMillis());
            assertEquals(1, a.events.size(), "nothing changed: nothing sent");
            assertTrue(reads.get() - before <= 4, "one read per tick for both subscribers: " + (reads.get() - before));

            now.set(state("{\"done\":50}", false));
            await(() -> a.events.size() == 2 && b.events.size() == 2);
            assertEquals("event: session\ndata: {\"done\":50}\n\n", b.events.get(1));

            now.set(state("{\"done\":100,\"status\":\"SUCCESS\"}", true));
            await(() -> a.closed && b.closed);
            assertEquals("event: end\ndata: {\"done\":100,\"status\":\"SUCCESS\"}\n\n", a.events.get(2));
            assertEquals(3, b.events.size());
            assertEquals(0, events.subscribers());
        }
    }

    @Test
    void aClientThatWentAwayIsDroppedAndAGoneSessionEndsTheStream() throws Exception {
        AtomicReference<Optional<SessionEvents.State>> now = new AtomicReference<>(Optional.of(state("{}", false)));
        try (SessionEvents events = new SessionEvents(id -> now.get())) {
            Client gone = new Client();
            gone.broken = true;
            Client stays = new Client();
            events.subscribe("s-2", gone);
            events.subscribe("s-2", stays);
            await(() -> gone.closed && stays.events.size() == 1);
            assertEquals(1, events.subscribers());
            now.set(Optional.empty());
            await(() -> stays.closed);
            assertEquals("event: gone\ndata: {}\n\n", stays.events.get(1));
            assertEquals(0, events.subscribers());
        }
    }

    @Test
    void closingEndsEveryStream() {
        Client c = new Client();
        SessionEvents events = new SessionEvents(id -> Optional.of(state("{}", false)));
        events.subscribe("s-3", c);
        events.close();
        assertTrue(c.closed);
        assertEquals(0, events.subscribers());
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                fail("not within 10 s");
            }
            Thread.sleep(20);
        }
    }
}
