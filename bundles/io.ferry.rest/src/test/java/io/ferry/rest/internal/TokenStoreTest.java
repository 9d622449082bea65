package io.ferry.rest.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.NotFoundException;
import io.ferry.api.ValidationException;
import io.ferry.api.security.Caller;
import io.ferry.api.security.FerryRole;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenStoreTest {
    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T00:00:00Z"));

    /** A clock the test moves on. */
    static final class MutableClock extends Clock {
        Instant now;

        MutableClock(Instant now) {
            this.now = now;
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

    @Test
    void aTokenLogsInWithItsRoleUntilItExpiresAndOnlyItsHashIsStored() throws Exception {
        TokenStore store = new TokenStore(dir.resolve("rest/tokens.json"), clock);
        TokenStore.Created created = store.create("backup-script", FerryRole.OPERATOR, Duration.ofDays(30), "ada");
        assertTrue(created.text().startsWith("ferry_" + created.token().id() + "_"), created.text());

        String file = Files.readString(dir.resolve("rest/tokens.json"), StandardCharsets.UTF_8);
        String secret = created.text().substring(created.text().lastIndexOf('_') + 1);
        assertFalse(file.contains(secret), "the secret is stored:\n" + file);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("rest/tokens.json"))));

        ApiToken token = store.verify(created.text()).orElseThrow();
        Caller caller = Caller.of(TokenPrincipals.subject(token));
        assertEquals("backup-script", caller.user());
        assertEquals(Optional.of(FerryRole.OPERATOR), caller.role());

        clock.now = clock.now.plus(Duration.ofDays(30));
        assertTrue(store.verify(created.text()).isEmpty(), "an expired token still logs in");
        assertEquals("expired", store.list().get(0).state(clock.now));
    }

    @Test
    void aRevokedOrAlteredTokenNoLongerLogsIn() {
        TokenStore store = new TokenStore(dir.resolve("tokens.json"), clock);
        TokenStore.Created created = store.create("viewer-bot", FerryRole.VIEWER, Duration.ofHours(1), "ada");
        String text = created.text();
        char last = text.charAt(text.length() - 1);
        assertTrue(store.verify(text.substring(0, text.length() - 1) + (last == 'A' ? 'B' : 'A')).isEmpty());
        assertTrue(store.verify("ferry_" + created.token().id()).isEmpty());
        assertTrue(store.verify(Base64.getEncoder().encodeToString("x:y".getBytes(StandardCharsets.UTF_8))).isEmpty());
        assertTrue(store.verify(text).isPresent());

        store.revoke(created.token().id());
        assertTrue(store.verify(text).isEmpty());
        assertEquals("revoked", store.list().get(0).state(clock.now));
        assertThrows(NotFoundException.class, () -> store.revoke("00000000"));
    }

    @Test
    void badNamesAndValiditiesAreRefusedNamingTheField() {
        TokenStore store = new TokenStore(dir.resolve("tokens.json"), clock);
        assertEquals("name", assertThrows(ValidationException.class,
                () -> store.create("has space", FerryRole.VIEWER, Duration.ofDays(1), "ada")).field());
        assertEquals("expires", assertThrows(ValidationException.class,
                () -> store.create("bot", FerryRole.VIEWER, Duration.ofDays(400), "ada")).field());
        assertEquals("expires", assertThrows(ValidationException.class, () -> FerryApi.validity("soon")).field());
        assertEquals(Duration.ofHours(12), FerryApi.validity("12h"));
        assertEquals(FerryRole.OPERATOR, FerryApi.role("operator"));
        assertEquals(FerryRole.ADMIN, FerryApi.role("ferry-admin"));
        assertEquals("role", assertThrows(ValidationException.class, () -> FerryApi.role("root")).field());
    }

    @Test
    void bearerTokensAndBasicPasswordsBothLogIn() {
        TokenStore store = new TokenStore(dir.resolve("tokens.json"), clock);
        TokenStore.Created created = store.create("bot", FerryRole.VIEWER, Duration.ofDays(1), "ada");
        Logins logins = new Logins(credentials -> credentials.password().equals("pw")
                ? Optional.of(TokenPrincipals.subject(created.token())) : Optional.empty(), store);
        assertTrue(logins.authenticate("Bearer " + created.text()).isPresent());
        assertTrue(logins.authenticate("bearer   " + created.text()).isPresent());
        assertTrue(logins.authenticate("Basic " + Base64.getEncoder().encodeToString("u:pw".getBytes(StandardCharsets.UTF_8)))
                .isPresent());
        assertTrue(logins.authenticate("Bearer ferry_nope_nope").isEmpty());
        assertTrue(logins.authenticate("Digest x").isEmpty());
        assertTrue(logins.authenticate(null).isEmpty());
    }
}
