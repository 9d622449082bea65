package io.ferry.inventory.internal;

import io.ferry.api.inventory.HostKind;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Answers the rules' questions from the database, inside the caller's transaction. */
final class DatabaseRuleContext implements RuleContext {
    private final Connection c;

    DatabaseRuleContext(Connection c) {
        this.c = c;
    }

    @Override
    public boolean hyperVHostExists() {
        return !query("SELECT name FROM hosts WHERE kind IN ('" + HostKind.HYPERV_HOST + "', '"
                + HostKind.HYPERV_CLUSTER + "')").isEmpty();
    }

    @Override
    public boolean serverExists(String name) {
        return !query("SELECT id FROM servers WHERE name_key = ?", InventoryStore.key(name)).isEmpty();
    }

    @Override
    public Optional<HostKind> hostKind(String name) {
        return query("SELECT kind FROM hosts WHERE name_key = ?", InventoryStore.key(name)).stream()
                .findFirst().map(HostKind::valueOf);
    }

    @Override
    public Set<String> storageVisibleFrom(String host) {
        String key = InventoryStore.key(host);
        Set<String> out = new HashSet<>();
        for (String s : query("SELECT st.name FROM host_storage st JOIN hosts h ON h.id = st.host_id"
                + " WHERE h.name_key = ? OR h.id = (SELECT parent_id FROM hosts WHERE name_key = ?)", key, key)) {
            out.add(InventoryStore.key(s));
        }
        return out;
    }

    private List<String> query(String sql, String... args) {
        try {
            return InventoryStore.strings(c, sql, args);
        } catch (SQLException e) {
            throw InventoryDatabase.translate(e);
        }
    }
}
