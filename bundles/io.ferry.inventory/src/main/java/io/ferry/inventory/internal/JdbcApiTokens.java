package io.ferry.inventory.internal;

import io.ferry.api.NotFoundException;
import io.ferry.api.ValidationException;
import io.ferry.api.audit.Audit;
import io.ferry.api.audit.AuditLog;
import io.ferry.api.security.ApiToken;
import io.ferry.api.security.ApiTokens;
import io.ferry.api.security.Caller;
import io.ferry.api.security.FerryRole;
import io.ferry.api.security.NewApiToken;
import java.security.MessageDigest;
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
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@link ApiTokens} on the configuration database (V6__api_tokens.sql). A token's text is
 * {@code ferry_<16 hex id>_<43 base64url secret>}: 256 random bits, so one SHA-256 of the secret
 * is all the catalog needs to keep (no slow hash: nothing to guess).
 */
@Component(service = ApiTokens.class)
public final class JdbcApiTokens implements ApiTokens {
    /** Revoked and expired tokens are listed this long, then deleted. */
    static final Duration HISTORY = Duration.ofDays(30);
    /** {@code last_used} is written at most this often per token. */
    static final Duration LAST_USED_STEP = Duration.ofMinutes(1);
    private static final String PREFIX = "ferry_";
    private static final Pattern TEXT = Pattern.compile("ferry_([0-9a-f]{16})_([A-Za-z0-9_-]{43})");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String COLUMNS = "id, owner, role, description, created_ns, expires_ns, last_used_ns,"
            + " revoked_ns";

    private final InventoryDatabase db;
    private final Audit audit;
    private final Clock clock;

    @Activate
    public JdbcApiTokens(@Reference InventoryDatabase db, @Reference AuditLog auditLog) {
        this(db, auditLog, Clock.systemUTC());
    }

    JdbcApiTokens(InventoryDatabase db, AuditLog auditLog, Clock clock) {
        this.db = Objects.requireNonNull(db, "db");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.audit = new Audit(() -> Objects.requireNonNull(auditLog, "auditLog"), clock);
    }

    @Override
    public NewApiToken create(FerryRole role, Duration validity, String description) {
        Caller caller = Caller.current();
        return audit.change(FerryRole.VIEWER, "token-create", caller.user(), () -> {
            Objects.requireNonNull(role, "role");
            Objects.requireNonNull(validity, "validity");
            if (!caller.may(role)) {
                throw new ValidationException("role", "a token carries at most its user's role: "
                        + caller.user() + " holds " + caller.role().map(FerryRole::roleName).orElse("no Ferry role")
                        + ", not " + role.roleName());
            }
            if (validity.compareTo(MIN_VALIDITY) < 0 || validity.compareTo(MAX_VALIDITY) > 0) {
                throw new ValidationException("expires", "an API token is valid for 1 hour to 365 days, not "
                        + validity.toString().substring(2).toLowerCase(java.util.Locale.ROOT));
            }
            String about = description == null ? "" : description.strip();
            Bounded.text("description", about, 200);
            if (about.chars().anyMatch(Character::isISOControl)) {
                throw new ValidationException("description", "has control characters");
            }
            byte[] secretBytes = new byte[32];
            RANDOM.nextBytes(secretBytes);
            byte[] idBytes = new byte[8];
            RANDOM.nextBytes(idBytes);
            String id = HexFormat.of().formatHex(idBytes);
            String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(secretBytes);
            Instant created = clock.instant();
            Instant expires = created.plus(validity);
            String owner = Bounded.text("user", caller.user(), 1000);
            db.inTransaction(c -> {
                try (PreparedStatement p = c.prepareStatement("DELETE FROM api_tokens WHERE expires_ns < ?"
                        + " OR revoked_ns < ?")) {
                    long old = Bounded.nanos("now", created.minus(HISTORY));
                    p.setLong(1, old);
                    p.setLong(2, old);
                    p.executeUpdate();
                }
                try (PreparedStatement p = c.prepareStatement("INSERT INTO api_tokens (id, secret_sha256, owner, role,"
                        + " description, created_ns, expires_ns) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                    p.setString(1, id);
                    p.setString(2, JdbcAgentRegistry.sha256(secret));
                    p.setString(3, owner);
                    p.setString(4, role.roleName());
                    p.setString(5, about);
                    p.setLong(6, Bounded.nanos("created", created));
                    p.setLong(7, Bounded.nanos("expires", expires));
                    p.executeUpdate();
                }
                return null;
            });
            ApiToken token = new ApiToken(id, owner, role, about, created, expires, Optional.empty(),
                    Optional.empty());
            return new NewApiToken(token, PREFIX + id + "_" + secret);
        });
    }

    @Override
    public List<ApiToken> list() {
        Caller caller = audit.read(FerryRole.VIEWER, "token-list");
        boolean all = caller.may(FerryRole.ADMIN);
        return db.read(c -> {
            String sql = "SELECT " + COLUMNS + " FROM api_tokens" + (all ? "" : " WHERE owner = ?")
                    + " ORDER BY created_ns DESC, id";
            try (PreparedStatement p = c.prepareStatement(sql)) {
                if (!all) {
                    p.setString(1, caller.user());
                }
                try (ResultSet rs = p.executeQuery()) {
                    List<ApiToken> tokens = new ArrayList<>();
                    while (rs.next()) {
                        tokens.add(token(rs));
                    }
                    return tokens;
                }
            }
        });
    }

    @Override
    public ApiToken revoke(String id) {
        Caller caller = Caller.current();
        return audit.change(FerryRole.VIEWER, "token-revoke", id == null ? "" : id, () -> {
            Objects.requireNonNull(id, "id");
            Instant now = clock.instant();
            return db.inTransaction(c -> {
                ApiToken token = find(c, id).filter(t -> caller.may(FerryRole.ADMIN) || t.user().equals(caller.user()))
                        .orElseThrow(() -> new NotFoundException("No API token '" + id + "' of user " + caller.user()
                                + " (see ferry:token-list)"));
                if (token.revoked().isPresent()) {
                    return token;
                }
                try (PreparedStatement p = c.prepareStatement("UPDATE api_tokens SET revoked_ns = ? WHERE id = ?")) {
                    p.setLong(1, Bounded.nanos("now", now));
                    p.setString(2, id);
                    p.executeUpdate();
                }
                return find(c, id).orElseThrow();
            });
        });
    }

    @Override
    public Optional<ApiToken> authenticate(String text) {
        if (text == null) {
            return Optional.empty();
        }
        var m = TEXT.matcher(text.strip());
        if (!m.matches()) {
            return Optional.empty();
        }
        String id = m.group(1);
        byte[] presented = HexFormat.of().parseHex(JdbcAgentRegistry.sha256(m.group(2)));
        Instant now = clock.instant();
        return Caller.asSystem(() -> db.inTransactionNotForced(c -> {
            String stored;
            ApiToken token;
            try (PreparedStatement p = c.prepareStatement("SELECT " + COLUMNS + ", secret_sha256 FROM api_tokens"
                    + " WHERE id = ?")) {
                p.setString(1, id);
                try (ResultSet rs = p.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.<ApiToken>empty();
                    }
                    token = token(rs);
                    stored = rs.getString(9);
                }
            }
            if (!MessageDigest.isEqual(HexFormat.of().parseHex(stored), presented) || !token.validAt(now)) {
                return Optional.<ApiToken>empty();
            }
            if (token.lastUsed().map(t -> t.plus(LAST_USED_STEP).isBefore(now)).orElse(true)) {
                try (PreparedStatement p = c.prepareStatement("UPDATE api_tokens SET last_used_ns = ? WHERE id = ?")) {
                    p.setLong(1, Bounded.nanos("now", now));
                    p.setString(2, id);
                    p.executeUpdate();
                }
                token = new ApiToken(token.id(), token.user(), token.role(), token.description(), token.created(),
                        token.expires(), Optional.of(now), token.revoked());
            }
            return Optional.of(token);
        }));
    }

    private static Optional<ApiToken> find(Connection c, String id) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT " + COLUMNS + " FROM api_tokens WHERE id = ?")) {
            p.setString(1, id);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? Optional.of(token(rs)) : Optional.empty();
            }
        }
    }

    private static ApiToken token(ResultSet rs) throws SQLException {
        long lastUsed = rs.getLong(7);
        boolean neverUsed = rs.wasNull();
        long revoked = rs.getLong(8);
        boolean notRevoked = rs.wasNull();
        FerryRole role = FerryRole.ofRoleName(rs.getString(3))
                .orElseThrow(() -> new IllegalStateException("api_tokens holds an unknown role"));
        return new ApiToken(rs.getString(1), rs.getString(2), role, rs.getString(4), Bounded.instant(rs.getLong(5)),
                Bounded.instant(rs.getLong(6)), neverUsed ? Optional.empty() : Optional.of(Bounded.instant(lastUsed)),
                notRevoked ? Optional.empty() : Optional.of(Bounded.instant(revoked)));
    }
}
