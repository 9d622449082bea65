package io.ferry.rest.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.Principal;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import javax.security.auth.Subject;
import org.junit.jupiter.api.Test;

class ConsoleSessionStoreTest {

    /** Named like Karaf's principals: Ferry matches them by simple class name. */
    record UserPrincipal(String getName) implements Principal {
    }

    record RolePrincipal(String getName) implements Principal {
    }

    static Subject user(String name, String... roles) {
        Subject subject = new Subject();
        subject.getPrincipals().add(new UserPrincipal(name));
        for (String role : roles) {
            subject.getPrincipals().add(new RolePrincipal(role));
        }
        return subject;
    }

    /** A clock the test moves. */
    static final class MovingClock extends Clock {
        Instant now = Instant.parse("2026-12-07T03:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    private final MovingClock clock = new MovingClock();
    private final ConsoleSessionStore store = new ConsoleSessionStore(clock);

    @Test
    void aLoginHasA256BitIdAndItsOwnCsrfTokenAndRunsAsTheUser() {
        Subject otto = user("otto", "ferry-operator");
        ConsoleSessionStore.Created created = store.create(otto);
        assertEquals(32, Base64.getUrlDecoder().decode(created.id()).length);
        assertEquals(32, Base64.getUrlDecoder().decode(created.session().csrfToken()).length);
        assertNotEquals(created.id(), created.session().csrfToken());
        ConsoleSessionStore.ConsoleSession found = store.find(created.id()).orElseThrow();
        assertSame(otto, found.subject());
        assertEquals("otto", found.user());
        assertEquals("ferry-operator", found.role().orElseThrow());
        assertFalse(created.toString().contains(created.id()), "the cookie value must not reach a log: " + created);
    }

    @Test
    void idsAreRandomAndUnknownIdsFindNothing() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            ids.add(store.create(user("u" + i, "ferry-viewer")).id());
        }
        assertEquals(100, ids.size());
        assertTrue(store.find("not-a-login").isEmpty());
        assertTrue(store.find("").isEmpty());
        assertTrue(store.find(null).isEmpty());
    }

    @Test
    void aLoginEndsAfterThirtyIdleMinutesButEachRequestKeepsItAlive() {
        String id = store.create(user("vera", "ferry-viewer")).id();
        clock.advance(Duration.ofMinutes(29));
        assertTrue(store.find(id).isPresent());
        clock.advance(Duration.ofMinutes(29));
        assertTrue(store.find(id).isPresent(), "used 29 minutes ago: still alive");
        clock.advance(Duration.ofMinutes(30));
        assertTrue(store.find(id).isEmpty(), "30 minutes idle: logged out");
        assertEquals(0, store.size(), "an expired login found is dropped");
    }

    @Test
    void aLoginEndsAfterEightHoursHoweverBusy() {
        String id = store.create(user("vera", "ferry-viewer")).id();
        for (int i = 0; i < 8 * 4 - 1; i++) {
            clock.advance(Duration.ofMinutes(15));
            assertTrue(store.find(id).isPresent(), "after " + (i + 1) * 15 + " minutes");
        }
        clock.advance(Duration.ofMinutes(15));
        assertTrue(store.find(id).isEmpty(), "8 hours after the login");
    }

    @Test
    void logoutEndsTheLogin() {
        String id = store.create(user("vera", "ferry-viewer")).id();
        assertTrue(store.remove(id));
        assertTrue(store.find(id).isEmpty());
        assertFalse(store.remove(id));
    }

    @Test
    void theStoreIsBoundedAndDropsExpiredThenLeastRecentlyUsedLogins() {
        ConsoleSessionStore small = new ConsoleSessionStore(clock, new SecureRandom(), Duration.ofMinutes(30),
                Duration.ofHours(8), 3);
        String a = small.create(user("a", "ferry-viewer")).id();
        clock.advance(Duration.ofMinutes(1));
        String b = small.create(user("b", "ferry-viewer")).id();
        clock.advance(Duration.ofMinutes(1));
        String c = small.create(user("c", "ferry-viewer")).id();
        clock.advance(Duration.ofMinutes(1));
        assertTrue(small.find(a).isPresent()); // a is now the most recently used
        String d = small.create(user("d", "ferry-viewer")).id();
        assertEquals(3, small.size());
        assertTrue(small.find(b).isEmpty(), "b was unused the longest");
        assertTrue(small.find(a).isPresent());
        assertTrue(small.find(c).isPresent());
        assertTrue(small.find(d).isPresent());
    }

    @Test
    void theCsrfTokenMatchesOnlyItself() {
        ConsoleSessionStore.ConsoleSession session = store.create(user("otto", "ferry-operator")).session();
        assertTrue(session.csrfMatches(session.csrfToken()));
        assertFalse(session.csrfMatches(session.csrfToken() + "x"));
        assertFalse(session.csrfMatches(""));
        assertFalse(session.csrfMatches(null));
        assertFalse(session.csrfMatches(store.create(user("otto", "ferry-operator")).session().csrfToken()));
    }
}
