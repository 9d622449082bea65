package io.ferry.inventory.internal;

import io.ferry.api.FerryException;
import io.ferry.api.NotFoundException;
import io.ferry.api.ValidationException;
import io.ferry.api.agent.AgentCapabilities;
import io.ferry.api.agent.AgentInfo;
import io.ferry.api.agent.AgentRegistry;
import io.ferry.api.agent.EnrollmentRefusedException;
import io.ferry.api.agent.EnrollmentToken;
import io.ferry.api.audit.Audit;
import io.ferry.api.audit.AuditLog;
import io.ferry.api.audit.AuditResult;
import io.ferry.api.security.Caller;
import io.ferry.api.security.FerryRole;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@link AgentRegistry} on the configuration database (V5__agents.sql): enrollment tokens of
 * which only the SHA-256 of the secret is stored, and the one enrolled agent of each managed
 * server. A server with an agent cannot be removed from the inventory until its agent is
 * ({@link JdbcInventoryService#removeServer}).
 */
@Component(service = AgentRegistry.class)
public final class JdbcAgentRegistry implements AgentRegistry {
    /** Shortest validity of an enrollment token. */
    static final Duration MIN_TOKEN_VALIDITY = Duration.ofMinutes(1);
    /** Used and expired tokens are kept this long (their refusals name when they were used or expired). */
    static final Duration TOKEN_HISTORY = Duration.ofDays(30);
    private static final String SERVER_LIST = "ferry:server-list";
    private static final Pattern FINGERPRINT = Pattern.compile("[0-9a-f]{64}");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String AGENT_COLUMNS = "s.name, a.cert_sha256, a.cert_expires_ns, a.enrolled_ns, a.address,"
            + " a.heartbeat_ns, a.running_tasks, a.capabilities";

    private final InventoryDatabase db;
    private final Audit audit;
    private final Clock clock;

    @Activate
    public JdbcAgentRegistry(@Reference InventoryDatabase db, @Reference AuditLog auditLog) {
        this(db, auditLog, Clock.systemUTC());
    }

    /** Without OSGi (tests, tools): audits to the same database. */
    public JdbcAgentRegistry(InventoryDatabase db) {
        this(db, new JdbcAuditLog(db), Clock.systemUTC());
    }

    JdbcAgentRegistry(InventoryDatabase db, AuditLog auditLog, Clock clock) {
        this.db = Objects.requireNonNull(db, "db");
        this.clock = Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(auditLog, "auditLog");
        this.audit = new Audit(() -> auditLog, clock);
    }

    // --- tokens ----------------------------------------------------------------------------

    @Override
    public EnrollmentToken createToken(String server, Duration validity, String caFingerprint) {
        return audit.change(FerryRole.ADMIN, "agent-token", server == null ? "" : server,
                () -> doCreateToken(server, validity, caFingerprint));
    }

    private EnrollmentToken doCreateToken(String server, Duration validity, String caFingerprint) {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(validity, "validity");
        if (validity.compareTo(MIN_TOKEN_VALIDITY) < 0 || validity.compareTo(MAX_TOKEN_VALIDITY) > 0) {
            throw new ValidationException("expires", "an enrollment token is valid for 1 minute to 7 days, not "
                    + describe(validity));
        }
        String ca = fingerprint("caFingerprint", caFingerprint);
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        byte[] id = new byte[8];
        RANDOM.nextBytes(id);
        EnrollmentToken.Text text = new EnrollmentToken.Text(HexFormat.of().formatHex(id),
                Base64.getUrlEncoder().withoutPadding().encodeToString(secret), ca);
        Instant created = clock.instant();
        Instant expires = created.plus(validity);
        String createdBy = Caller.current().user();
        return db.inTransaction(c -> {
            String serverId = InventoryStore.serverId(c, server)
                    .orElseThrow(() -> NotFoundException.of("server", server, SERVER_LIST));
            try (PreparedStatement p = c.prepareStatement("DELETE FROM agent_tokens WHERE expires_ns < ?")) {
                p.setLong(1, Bounded.nanos("now", created.minus(TOKEN_HISTORY)));
                p.executeUpdate();
            }
            String name = serverName(c, serverId);
            try (PreparedStatement p = c.prepareStatement("INSERT INTO agent_tokens (id, server_id, server_name,"
                    + " secret_sha256, created_ns, expires_ns, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                p.setString(1, text.id());
                p.setString(2, serverId);
                p.setString(3, name);
                p.setString(4, sha256(text.secret()));
                p.setLong(5, Bounded.nanos("created", created));
                p.setLong(6, Bounded.nanos("expires", expires));
                p.setString(7, Bounded.freeText(Bounded.text("created_by", createdBy, 1000)));
                p.executeUpdate();
            }
            return new EnrollmentToken(text.id(), name, created, expires, text.toString());
        });
    }

    @Override
    public String redeem(String text) {
        EnrollmentToken.Text token;
        try {
            token = EnrollmentToken.Text.parse(text);
        } catch (IllegalArgumentException e) {
            refused("", e.getMessage());
            throw new EnrollmentRefusedException(e.getMessage());
        }
        Instant now = clock.instant();
        Redeemed outcome = db.inTransaction(c -> doRedeem(c, token, now));
        if (outcome.refusal() != null) {
            refused(outcome.server(), outcome.refusal());
            throw new EnrollmentRefusedException(outcome.refusal());
        }
        audit.record(Caller.current(), "agent-token-redeem", outcome.server(), AuditResult.OK,
                "enrollment token " + token.id());
        return outcome.server();
    }

    private void refused(String target, String why) {
        audit.record(Caller.current(), "agent-token-redeem", target, AuditResult.ERROR, why);
    }

    /** The server a redeem enrolls, or why it is refused (refusals commit nothing). */
    private record Redeemed(String server, String refusal) {
    }

    private static Redeemed doRedeem(Connection c, EnrollmentToken.Text token, Instant now) throws SQLException {
        String what = "enrollment token " + token.id();
        try (PreparedStatement p = c.prepareStatement("SELECT server_id, server_name, secret_sha256, expires_ns,"
                + " used_ns FROM agent_tokens WHERE id = ?")) {
            p.setString(1, token.id());
            try (ResultSet rs = p.executeQuery()) {
                if (!rs.next()) {
                    return new Redeemed("", what + " is unknown: it was not made by this manager, or it expired more"
                            + " than " + TOKEN_HISTORY.toDays() + " days ago (make a new one with ferry:agent-token)");
                }
                String serverId = rs.getString(1);
                String serverName = rs.getString(2);
                byte[] stored = HexFormat.of().parseHex(rs.getString(3));
                byte[] presented = HexFormat.of().parseHex(sha256(token.secret()));
                if (!MessageDigest.isEqual(stored, presented)) {
                    return new Redeemed(serverName, what + " has a wrong secret: pass the token exactly as"
                            + " ferry:agent-token printed it");
                }
                long usedNs = rs.getLong(5);
                if (!rs.wasNull()) {
                    return new Redeemed(serverName, alreadyUsed(what, usedNs));
                }
                Instant expires = Bounded.instant(rs.getLong(4));
                if (!now.isBefore(expires)) {
                    return new Redeemed(serverName, what + " expired at " + expires
                            + " (make a new one with ferry:agent-token " + serverName + ")");
                }
                String current = serverNameOrNull(c, serverId);
                if (current == null) {
                    return new Redeemed(serverName, what + " was made for server '" + serverName
                            + "', which is no longer in the inventory");
                }
                return markUsed(c, token.id(), what, now, current);
            }
        }
    }

    /** The race of two redeems ends here: only one UPDATE finds used_ns still NULL. */
    private static Redeemed markUsed(Connection c, String id, String what, Instant now, String server)
            throws SQLException {
        try (PreparedStatement p = c.prepareStatement("UPDATE agent_tokens SET used_ns = ? WHERE id = ?"
                + " AND used_ns IS NULL")) {
            p.setLong(1, Bounded.nanos("now", now));
            p.setString(2, id);
            if (p.executeUpdate() == 1) {
                return new Redeemed(server, null);
            }
        }
        try (PreparedStatement p = c.prepareStatement("SELECT used_ns FROM agent_tokens WHERE id = ?")) {
            p.setString(1, id);
            try (ResultSet rs = p.executeQuery()) {
                return new Redeemed(server, rs.next() ? alreadyUsed(what, rs.getLong(1))
                        : what + " was removed while it was being redeemed");
            }
        }
    }

    private static String alreadyUsed(String what, long usedNs) {
        return what + " was already used at " + Bounded.instant(usedNs)
                + " (a token enrolls one agent once; make a new one with ferry:agent-token)";
    }

    // --- agents ----------------------------------------------------------------------------

    @Override
    public void enrolled(String server, String certificateFingerprint, Instant certificateExpires) {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(certificateExpires, "certificateExpires");
        String fp = fingerprint("certificateFingerprint", certificateFingerprint);
        if (!certificateExpires.isAfter(clock.instant())) {
            throw new ValidationException("certificateExpires", "the agent's certificate expired at "
                    + certificateExpires);
        }
        audit.change(FerryRole.ADMIN, "agent-enroll", server, () -> db.inTransaction(c -> {
            String serverId = requireServer(c, server);
            try (PreparedStatement p = c.prepareStatement("DELETE FROM agents WHERE server_id = ?")) {
                p.setString(1, serverId);
                p.executeUpdate();
            }
            try (PreparedStatement p = c.prepareStatement("INSERT INTO agents (server_id, cert_sha256,"
                    + " cert_expires_ns, enrolled_ns, running_tasks) VALUES (?, ?, ?, ?, 0)")) {
                p.setString(1, serverId);
                p.setString(2, fp);
                p.setLong(3, Bounded.nanos("certificateExpires", certificateExpires));
                p.setLong(4, Bounded.nanos("enrolled", clock.instant()));
                p.executeUpdate();
            }
            return null;
        }));
    }

    @Override
    public Optional<AgentInfo> accepted(String server, String certificateFingerprint) {
        Objects.requireNonNull(server, "server");
        if (certificateFingerprint == null) {
            return Optional.empty();
        }
        String fp = certificateFingerprint.strip().replace(":", "").toLowerCase(Locale.ROOT);
        long now = Bounded.nanos("now", clock.instant());
        return db.read(c -> {
            List<AgentInfo> found = agents(c, " WHERE (s.name_key = ? OR s.id = ?) AND a.cert_sha256 = ?"
                    + " AND a.cert_expires_ns > ?", InventoryStore.key(server), server, fp, now);
            return found.stream().findFirst();
        });
    }

    @Override
    public void heartbeat(String server, String address, AgentCapabilities capabilities, int runningTasks,
            Instant at) {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(capabilities, "capabilities");
        Objects.requireNonNull(at, "at");
        if (runningTasks < 0) {
            throw new ValidationException("runningTasks", runningTasks + " is negative");
        }
        String json = AgentCapabilitiesJson.encode(capabilities);
        String from = Bounded.freeText(Bounded.text("address", address == null ? "" : address, 255));
        // the next heartbeat repairs one lost in a crash: not worth a sync to disk every time
        int updated = db.inTransactionNotForced(c -> {
            try (PreparedStatement p = c.prepareStatement("UPDATE agents SET address = ?, heartbeat_ns = ?,"
                    + " running_tasks = ?, capabilities = ? WHERE server_id IN (SELECT id FROM servers WHERE"
                    + " name_key = ? OR id = ?)")) {
                p.setString(1, from);
                p.setLong(2, Bounded.nanos("at", at));
                p.setInt(3, runningTasks);
                p.setString(4, json);
                p.setString(5, InventoryStore.key(server));
                p.setString(6, server);
                return p.executeUpdate();
            }
        });
        if (updated == 0) {
            throw new NotFoundException("No agent is enrolled for server '" + server + "' (see ferry:agent-list):"
                    + " its heartbeat was not recorded");
        }
    }

    @Override
    public List<AgentInfo> agents() {
        audit.read(FerryRole.VIEWER, "agent-list");
        return db.read(c -> agents(c, ""));
    }

    @Override
    public boolean remove(String server) {
        return audit.change(FerryRole.ADMIN, "agent-remove", server == null ? "" : server, () -> {
            Objects.requireNonNull(server, "server");
            return db.inTransaction(c -> {
                try (PreparedStatement p = c.prepareStatement("DELETE FROM agents WHERE server_id = ?")) {
                    p.setString(1, requireServer(c, server));
                    return p.executeUpdate() > 0;
                }
            });
        });
    }

    /** The agent of a server, for the refusal to remove that server (null when it has none). */
    static String agentOf(Connection c, String serverId) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT cert_sha256 FROM agents WHERE server_id = ?")) {
            p.setString(1, serverId);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private static List<AgentInfo> agents(Connection c, String where, Object... args) throws SQLException {
        List<AgentInfo> out = new ArrayList<>();
        try (PreparedStatement p = c.prepareStatement("SELECT " + AGENT_COLUMNS + " FROM agents a JOIN servers s"
                + " ON s.id = a.server_id" + where + " ORDER BY s.name_key")) {
            for (int i = 0; i < args.length; i++) {
                p.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    String name = rs.getString(1);
                    long heartbeat = rs.getLong(6);
                    Optional<Instant> last = rs.wasNull() ? Optional.empty() : Optional.of(Bounded.instant(heartbeat));
                    String caps = rs.getString(8);
                    out.add(new AgentInfo(name, rs.getString(2), Bounded.instant(rs.getLong(3)),
                            Bounded.instant(rs.getLong(4)), Optional.ofNullable(rs.getString(5)), last, rs.getInt(7),
                            caps == null ? Optional.empty() : Optional.of(AgentCapabilitiesJson.decode(caps, name))));
                }
            }
        }
        return out;
    }

    // --- helpers ---------------------------------------------------------------------------

    private static String requireServer(Connection c, String server) throws SQLException {
        return InventoryStore.serverId(c, server).orElseThrow(() -> NotFoundException.of("server", server, SERVER_LIST));
    }

    private static String serverName(Connection c, String serverId) throws SQLException {
        String name = serverNameOrNull(c, serverId);
        if (name == null) {
            throw new FerryException("Server " + serverId + " was removed meanwhile");
        }
        return name;
    }

    private static String serverNameOrNull(Connection c, String serverId) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT name FROM servers WHERE id = ?")) {
            p.setString(1, serverId);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** A SHA-256 fingerprint in lower-case hex; colons (as openssl prints them) and upper case are accepted. */
    static String fingerprint(String field, String value) {
        String fp = value == null ? "" : value.strip().replace(":", "").toLowerCase(Locale.ROOT);
        if (!FINGERPRINT.matcher(fp).matches()) {
            throw new ValidationException(field, "is not a SHA-256 fingerprint (64 hex digits)");
        }
        return fp;
    }

    static String sha256(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(secret.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    private static String describe(Duration d) {
        return d.isNegative() || d.isZero() ? d.toString() : d.toString().substring(2).toLowerCase(Locale.ROOT);
    }
}
