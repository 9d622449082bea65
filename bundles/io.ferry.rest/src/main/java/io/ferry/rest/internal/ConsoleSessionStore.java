package io.ferry.rest.internal;

import io.ferry.api.security.Caller;
import io.ferry.api.security.FerryRole;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.security.auth.Subject;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * The web console's logins, in memory: each has a random 256-bit id (the {@code ferry_session}
 * cookie), a random CSRF token, and the Subject of the JAAS login, so a request with the cookie
 * runs as that user exactly as with HTTP Basic. A login ends after {@link #idleTimeout()} without
 * a request, after {@link #absoluteTimeout()} in any case, at logout, and when the manager
 * restarts. At most {@code capacity} logins are kept: a new one beyond that first drops the
 * expired ones, then the one unused the longest. Ids are kept only as SHA-256 hashes, so the
 * table (a heap dump) gives away no cookie and a lookup compares no secret byte by byte.
 */
@Component(service = ConsoleSessionStore.class)
public final class ConsoleSessionStore {
    static final Duration IDLE_TIMEOUT = Duration.ofMinutes(30);
    static final Duration ABSOLUTE_TIMEOUT = Duration.ofHours(8);
    static final int CAPACITY = 1000;
    private static final int SECRET_BYTES = 32;

    /** One login. {@code lastUsed} moves with each request; everything else is fixed. */
    static final class ConsoleSession {
        private final String csrfToken;
        private final Subject subject;
        private final Caller caller;
        private final Instant created;
        private Instant lastUsed;

        private ConsoleSession(String csrfToken, Subject subject, Caller caller, Instant created) {
            this.csrfToken = csrfToken;
            this.subject = subject;
            this.caller = caller;
            this.created = created;
            this.lastUsed = created;
        }

        String csrfToken() {
            return csrfToken;
        }

        Subject subject() {
            return subject;
        }

        String user() {
            return caller.user();
        }

        /** The JAAS name of the highest Ferry role held ({@code ferry-operator}), empty when none. */
        Optional<String> role() {
            return caller.role().map(FerryRole::roleName);
        }

        Instant created() {
            return created;
        }

        /** Whether {@code token} is this login's CSRF token (compared in constant time). */
        boolean csrfMatches(String token) {
            return token != null && MessageDigest.isEqual(csrfToken.getBytes(StandardCharsets.US_ASCII),
                    token.strip().getBytes(StandardCharsets.US_ASCII));
        }
    }

    /** A new login: the cookie value to hand to the browser and its session. */
    record Created(String id, ConsoleSession session) {
        @Override
        public String toString() {
            return "Created[user=" + session.user() + "]";
        }
    }

    private final Clock clock;
    private final SecureRandom random;
    private final Duration idleTimeout;
    private final Duration absoluteTimeout;
    private final int capacity;
    private final Map<String, ConsoleSession> byIdHash = new HashMap<>();

    /** The bundle's one store, shared by {@link SessionServlet} and {@link ApiServlet}. */
    @Activate
    public ConsoleSessionStore() {
        this(Clock.systemUTC());
    }

    ConsoleSessionStore(Clock clock) {
        this(clock, new SecureRandom(), IDLE_TIMEOUT, ABSOLUTE_TIMEOUT, CAPACITY);
    }

    ConsoleSessionStore(Clock clock, SecureRandom random, Duration idleTimeout, Duration absoluteTimeout, int capacity) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
        this.idleTimeout = Objects.requireNonNull(idleTimeout, "idleTimeout");
        this.absoluteTimeout = Objects.requireNonNull(absoluteTimeout, "absoluteTimeout");
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, not " + capacity);
        }
        this.capacity = capacity;
    }

    Duration idleTimeout() {
        return idleTimeout;
    }

    Duration absoluteTimeout() {
        return absoluteTimeout;
    }

    /** Starts a login for a user the realm has just accepted. */
    synchronized Created create(Subject subject) {
        Objects.requireNonNull(subject, "subject");
        Instant now = clock.instant();
        if (byIdHash.size() >= capacity) {
            byIdHash.values().removeIf(s -> expired(s, now));
        }
        while (byIdHash.size() >= capacity) {
            byIdHash.entrySet().stream().min(Comparator.comparing(e -> e.getValue().lastUsed))
                    .ifPresent(e -> byIdHash.remove(e.getKey()));
        }
        String id = secret();
        ConsoleSession session = new ConsoleSession(secret(), subject, Caller.of(subject), now);
        byIdHash.put(hash(id), session);
        return new Created(id, session);
    }

    /** The live login with this cookie value, marked as used now; empty when unknown or expired. */
    synchronized Optional<ConsoleSession> find(String id) {
        if (id == null || id.isBlank()) {
            return Optional.empty();
        }
        String key = hash(id.strip());
        ConsoleSession session = byIdHash.get(key);
        if (session == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        if (expired(session, now)) {
            byIdHash.remove(key);
            return Optional.empty();
        }
        session.lastUsed = now;
        return Optional.of(session);
    }

    /** Ends the login with this cookie value; whether there was one. */
    synchronized boolean remove(String id) {
        return id != null && byIdHash.remove(hash(id.strip())) != null;
    }

    /** The logins held now, expired ones included until they are looked up or pushed out. */
    synchronized int size() {
        return byIdHash.size();
    }

    private boolean expired(ConsoleSession session, Instant now) {
        return !now.isBefore(session.lastUsed.plus(idleTimeout)) || !now.isBefore(session.created.plus(absoluteTimeout));
    }

    private String secret() {
        byte[] bytes = new byte[SECRET_BYTES];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String hash(String id) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }
}
