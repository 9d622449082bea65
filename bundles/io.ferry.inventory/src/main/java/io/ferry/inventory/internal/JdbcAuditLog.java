package io.ferry.inventory.internal;

import io.ferry.api.audit.Audit;
import io.ferry.api.audit.AuditEntry;
import io.ferry.api.audit.AuditLog;
import io.ferry.api.audit.AuditPage;
import io.ferry.api.audit.AuditQuery;
import io.ferry.api.audit.AuditResult;
import io.ferry.api.security.FerryRole;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalLong;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The audit trail in table {@code audit_log} of the configuration database (V4__audit.sql).
 * Anyone may record (services record on behalf of their callers); only a ferry-admin may read,
 * and a refused read is itself recorded.
 */
@Component(service = AuditLog.class)
public final class JdbcAuditLog implements AuditLog {

    private final InventoryDatabase db;
    private final Audit audit;

    @Activate
    public JdbcAuditLog(@Reference InventoryDatabase db) {
        this.db = Objects.requireNonNull(db, "db");
        this.audit = new Audit(() -> this, Clock.systemUTC());
    }

    @Override
    public void record(AuditEntry entry) {
        Objects.requireNonNull(entry, "entry");
        db.inTransaction(c -> {
            try (PreparedStatement p = c.prepareStatement("INSERT INTO audit_log (at_ns, user_name, user_key, action,"
                    + " target, result, message) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                p.setLong(1, Bounded.nanos("time", entry.time()));
                p.setString(2, Bounded.freeText(entry.user()));
                p.setString(3, key(Bounded.freeText(entry.user())));
                p.setString(4, Bounded.freeText(entry.action()));
                p.setString(5, Bounded.freeText(entry.target()));
                p.setString(6, entry.result().name());
                p.setString(7, Bounded.freeText(entry.message()));
                p.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public AuditPage query(AuditQuery query) {
        Objects.requireNonNull(query, "query");
        audit.read(FerryRole.ADMIN, "audit-list");
        StringBuilder sql = new StringBuilder("SELECT id, at_ns, user_name, action, target, result, message"
                + " FROM audit_log WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        query.since().ifPresent(t -> {
            sql.append(" AND at_ns >= ?");
            args.add(Bounded.nanos("since", t));
        });
        query.user().ifPresent(u -> {
            sql.append(" AND user_key = ?");
            args.add(key(u));
        });
        query.before().ifPresent(id -> {
            sql.append(" AND id < ?");
            args.add(id);
        });
        // one more than asked: tells whether an older page exists
        sql.append(" ORDER BY id DESC FETCH FIRST ").append(query.limit() + 1).append(" ROWS ONLY");
        List<AuditEntry> entries = db.read(c -> {
            List<AuditEntry> found = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement(sql.toString())) {
                for (int i = 0; i < args.size(); i++) {
                    p.setObject(i + 1, args.get(i));
                }
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        found.add(new AuditEntry(rs.getLong(1), Bounded.instant(rs.getLong(2)), rs.getString(3),
                                rs.getString(4), rs.getString(5), AuditResult.valueOf(rs.getString(6)),
                                rs.getString(7)));
                    }
                }
            }
            return found;
        });
        if (entries.size() <= query.limit()) {
            return new AuditPage(entries, OptionalLong.empty());
        }
        List<AuditEntry> page = entries.subList(0, query.limit());
        return new AuditPage(page, OptionalLong.of(page.get(page.size() - 1).id()));
    }

    private static String key(String user) {
        return user.strip().toLowerCase(Locale.ROOT);
    }
}
