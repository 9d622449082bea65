package io.ferry.inventory.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.NotFoundException;
import io.ferry.api.ReferencedException;
import io.ferry.api.ValidationException;
import io.ferry.api.agent.AgentCapabilities;
import io.ferry.api.agent.AgentInfo;
import io.ferry.api.agent.EnrollmentRefusedException;
import io.ferry.api.agent.EnrollmentToken;
import io.ferry.api.agent.ProtocolVersion;
import io.ferry.api.audit.AuditEntry;
import io.ferry.api.audit.AuditQuery;
import io.ferry.api.security.AccessDeniedException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.security.auth.Subject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Enrollment tokens and agents in the catalog, run against each real database by the subclasses. */
abstract class AgentRegistryContractTest {
    static final String CA = "ab".repeat(32);
    static final String CERT = "c0".repeat(32);
    private static final Instant T0 = Instant.parse("2026-12-06T21:00:00Z");
    private static final Subject ADMIN = Subjects.user("ann", "ferry-admin");
    private static final Subject OPERATOR = Subjects.user("otto", "ferry-operator");
    private static final Subject VIEWER = Subjects.user("vera", "ferry-viewer");
    static final AgentCapabilities CAPS = new AgentCapabilities("0.1.0", new ProtocolVersion(1, 0),
            "Linux 6.1.0-28-amd64", "1.14.2", "7.2.15", List.of("proxmox", "vmware"), 40L << 30, 4);

    private InventoryDatabase database;
    private JdbcInventoryService inventory;
    private JdbcAuditLog audit;
    private TestClock clock;
    private JdbcAgentRegistry registry;

    abstract TestDatabases.Db newDatabase() throws Exception;

    @BeforeEach
    void open() throws Exception {
        TestDatabases.Db db = newDatabase();
        database = new InventoryDatabase(db.dataSource(), db.url(), "backup-01");
        audit = new JdbcAuditLog(database);
        inventory = new JdbcInventoryService(database, audit);
        clock = new TestClock(T0);
        registry = new JdbcAgentRegistry(database, audit, clock);
        inventory.addServer(InventoryFixtures.linux("px-01", "10.0.0.1").build());
        inventory.addServer(InventoryFixtures.linux("px-02", "10.0.0.2").build());
    }

    @AfterEach
    void close() {
        if (database != null) {
            database.stop();
        }
    }

    private EnrollmentToken token(String server, Duration validity) {
        return Subjects.as(ADMIN, () -> registry.createToken(server, validity, CA));
    }

    @Test
    void aTokenEnrollsItsServerOnceAndOnlyItsHashIsStored() throws Exception {
        EnrollmentToken token = token("PX-01", Duration.ofHours(1));
        EnrollmentToken.Text text = EnrollmentToken.Text.parse(token.text());
        assertEquals("px-01", token.server());
        assertEquals(T0.plus(Duration.ofHours(1)), token.expires());
        assertEquals(CA, text.caFingerprint());
        assertEquals(text.id(), token.id());

        String stored = database.read(c -> {
            try (PreparedStatement p = c.prepareStatement("SELECT * FROM agent_tokens");
                    ResultSet rs = p.executeQuery()) {
                StringBuilder all = new StringBuilder();
                while (rs.next()) {
                    for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                        all.append(rs.getString(i)).append('|');
                    }
                }
                return all.toString();
            }
        });
        assertFalse(stored.contains(text.secret()), "the secret is not in the catalog: " + stored);
        assertTrue(stored.contains(JdbcAgentRegistry.sha256(text.secret())), stored);

        clock.advance(Duration.ofMinutes(10));
        assertEquals("px-01", registry.redeem(token.text()));
        EnrollmentRefusedException again = assertThrows(EnrollmentRefusedException.class,
                () -> registry.redeem(token.text()));
        assertEquals("enrollment token " + token.id() + " was already used at 2026-12-06T21:10:00Z (a token enrolls"
                + " one agent once; make a new one with ferry:agent-token)", again.getMessage());
    }

    @Test
    void wrongUnknownExpiredAndOrphanedTokensAreRefusedNamingWhy() {
        EnrollmentToken token = token("px-01", Duration.ofMinutes(5));
        EnrollmentToken.Text text = EnrollmentToken.Text.parse(token.text());
        String otherSecret = "A".repeat(43);
        String wrong = new EnrollmentToken.Text(text.id(), otherSecret, CA).toString();
        String unknown = new EnrollmentToken.Text("0123456789abcdef", text.secret(), CA).toString();

        assertEquals("enrollment token " + token.id() + " has a wrong secret: pass the token exactly as"
                + " ferry:agent-token printed it", refusal(wrong));
        assertTrue(refusal(unknown).startsWith("enrollment token 0123456789abcdef is unknown"), refusal(unknown));
        assertTrue(refusal("FE1.nonsense").startsWith("this is not an enrollment token"));

        clock.advance(Duration.ofMinutes(5));
        assertEquals("enrollment token " + token.id() + " expired at 2026-12-06T21:05:00Z (make a new one with"
                + " ferry:agent-token px-01)", refusal(token.text()));

        EnrollmentToken forGone = token("px-02", Duration.ofMinutes(5));
        inventory.removeServer("px-02");
        assertEquals("enrollment token " + forGone.id() + " was made for server 'px-02', which is no longer in the"
                + " inventory", refusal(forGone.text()));
        for (String message : List.of(refusal(wrong), refusal(token.text()))) {
            assertFalse(message.contains(text.secret()) || message.contains(otherSecret), message);
        }
    }

    private String refusal(String text) {
        return assertThrows(EnrollmentRefusedException.class, () -> registry.redeem(text)).getMessage();
    }

    @Test
    void twoConcurrentRedeemsOfOneTokenEnrollOnce() throws Exception {
        for (int round = 0; round < 5; round++) {
            EnrollmentToken token = token("px-01", Duration.ofHours(1));
            int racers = 4;
            CountDownLatch start = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(racers);
            try {
                List<Future<String>> results = new ArrayList<>();
                for (int i = 0; i < racers; i++) {
                    Callable<String> redeem = () -> {
                        start.await();
                        try {
                            return registry.redeem(token.text());
                        } catch (EnrollmentRefusedException e) {
                            return e.getMessage();
                        }
                    };
                    results.add(pool.submit(redeem));
                }
                start.countDown();
                List<String> outcomes = new ArrayList<>();
                for (Future<String> f : results) {
                    outcomes.add(f.get(60, TimeUnit.SECONDS));
                }
                assertEquals(1, outcomes.stream().filter("px-01"::equals).count(), outcomes::toString);
                assertEquals(racers - 1, outcomes.stream().filter(o -> o.contains("was already used at")).count(),
                        outcomes::toString);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void onlyAnAdminCreatesTokensForAServerOfTheInventoryForOneMinuteToSevenDays() {
        for (Subject notAdmin : List.of(VIEWER, OPERATOR)) {
            AccessDeniedException denied = assertThrows(AccessDeniedException.class,
                    () -> Subjects.as(notAdmin, () -> registry.createToken("px-01", Duration.ofHours(1), CA)));
            assertTrue(denied.getMessage().contains("agent-token"), denied.getMessage());
        }
        assertEquals("No server named 'px-9' (see ferry:server-list)", assertThrows(NotFoundException.class,
                () -> token("px-9", Duration.ofHours(1))).getMessage());
        assertEquals("expires: an enrollment token is valid for 1 minute to 7 days, not 192h", assertThrows(
                ValidationException.class, () -> token("px-01", Duration.ofDays(8))).getMessage());
        assertThrows(ValidationException.class, () -> token("px-01", Duration.ofSeconds(59)));
        assertThrows(ValidationException.class, () -> token("px-01", Duration.ofMinutes(-5)));
        token("px-01", Duration.ofMinutes(1));
        token("px-01", Duration.ofDays(7));

        List<String> trail = Subjects.as(ADMIN, () -> audit.query(AuditQuery.latest(20))).entries().stream()
                .filter(e -> e.action().equals("agent-token")).map(e -> e.user() + " " + e.target() + " " + e.result())
                .toList();
        assertEquals(List.of("ann px-01 OK", "ann px-01 OK", "ann px-01 ERROR", "ann px-01 ERROR", "ann px-01 ERROR",
                "ann px-9 ERROR", "otto px-01 DENIED", "vera px-01 DENIED"), trail);
    }

    @Test
    void redeemsAreAuditedWithoutTheSecret() {
        EnrollmentToken token = token("px-01", Duration.ofHours(1));
        String secret = EnrollmentToken.Text.parse(token.text()).secret();
        registry.redeem(token.text());
        assertThrows(EnrollmentRefusedException.class, () -> registry.redeem(token.text()));
        List<AuditEntry> entries = Subjects.as(ADMIN, () -> audit.query(AuditQuery.latest(20))).entries();
        List<String> redeems = entries.stream().filter(e -> e.action().equals("agent-token-redeem"))
                .map(e -> e.target() + " " + e.result()).toList();
        assertEquals(List.of("px-01 ERROR", "px-01 OK"), redeems);
        for (AuditEntry e : entries) {
            assertFalse(e.message().contains(secret) || e.target().contains(secret), e.toString());
        }
    }

    @Test
    void anEnrolledAgentIsAcceptedOnlyWithItsCurrentUnexpiredCertificate() {
        Instant expires = T0.plus(Duration.ofDays(90));
        registry.enrolled("px-01", CERT, expires);
        AgentInfo agent = registry.accepted("PX-01", CERT).orElseThrow();
        assertEquals(new AgentInfo("px-01", CERT, expires, T0, Optional.empty(), Optional.empty(), 0,
                Optional.empty()), agent);
        assertTrue(registry.accepted("px-01", CERT.toUpperCase().replaceAll("(..)(?!$)", "$1:")).isPresent(),
                "the fingerprint as openssl prints it");
        assertTrue(registry.accepted("px-02", CERT).isEmpty(), "the certificate of px-01 does not act as px-02");

        String renewed = "d1".repeat(32);
        registry.enrolled("px-01", renewed, expires);
        assertTrue(registry.accepted("px-01", CERT).isEmpty(), "the replaced agent's certificate is refused");
        assertTrue(registry.accepted("px-01", renewed).isPresent());

        clock.advance(Duration.ofDays(90));
        assertTrue(registry.accepted("px-01", renewed).isEmpty(), "an expired certificate is refused");
        assertEquals("certificateExpires: the agent's certificate expired at " + clock.instant(), assertThrows(
                ValidationException.class, () -> registry.enrolled("px-01", renewed, clock.instant())).getMessage());
    }

    @Test
    void heartbeatsAreListedForViewersWithCapabilities() {
        registry.enrolled("px-02", CERT, T0.plus(Duration.ofDays(90)));
        registry.enrolled("px-01", "d1".repeat(32), T0.plus(Duration.ofDays(90)));
        Instant at = T0.plusSeconds(12);
        registry.heartbeat("px-02", "127.0.0.12:40222", CAPS, 3, at);

        List<AgentInfo> agents = Subjects.as(VIEWER, registry::agents);
        assertEquals(List.of("px-01", "px-02"), agents.stream().map(AgentInfo::server).toList());
        AgentInfo px02 = agents.get(1);
        assertEquals(Optional.of("127.0.0.12:40222"), px02.address());
        assertEquals(Optional.of(at), px02.lastHeartbeat());
        assertEquals(3, px02.runningTasks());
        assertEquals(Optional.of(CAPS), px02.capabilities());
        assertEquals(Optional.empty(), agents.get(0).lastHeartbeat());

        // a repository agent's store address is kept with its capabilities
        AgentCapabilities store = new AgentCapabilities("0.1.0", new ProtocolVersion(1, 1), "Linux", "", "",
                List.of(), 1L << 30, 2, "127.0.0.21:8144");
        registry.heartbeat("px-01", "127.0.0.21:40111", store, 0, at);
        AgentInfo px01 = Subjects.as(VIEWER, registry::agents).get(0);
        assertEquals(Optional.of(store), px01.capabilities());
        assertTrue(px01.capabilities().orElseThrow().servesRepositories());
        assertFalse(CAPS.servesRepositories());

        assertThrows(AccessDeniedException.class, () -> Subjects.as(Subjects.user("sam", "viewer"), registry::agents));
        assertThrows(NotFoundException.class, () -> registry.heartbeat("backup-01", "x", CAPS, 0, at));
        AgentCapabilities huge = new AgentCapabilities("0.1.0", new ProtocolVersion(1, 0), "x".repeat(256), "", "",
                List.of(), 0, 1);
        assertEquals("capabilities.os: is 256 characters long; at most 255 are stored",
                assertThrows(ValidationException.class, () -> registry.heartbeat("px-02", "x", huge, 0, at))
                        .getMessage());
    }

    @Test
    void onlyAnAdminRemovesAnAgentAndAServerWithAnAgentIsNotRemoved() {
        registry.enrolled("px-01", CERT, T0.plus(Duration.ofDays(90)));
        ReferencedException inUse = assertThrows(ReferencedException.class, () -> inventory.removeServer("px-01"));
        assertEquals("Server 'px-01' is still in use: an agent is enrolled for it (certificate c0c0c0c0c0c0c0c0...,"
                + " ferry:agent-remove px-01). Remove or change those first.", inUse.getMessage());

        assertThrows(AccessDeniedException.class, () -> Subjects.as(OPERATOR, () -> registry.remove("px-01")));
        assertTrue(Subjects.as(ADMIN, () -> registry.remove("px-01")));
        assertFalse(Subjects.as(ADMIN, () -> registry.remove("px-01")));
        assertTrue(registry.accepted("px-01", CERT).isEmpty());
        inventory.removeServer("px-01");
        assertNull(database.read(c -> JdbcAgentRegistry.agentOf(c, "px-01")));
    }

    /** An inventory import replaces the servers: agents stay with the servers it keeps (by name), the others go. */
    @Test
    void anImportKeepsTheAgentsOfTheServersItKeeps(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        registry.enrolled("px-01", CERT, T0.plus(Duration.ofDays(365)));
        registry.enrolled("px-02", "d1".repeat(32), T0.plus(Duration.ofDays(365)));
        registry.heartbeat("px-01", "127.0.0.1", CAPS, 1, T0.plus(Duration.ofSeconds(5)));
        JsonInventoryTransfer transfer = new JsonInventoryTransfer(database);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        transfer.exportTo(out);
        String exported = out.toString(java.nio.charset.StandardCharsets.UTF_8);
        // the same inventory, but px-02 is now px-99
        assertTrue(exported.contains("\"px-02\""), exported);
        java.nio.file.Path file = dir.resolve("inventory.json");
        java.nio.file.Files.writeString(file, exported.replace("\"px-02\"", "\"px-99\""));

        transfer.importFrom(file, false);

        List<AgentInfo> agents = Subjects.as(VIEWER, () -> registry.agents());
        assertEquals(List.of("px-01"), agents.stream().map(AgentInfo::server).toList());
        assertTrue(registry.accepted("px-01", CERT).isPresent(), "px-01's certificate still stands for its agent");
        assertEquals(java.util.Optional.of(T0.plus(Duration.ofSeconds(5))), agents.get(0).lastHeartbeat());
    }
}
