package io.ferry.inventory.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.NotFoundException;
import io.ferry.api.ValidationException;
import io.ferry.api.audit.AuditEntry;
import io.ferry.api.audit.AuditQuery;
import io.ferry.api.security.AccessDeniedException;
import io.ferry.api.security.ApiToken;
import io.ferry.api.security.FerryRole;
import io.ferry.api.security.NewApiToken;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import javax.security.auth.Subject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * API tokens in the catalog (issue "REST API and web console": "API tokens for scripts
 * (ferry:token-create --role operator --expires 30d, stored hashed, revocable, listed)"), run
 * against each real database by the subclasses.
 */
abstract class ApiTokensContractTest {
    private static final Instant T0 = Instant.parse("2026-12-07T03:00:00Z");
    private static final Subject ADMIN = Subjects.user("ann", "ferry-admin");
    private static final Subject OPERATOR = Subjects.user("otto", "ferry-operator");
    private static final Subject VIEWER = Subjects.user("vera", "ferry-viewer");
    private static final Subject NOBODY = Subjects.user("nora");

    private InventoryDatabase database;
    private JdbcAuditLog audit;
    private TestClock clock;
    private JdbcApiTokens tokens;

    abstract TestDatabases.Db newDatabase() throws Exception;

    @BeforeEach
    void open() throws Exception {
        TestDatabases.Db db = newDatabase();
        database = new InventoryDatabase(db.dataSource(), db.url(), "backup-01");
        audit = new JdbcAuditLog(database);
        clock = new TestClock(T0);
        tokens = new JdbcApiTokens(database, audit, clock);
    }

    @AfterEach
    void close() {
        if (database != null) {
            database.stop();
        }
    }

    private NewApiToken create(Subject who, FerryRole role, Duration validity) {
        return Subjects.as(who, () -> tokens.create(role, validity, "nightly export"));
    }

    @Test
    void aTokenLogsItsUserInWithItsRoleUntilItExpiresAndOnlyItsHashIsStored() {
        NewApiToken made = create(OPERATOR, FerryRole.OPERATOR, Duration.ofDays(30));
        assertTrue(made.text().matches("ferry_[0-9a-f]{16}_[A-Za-z0-9_-]{43}"), made.text());
        assertEquals("otto", made.token().user());
        assertEquals(FerryRole.OPERATOR, made.token().role());
        assertEquals(T0.plus(Duration.ofDays(30)), made.token().expires());
        assertFalse(made.toString().contains(made.text()), "the secret never shows in logs: " + made);

        ApiToken in = tokens.authenticate(made.text()).orElseThrow();
        assertEquals(made.token().id(), in.id());
        assertEquals("otto", in.user());
        assertEquals(FerryRole.OPERATOR, in.role());
        assertEquals(Optional.of(T0), in.lastUsed());

        String secret = made.text().substring("ferry_".length() + 16 + 1);
        String stored = database.read(c -> {
            try (var s = c.createStatement(); var rs = s.executeQuery("SELECT secret_sha256 FROM api_tokens")) {
                rs.next();
                return rs.getString(1);
            }
        });
        assertEquals(JdbcAgentRegistry.sha256(secret), stored);
        assertFalse(stored.contains(secret));

        String wrong = made.text().substring(0, made.text().length() - 4) + "AAAA";
        assertEquals(Optional.empty(), tokens.authenticate(wrong), "a wrong secret");
        assertEquals(Optional.empty(), tokens.authenticate("ferry_0000000000000000_" + "A".repeat(43)), "unknown id");
        assertEquals(Optional.empty(), tokens.authenticate("Basic b3R0bzpzZWNyZXQ="), "not a token");
        assertEquals(Optional.empty(), tokens.authenticate(null));

        clock.advance(Duration.ofDays(30));
        assertEquals(Optional.empty(), tokens.authenticate(made.text()), "expired");
    }

    @Test
    void aTokenCarriesAtMostItsUsersRoleAndAValidityOfOneHourToAYear() {
        ValidationException higher = assertThrows(ValidationException.class,
                () -> create(OPERATOR, FerryRole.ADMIN, Duration.ofDays(1)));
        assertEquals("role: a token carries at most its user's role: otto holds ferry-operator, not ferry-admin",
                higher.getMessage());
        assertEquals("expires: an API token is valid for 1 hour to 365 days, not 59m", assertThrows(
                ValidationException.class, () -> create(VIEWER, FerryRole.VIEWER, Duration.ofMinutes(59)))
                .getMessage());
        assertThrows(ValidationException.class, () -> create(ADMIN, FerryRole.ADMIN, Duration.ofDays(366)));
        assertThrows(ValidationException.class, () -> Subjects.as(VIEWER,
                () -> tokens.create(FerryRole.VIEWER, Duration.ofDays(1), "x".repeat(201))));
        assertThrows(AccessDeniedException.class, () -> create(NOBODY, FerryRole.VIEWER, Duration.ofDays(1)));
        assertEquals(FerryRole.VIEWER, create(ADMIN, FerryRole.VIEWER, Duration.ofHours(1)).token().role());

        List<String> trail = Subjects.as(ADMIN, () -> audit.query(AuditQuery.latest(20))).entries().stream()
                .filter(e -> e.action().equals("token-create")).map(e -> e.user() + " " + e.result()).toList();
        assertEquals(List.of("ann OK", "nora DENIED", "vera ERROR", "ann ERROR", "vera ERROR", "otto ERROR"), trail);
    }

    @Test
    void usersListAndRevokeTheirOwnTokensAndAdminsEveryones() {
        NewApiToken otto = create(OPERATOR, FerryRole.VIEWER, Duration.ofDays(7));
        clock.advance(Duration.ofSeconds(1));
        NewApiToken vera = create(VIEWER, FerryRole.VIEWER, Duration.ofDays(7));
        assertEquals(List.of(otto.token().id()), Subjects.as(OPERATOR, tokens::list).stream().map(ApiToken::id)
                .toList());
        assertEquals(List.of(vera.token().id(), otto.token().id()), Subjects.as(ADMIN, tokens::list).stream()
                .map(ApiToken::id).toList(), "an admin sees every user's, newest first");

        NotFoundException other = assertThrows(NotFoundException.class,
                () -> Subjects.as(OPERATOR, () -> tokens.revoke(vera.token().id())));
        assertTrue(other.getMessage().contains("No API token '" + vera.token().id() + "' of user otto"),
                other.getMessage());
        assertTrue(tokens.authenticate(vera.text()).isPresent());

        clock.advance(Duration.ofMinutes(5));
        ApiToken revoked = Subjects.as(OPERATOR, () -> tokens.revoke(otto.token().id()));
        assertEquals(Optional.of(T0.plus(Duration.ofSeconds(1)).plus(Duration.ofMinutes(5))), revoked.revoked());
        assertEquals(Optional.empty(), tokens.authenticate(otto.text()), "revoked: refused at once");
        Subjects.as(ADMIN, () -> tokens.revoke(vera.token().id()));
        assertEquals(Optional.empty(), tokens.authenticate(vera.text()));
        assertEquals(2, Subjects.as(ADMIN, tokens::list).size(), "revoked tokens stay listed");

        List<AuditEntry> entries = Subjects.as(ADMIN, () -> audit.query(AuditQuery.latest(20))).entries();
        for (AuditEntry e : entries) {
            assertFalse(e.message().contains(otto.text()) || e.message().contains(vera.text()), e.toString());
        }
        assertEquals(List.of("ann " + vera.token().id() + " OK", "otto " + otto.token().id() + " OK",
                "otto " + vera.token().id() + " ERROR"), entries.stream().filter(e -> e.action().equals("token-revoke"))
                .map(e -> e.user() + " " + e.target() + " " + e.result()).toList());
    }

    @Test
    void oldRevokedAndExpiredTokensAreDeletedAfterThirtyDays() {
        NewApiToken old = create(VIEWER, FerryRole.VIEWER, Duration.ofHours(1));
        clock.advance(Duration.ofDays(31));
        create(VIEWER, FerryRole.VIEWER, Duration.ofHours(1));
        assertEquals(1, Subjects.as(VIEWER, tokens::list).size());
        assertEquals(Optional.empty(), tokens.authenticate(old.text()));
    }
}
