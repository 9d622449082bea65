package io.ferry.inventory.internal;

import io.ferry.api.inventory.Cidr;
import io.ferry.api.inventory.DiskFormat;
import io.ferry.api.inventory.GuestCredentials;
import io.ferry.api.inventory.HostKind;
import io.ferry.api.inventory.HostSpec;
import io.ferry.api.inventory.HostStorage;
import io.ferry.api.inventory.MachineKind;
import io.ferry.api.inventory.ManagedServer;
import io.ferry.api.inventory.OffhostProxySettings;
import io.ferry.api.inventory.OsFamily;
import io.ferry.api.inventory.OsInfo;
import io.ferry.api.inventory.Platform;
import io.ferry.api.inventory.PlatformHost;
import io.ferry.api.inventory.RoleType;
import io.ferry.api.inventory.ServerRole;
import io.ferry.api.inventory.ServerSpec;
import io.ferry.api.inventory.StorageKind;
import io.ferry.api.inventory.TransportMode;
import io.ferry.api.inventory.VirtualDisk;
import io.ferry.api.inventory.VirtualMachine;
import io.ferry.api.inventory.VmQuery;
import io.ferry.api.inventory.VmSpec;
import io.ferry.api.inventory.VmwareProxySettings;
import io.ferry.api.job.GuestProcessing;
import io.ferry.api.job.Job;
import io.ferry.api.job.JobSpec;
import io.ferry.api.job.Schedule;
import io.ferry.api.job.ServerChoice;
import io.ferry.api.job.TransportChoice;
import io.ferry.api.repository.RetentionPolicy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * All SQL of the inventory. Works on a connection handed in by the caller, who owns the
 * transaction. Rows are turned into the API records here and nowhere else.
 */
final class InventoryStore {
    private InventoryStore() {
    }

    static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    // --- look-ups ----------------------------------------------------------------------

    static Optional<String> serverId(Connection c, String nameOrId) throws SQLException {
        return id(c, "SELECT id FROM servers WHERE name_key = ? OR id = ?", nameOrId);
    }

    static Optional<String> hostId(Connection c, String nameOrId) throws SQLException {
        return id(c, "SELECT id FROM hosts WHERE name_key = ? OR id = ?", nameOrId);
    }

    static Optional<String> vmId(Connection c, String nameOrId) throws SQLException {
        return id(c, "SELECT id FROM vms WHERE name_key = ? OR id = ?", nameOrId);
    }

    private static Optional<String> id(Connection c, String sql, String nameOrId) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(sql)) {
            p.setString(1, key(nameOrId));
            p.setString(2, nameOrId);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    static long count(Connection c, String table) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Names of servers holding {@code role}, sorted. */
    static List<String> serversWithRole(Connection c, RoleType role) throws SQLException {
        return strings(c, "SELECT s.name FROM servers s JOIN server_roles r ON r.server_id = s.id"
                + " WHERE r.role = ? ORDER BY s.name_key", role.name());
    }

    static List<String> strings(Connection c, String sql, String... args) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                p.setString(i + 1, args[i]);
            }
            List<String> out = new ArrayList<>();
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        }
    }

    // --- servers: read -----------------------------------------------------------------

    /** All servers, or only the one with {@code id}, ordered by name. */
    static List<ManagedServer> servers(Connection c, Optional<String> id) throws SQLException {
        String where = id.isPresent() ? " WHERE server_id = ?" : "";
        Map<String, List<Cidr>> networks = new HashMap<>();
        forEachRow(c, "SELECT server_id, cidr FROM server_networks" + where, id,
                rs -> networks.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(Cidr.of(rs.getString(2))));
        Map<String, List<String>> domains = new HashMap<>();
        forEachRow(c, "SELECT server_id, domain_name FROM server_trusted_domains" + where, id,
                rs -> domains.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2)));
        Map<String, Map<String, String>> facts = new HashMap<>();
        forEachRow(c, "SELECT server_id, fact_key, fact_value FROM server_facts" + where, id,
                rs -> facts.computeIfAbsent(rs.getString(1), k -> new TreeMap<>()).put(rs.getString(2), rs.getString(3)));
        Map<String, List<String>> packages = new HashMap<>();
        forEachRow(c, "SELECT server_id, package_name FROM server_packages" + where, id,
                rs -> packages.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2)));
        Map<String, List<ServerRole>> roles = new HashMap<>();
        forEachRow(c, "SELECT server_id, role, transport_mode, failover_network, encrypt_network, evaluation"
                + " FROM server_roles" + where, id,
                rs -> roles.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(role(rs)));

        List<ManagedServer> out = new ArrayList<>();
        forEachRow(c, "SELECT id, name, address, os_family, os_distribution, os_version, machine_kind, site,"
                + " domain_name, max_tasks, enabled, version FROM servers"
                + (id.isPresent() ? " WHERE id = ?" : "") + " ORDER BY name_key", id, rs -> {
                    String sid = rs.getString("id");
                    ServerSpec spec = new ServerSpec(rs.getString("name"), rs.getString("address"), os(rs),
                            MachineKind.valueOf(rs.getString("machine_kind")), networks.getOrDefault(sid, List.of()),
                            Optional.ofNullable(rs.getString("site")), Optional.ofNullable(rs.getString("domain_name")),
                            new TreeSet<>(domains.getOrDefault(sid, List.of())), facts.getOrDefault(sid, Map.of()),
                            new TreeSet<>(packages.getOrDefault(sid, List.of())), rs.getInt("max_tasks"),
                            rs.getBoolean("enabled"));
                    out.add(new ManagedServer(sid, rs.getLong("version"), spec, roles.getOrDefault(sid, List.of())));
                });
        return out;
    }

    private static ServerRole role(ResultSet rs) throws SQLException {
        RoleType type = RoleType.valueOf(rs.getString("role"));
        return switch (type) {
            case VMWARE_PROXY -> ServerRole.vmwareProxy(new VmwareProxySettings(
                    Optional.ofNullable(rs.getString("transport_mode")).map(TransportMode::valueOf),
                    rs.getBoolean("failover_network"), rs.getBoolean("encrypt_network")));
            case HYPERV_OFFHOST_PROXY -> ServerRole.offhostProxy(new OffhostProxySettings(rs.getBoolean("evaluation")));
            default -> ServerRole.of(type);
        };
    }

    private static OsInfo os(ResultSet rs) throws SQLException {
        return new OsInfo(OsFamily.valueOf(rs.getString("os_family")), rs.getString("os_distribution"),
                rs.getString("os_version"));
    }

    // --- servers: write ----------------------------------------------------------------

    static void insertServer(Connection c, String id, long version, ServerSpec spec, List<ServerRole> roles)
            throws SQLException {
        try (ServerWriter w = new ServerWriter(c)) {
            w.add(id, version, spec, roles);
        }
    }

    /** Updates the row if it still has {@code expectedVersion}; false if someone changed it meanwhile. */
    static boolean updateServer(Connection c, String id, long expectedVersion, ServerSpec spec) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("UPDATE servers SET name = ?, name_key = ?, address = ?,"
                + " os_family = ?, os_distribution = ?, os_version = ?, machine_kind = ?, site = ?, domain_name = ?,"
                + " max_tasks = ?, enabled = ?, version = version + 1 WHERE id = ? AND version = ?")) {
            int i = bindServerColumns(p, 1, spec);
            p.setString(i++, id);
            p.setLong(i, expectedVersion);
            if (p.executeUpdate() == 0) {
                return false;
            }
        }
        for (String table : List.of("server_networks", "server_trusted_domains", "server_facts", "server_packages")) {
            delete(c, table, "server_id", id);
        }
        try (ServerWriter w = new ServerWriter(c)) {
            w.addChildren(id, spec);
        }
        return true;
    }

    /** Replaces the roles and bumps the version if it is still {@code expectedVersion}. */
    static boolean replaceRoles(Connection c, String id, long expectedVersion, List<ServerRole> roles)
            throws SQLException {
        try (PreparedStatement p = c.prepareStatement(
                "UPDATE servers SET version = version + 1 WHERE id = ? AND version = ?")) {
            p.setString(1, id);
            p.setLong(2, expectedVersion);
            if (p.executeUpdate() == 0) {
                return false;
            }
        }
        delete(c, "server_roles", "server_id", id);
        try (ServerWriter w = new ServerWriter(c)) {
            w.addRoles(id, roles);
        }
        return true;
    }

    /** Binds the servers columns name .. enabled, in table order, from {@code index}; returns the next index. */
    private static int bindServerColumns(PreparedStatement p, int index, ServerSpec spec) throws SQLException {
        int i = index;
        p.setString(i++, spec.name());
        p.setString(i++, key(spec.name()));
        p.setString(i++, spec.address());
        p.setString(i++, spec.os().family().name());
        p.setString(i++, spec.os().distribution());
        p.setString(i++, spec.os().version());
        p.setString(i++, spec.machineKind().name());
        setNullable(p, i++, spec.site());
        setNullable(p, i++, spec.domain());
        p.setInt(i++, spec.maxConcurrentTasks());
        p.setBoolean(i++, spec.enabled());
        return i;
    }

    static void deleteServer(Connection c, String id) throws SQLException {
        delete(c, "servers", "id", id);
    }

    /** Batched inserts of servers with their children; used one at a time and by import. */
    static final class ServerWriter implements AutoCloseable {
        private final Batch servers;
        private final Batch networks;
        private final Batch domains;
        private final Batch facts;
        private final Batch packages;
        private final Batch roles;

        ServerWriter(Connection c) throws SQLException {
            servers = new Batch(c, "INSERT INTO servers (id, name, name_key, address, os_family, os_distribution,"
                    + " os_version, machine_kind, site, domain_name, max_tasks, enabled, version)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
            networks = new Batch(c, "INSERT INTO server_networks (server_id, cidr) VALUES (?, ?)", servers);
            domains = new Batch(c, "INSERT INTO server_trusted_domains (server_id, domain_name) VALUES (?, ?)", servers);
            facts = new Batch(c, "INSERT INTO server_facts (server_id, fact_key, fact_value) VALUES (?, ?, ?)", servers);
            packages = new Batch(c, "INSERT INTO server_packages (server_id, package_name) VALUES (?, ?)", servers);
            roles = new Batch(c, "INSERT INTO server_roles (server_id, role, transport_mode, failover_network,"
                    + " encrypt_network, evaluation) VALUES (?, ?, ?, ?, ?, ?)", servers);
        }

        void add(String id, long version, ServerSpec spec, List<ServerRole> serverRoles) throws SQLException {
            PreparedStatement p = servers.statement();
            int i = 1;
            p.setString(i++, id);
            i = bindServerColumns(p, i, spec);
            p.setLong(i, version);
            servers.add();
            addChildren(id, spec);
            addRoles(id, serverRoles);
        }

        void addChildren(String id, ServerSpec spec) throws SQLException {
            for (Cidr n : spec.networks()) {
                networks.add(id, n.value());
            }
            for (String d : spec.trustedDomains()) {
                domains.add(id, d);
            }
            for (Map.Entry<String, String> f : spec.facts().entrySet()) {
                facts.add(id, f.getKey(), f.getValue());
            }
            for (String pkg : spec.installedPackages()) {
                packages.add(id, pkg);
            }
        }

        void addRoles(String id, List<ServerRole> serverRoles) throws SQLException {
            for (ServerRole r : serverRoles) {
                PreparedStatement p = roles.statement();
                p.setString(1, id);
                p.setString(2, r.type().name());
                setNullable(p, 3, r.vmware().flatMap(VmwareProxySettings::fixedMode).map(Enum::name));
                p.setBoolean(4, r.vmware().map(VmwareProxySettings::failoverToNetwork).orElse(false));
                p.setBoolean(5, r.vmware().map(VmwareProxySettings::encryptNetworkTraffic).orElse(false));
                p.setBoolean(6, r.offhost().map(OffhostProxySettings::evaluation).orElse(false));
                roles.add();
            }
        }

        @Override
        public void close() throws SQLException {
            // parents before children: the foreign keys are checked per statement
            Batch.closeAll(servers, networks, domains, facts, packages, roles);
        }
    }

    // --- hosts -------------------------------------------------------------------------

    static List<PlatformHost> hosts(Connection c, Optional<String> id) throws SQLException {
        Map<String, List<HostStorage>> storage = new HashMap<>();
        forEachRow(c, "SELECT host_id, name, kind, deduplicated FROM host_storage"
                + (id.isPresent() ? " WHERE host_id = ?" : "") + " ORDER BY host_id, position", id,
                rs -> storage.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(new HostStorage(
                        rs.getString(2), StorageKind.valueOf(rs.getString(3)), rs.getBoolean(4))));
        List<PlatformHost> out = new ArrayList<>();
        forEachRow(c, "SELECT h.id, h.name, h.kind, h.address, p.name AS parent_name, h.platform_version,"
                + " h.domain_name, s.name AS server_name, h.version FROM hosts h"
                + " LEFT JOIN hosts p ON p.id = h.parent_id LEFT JOIN servers s ON s.id = h.managed_server_id"
                + (id.isPresent() ? " WHERE h.id = ?" : "") + " ORDER BY h.name_key", id, rs -> {
                    String hid = rs.getString("id");
                    HostSpec spec = new HostSpec(rs.getString("name"), HostKind.valueOf(rs.getString("kind")),
                            rs.getString("address"), Optional.ofNullable(rs.getString("parent_name")),
                            Optional.ofNullable(rs.getString("platform_version")),
                            Optional.ofNullable(rs.getString("domain_name")),
                            Optional.ofNullable(rs.getString("server_name")), storage.getOrDefault(hid, List.of()));
                    out.add(new PlatformHost(hid, rs.getLong("version"), spec));
                });
        return out;
    }

    /** Batched inserts of hosts; parent and managed server are given as ids already resolved. */
    static final class HostWriter implements AutoCloseable {
        private final Batch hosts;
        private final Batch storage;

        HostWriter(Connection c) throws SQLException {
            hosts = new Batch(c, "INSERT INTO hosts (id, name, name_key, kind, address, parent_id, platform_version,"
                    + " domain_name, managed_server_id, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
            storage = new Batch(c, "INSERT INTO host_storage (host_id, position, name, kind, deduplicated)"
                    + " VALUES (?, ?, ?, ?, ?)", hosts);
        }

        void add(String id, long version, HostSpec spec, Optional<String> parentId, Optional<String> serverId)
                throws SQLException {
            PreparedStatement p = hosts.statement();
            p.setString(1, id);
            p.setString(2, spec.name());
            p.setString(3, key(spec.name()));
            p.setString(4, spec.kind().name());
            p.setString(5, spec.address());
            setNullable(p, 6, parentId);
            setNullable(p, 7, spec.version());
            setNullable(p, 8, spec.domain());
            setNullable(p, 9, serverId);
            p.setLong(10, version);
            hosts.add();
            addStorage(id, spec);
        }

        /** The host's storage rows, in the spec's order. */
        void addStorage(String id, HostSpec spec) throws SQLException {
            for (int i = 0; i < spec.storage().size(); i++) {
                HostStorage s = spec.storage().get(i);
                PreparedStatement st = storage.statement();
                st.setString(1, id);
                st.setInt(2, i);
                st.setString(3, s.name());
                st.setString(4, s.kind().name());
                st.setBoolean(5, s.deduplicated());
                storage.add();
            }
        }

        /** Sends the pending host rows, so that later rows may name them as parent. */
        void flush() throws SQLException {
            hosts.flush();
        }

        @Override
        public void close() throws SQLException {
            Batch.closeAll(hosts, storage);
        }
    }

    /**
     * Replaces the host row (keeping its id, which VMs and child hosts reference) and its storage
     * if it still has {@code expectedVersion}; false if someone changed it meanwhile.
     */
    static boolean updateHost(Connection c, String id, long expectedVersion, HostSpec spec, Optional<String> parentId,
            Optional<String> serverId) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("UPDATE hosts SET name = ?, name_key = ?, kind = ?, address = ?,"
                + " parent_id = ?, platform_version = ?, domain_name = ?, managed_server_id = ?, version = version + 1"
                + " WHERE id = ? AND version = ?")) {
            p.setString(1, spec.name());
            p.setString(2, key(spec.name()));
            p.setString(3, spec.kind().name());
            p.setString(4, spec.address());
            setNullable(p, 5, parentId);
            setNullable(p, 6, spec.version());
            setNullable(p, 7, spec.domain());
            setNullable(p, 8, serverId);
            p.setString(9, id);
            p.setLong(10, expectedVersion);
            if (p.executeUpdate() == 0) {
                return false;
            }
        }
        delete(c, "host_storage", "host_id", id);
        try (HostWriter w = new HostWriter(c)) {
            w.addStorage(id, spec);
        }
        return true;
    }

    static void deleteHost(Connection c, String id) throws SQLException {
        delete(c, "hosts", "id", id);
    }

    // --- vms ---------------------------------------------------------------------------

    /** VMs matching the query, ordered by name. */
    static List<VirtualMachine> vms(Connection c, VmQuery q) throws SQLException {
        List<String> where = new ArrayList<>();
        List<String> args = new ArrayList<>();
        q.host().ifPresent(h -> {
            where.add("v.host_id IN (SELECT id FROM hosts WHERE name_key = ? OR id = ?)");
            args.add(key(h));
            args.add(h);
        });
        q.contains().ifPresent(t -> {
            where.add("v.name_key LIKE ? ESCAPE '\\'");
            args.add("%" + key(t).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
        });
        String page = "SELECT v.id, v.name_key FROM vms v" + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where))
                + " ORDER BY v.name_key OFFSET " + q.offset() + " ROWS FETCH NEXT " + q.limit() + " ROWS ONLY";
        boolean everything = where.isEmpty() && q.offset() == 0 && q.limit() == Integer.MAX_VALUE;
        return vmPage(c, page, args, everything ? Strategy.FULL_SCAN : where.isEmpty() ? Strategy.NAME_RANGE : Strategy.ID_LIST);
    }

    /** Up to {@code limit} VMs whose lower-case name sorts after {@code afterKey} (keyset paging). */
    static List<VirtualMachine> vmsAfter(Connection c, String afterKey, int limit) throws SQLException {
        return vmPage(c, "SELECT v.id, v.name_key FROM vms v WHERE v.name_key > ? ORDER BY v.name_key FETCH NEXT "
                + limit + " ROWS ONLY", List.of(afterKey), Strategy.NAME_RANGE);
    }

    static Optional<VirtualMachine> vm(Connection c, String id) throws SQLException {
        return vmPage(c, "SELECT v.id, v.name_key FROM vms v WHERE v.id = ?", List.of(id), Strategy.ID_LIST).stream()
                .findFirst();
    }

    private record VmRow(String id, String name, String host, OsInfo os, Optional<GuestCredentials> credentials,
            boolean vhdSet, long version) {
    }

    // The host name by scalar subquery, not a join: with a join H2 scanned hosts first and
    // touched every VM for each 1000-VM page (1.3-3 s per page instead of ~20 ms).
    private static final String VM_COLUMNS = "v.id, v.name, (SELECT h.name FROM hosts h WHERE h.id = v.host_id)"
            + " AS host_name, v.os_family, v.os_distribution, v.os_version, v.cred_user, v.cred_gmsa, v.vhd_set, v.version";

    /** How {@link #vmPage} reads the rows of the VMs a page selected. */
    private enum Strategy {
        /** Every VM: whole tables in storage order (sequential reads), matched in memory. */
        FULL_SCAN,
        /** An unfiltered page (every VM between its first and last name): name-range joins. */
        NAME_RANGE,
        /** A filtered page, usually small: id lists. */
        ID_LIST
    }

    /**
     * Loads the VMs selected by {@code page} (a query of id, name_key over {@code vms v}, in
     * name order) with their disks and networks, in three more queries whatever the page size.
     */
    private static List<VirtualMachine> vmPage(Connection c, String page, List<String> args, Strategy strategy)
            throws SQLException {
        List<String> ids = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        forEachRow(c, page, args, rs -> {
            ids.add(rs.getString(1));
            keys.add(rs.getString(2));
        });
        if (ids.isEmpty()) {
            return List.of();
        }
        LinkedHashMap<String, VmRow> rows = new LinkedHashMap<>();
        ids.forEach(id -> rows.put(id, null));
        Map<String, List<Cidr>> networks = new HashMap<>();
        Map<String, List<VirtualDisk>> disks = new HashMap<>();
        RowHandler vmRow = rs -> {
            String user = rs.getString("cred_user");
            boolean gmsa = rs.getBoolean("cred_gmsa");
            rows.replace(rs.getString("id"), new VmRow(rs.getString("id"), rs.getString("name"),
                    rs.getString("host_name"), os(rs), Optional.ofNullable(user).map(u -> new GuestCredentials(u, gmsa)),
                    rs.getBoolean("vhd_set"), rs.getLong("version")));
        };
        RowHandler networkRow = rs -> networks.computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
                .add(Cidr.of(rs.getString(2)));
        RowHandler diskRow = rs -> disks.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(new VirtualDisk(
                rs.getString(2), rs.getLong(3), DiskFormat.valueOf(rs.getString(4)), rs.getString(5),
                Optional.ofNullable(rs.getString(6))));
        String vmSql = "SELECT " + VM_COLUMNS + " FROM vms v";
        String networkSql = "SELECT n.vm_id, n.cidr FROM vm_networks n";
        String diskSql = "SELECT d.vm_id, d.label, d.capacity, d.format, d.location, d.storage FROM vm_disks d";
        if (strategy == Strategy.FULL_SCAN) {
            forEachRow(c, vmSql, List.of(), vmRow);
            forEachRow(c, networkSql, List.of(), networkRow);
            forEachRow(c, diskSql + " ORDER BY d.vm_id, d.position", List.of(), diskRow);
        } else if (strategy == Strategy.NAME_RANGE) {
            List<String> range = List.of(keys.get(0), keys.get(keys.size() - 1));
            String inRange = " v.name_key >= ? AND v.name_key <= ?";
            forEachRow(c, vmSql + " WHERE" + inRange, range, vmRow);
            forEachRow(c, networkSql + " JOIN vms v ON v.id = n.vm_id WHERE" + inRange, range, networkRow);
            forEachRow(c, diskSql + " JOIN vms v ON v.id = d.vm_id WHERE" + inRange + " ORDER BY d.vm_id, d.position",
                    range, diskRow);
        } else {
            for (int from = 0; from < ids.size(); from += ID_CHUNK) {
                List<String> chunk = ids.subList(from, Math.min(ids.size(), from + ID_CHUNK));
                String in = " IN (" + "?,".repeat(chunk.size() - 1) + "?)";
                forEachRow(c, vmSql + " WHERE v.id" + in, chunk, vmRow);
                forEachRow(c, networkSql + " WHERE n.vm_id" + in, chunk, networkRow);
                forEachRow(c, diskSql + " WHERE d.vm_id" + in + " ORDER BY d.vm_id, d.position", chunk, diskRow);
            }
        }
        List<VirtualMachine> out = new ArrayList<>(rows.size());
        for (VmRow r : rows.values()) {
            if (r == null) {
                continue; // not in the page (a full scan sees rows added after the page query) or removed since
            }
            VmSpec spec = new VmSpec(r.name(), r.host(), r.os(), networks.getOrDefault(r.id(), List.of()),
                    disks.getOrDefault(r.id(), List.of()), r.credentials(), r.vhdSet());
            out.add(new VirtualMachine(r.id(), r.version(), spec));
        }
        return out;
    }

    private static final int ID_CHUNK = 500;

    /** Batched inserts of VMs; the host is given as an id already resolved. */
    static final class VmWriter implements AutoCloseable {
        private final Batch vms;
        private final Batch networks;
        private final Batch disks;

        VmWriter(Connection c) throws SQLException {
            vms = new Batch(c, "INSERT INTO vms (id, name, name_key, host_id, os_family, os_distribution, os_version,"
                    + " cred_user, cred_gmsa, vhd_set, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
            networks = new Batch(c, "INSERT INTO vm_networks (vm_id, cidr) VALUES (?, ?)", vms);
            disks = new Batch(c, "INSERT INTO vm_disks (vm_id, position, label, capacity, format, location, storage)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?)", vms);
        }

        void add(String id, long version, VmSpec spec, String hostId) throws SQLException {
            PreparedStatement p = vms.statement();
            p.setString(1, id);
            p.setString(2, spec.name());
            p.setString(3, key(spec.name()));
            p.setString(4, hostId);
            p.setString(5, spec.guestOs().family().name());
            p.setString(6, spec.guestOs().distribution());
            p.setString(7, spec.guestOs().version());
            setNullable(p, 8, spec.credentials().map(GuestCredentials::user));
            p.setBoolean(9, spec.credentials().map(GuestCredentials::gmsa).orElse(false));
            p.setBoolean(10, spec.vhdSet());
            p.setLong(11, version);
            vms.add();
            addChildren(id, spec);
        }

        /** The VM's networks and disks (in the spec's order). */
        void addChildren(String id, VmSpec spec) throws SQLException {
            for (Cidr n : spec.networks()) {
                networks.add(id, n.value());
            }
            for (int i = 0; i < spec.disks().size(); i++) {
                VirtualDisk d = spec.disks().get(i);
                PreparedStatement st = disks.statement();
                st.setString(1, id);
                st.setInt(2, i);
                st.setString(3, d.label());
                st.setLong(4, d.capacityBytes());
                st.setString(5, d.format().name());
                st.setString(6, d.location());
                setNullable(st, 7, d.storage());
                disks.add();
            }
        }

        @Override
        public void close() throws SQLException {
            Batch.closeAll(vms, networks, disks);
        }
    }

    /**
     * Replaces the VM row (keeping its id, which jobs reference), its networks and its disks if
     * it still has {@code expectedVersion}; false if someone changed it meanwhile.
     */
    static boolean updateVm(Connection c, String id, long expectedVersion, VmSpec spec, String hostId)
            throws SQLException {
        try (PreparedStatement p = c.prepareStatement("UPDATE vms SET name = ?, name_key = ?, host_id = ?,"
                + " os_family = ?, os_distribution = ?, os_version = ?, cred_user = ?, cred_gmsa = ?, vhd_set = ?,"
                + " version = version + 1 WHERE id = ? AND version = ?")) {
            p.setString(1, spec.name());
            p.setString(2, key(spec.name()));
            p.setString(3, hostId);
            p.setString(4, spec.guestOs().family().name());
            p.setString(5, spec.guestOs().distribution());
            p.setString(6, spec.guestOs().version());
            setNullable(p, 7, spec.credentials().map(GuestCredentials::user));
            p.setBoolean(8, spec.credentials().map(GuestCredentials::gmsa).orElse(false));
            p.setBoolean(9, spec.vhdSet());
            p.setString(10, id);
            p.setLong(11, expectedVersion);
            if (p.executeUpdate() == 0) {
                return false;
            }
        }
        delete(c, "vm_networks", "vm_id", id);
        delete(c, "vm_disks", "vm_id", id);
        try (VmWriter w = new VmWriter(c)) {
            w.addChildren(id, spec);
        }
        return true;
    }

    static void deleteVm(Connection c, String id) throws SQLException {
        delete(c, "vms", "id", id);
    }

    // --- jobs --------------------------------------------------------------------------

    static Optional<String> jobId(Connection c, String nameOrId) throws SQLException {
        return id(c, "SELECT id FROM jobs WHERE name_key = ? OR id = ?", nameOrId);
    }

    /** All jobs, or only the one with {@code id}, ordered by name; references read as today's names. */
    static List<Job> jobs(Connection c, Optional<String> id) throws SQLException {
        Map<String, List<String>> vms = jobMembers(c, "SELECT m.job_id, v.name FROM job_vms m"
                + " JOIN vms v ON v.id = m.vm_id", id);
        Map<String, List<String>> proxies = jobMembers(c, "SELECT m.job_id, s.name FROM job_proxies m"
                + " JOIN servers s ON s.id = m.server_id", id);
        Map<String, List<String>> guestProxies = jobMembers(c, "SELECT m.job_id, s.name FROM job_guest_proxies m"
                + " JOIN servers s ON s.id = m.server_id", id);
        List<Job> out = new ArrayList<>();
        forEachRow(c, "SELECT j.id, j.name, j.platform, r.name AS repository_name, j.proxies_automatic,"
                + " j.transport_mode, j.failover_network, j.app_aware, j.indexing, j.log_processing,"
                + " j.guest_proxies_automatic, j.on_host_fallback, j.schedule, j.keep_last, j.keep_daily,"
                + " j.keep_weekly, j.keep_monthly, j.version FROM jobs j"
                + " JOIN servers r ON r.id = j.repository_id" + (id.isPresent() ? " WHERE j.id = ?" : "")
                + " ORDER BY j.name_key", id, rs -> {
                    String jid = rs.getString("id");
                    ServerChoice guestChoice = serverChoice(rs.getBoolean("guest_proxies_automatic"),
                            guestProxies.getOrDefault(jid, List.of()));
                    JobSpec spec = new JobSpec(rs.getString("name"), Platform.valueOf(rs.getString("platform")),
                            vms.getOrDefault(jid, List.of()), rs.getString("repository_name"),
                            serverChoice(rs.getBoolean("proxies_automatic"), proxies.getOrDefault(jid, List.of())),
                            new TransportChoice(Optional.ofNullable(rs.getString("transport_mode"))
                                    .map(TransportMode::valueOf), rs.getBoolean("failover_network")),
                            new GuestProcessing(rs.getBoolean("app_aware"), rs.getBoolean("indexing"),
                                    rs.getBoolean("log_processing"), guestChoice),
                            rs.getBoolean("on_host_fallback"), new Schedule(rs.getString("schedule")),
                            new RetentionPolicy(rs.getInt("keep_last"), rs.getInt("keep_daily"),
                                    rs.getInt("keep_weekly"), rs.getInt("keep_monthly")));
                    out.add(new Job(jid, rs.getLong("version"), spec));
                });
        return out;
    }

    private static Map<String, List<String>> jobMembers(Connection c, String select, Optional<String> jobId)
            throws SQLException {
        Map<String, List<String>> out = new HashMap<>();
        forEachRow(c, select + (jobId.isPresent() ? " WHERE m.job_id = ?" : "") + " ORDER BY m.job_id, m.position",
                jobId, rs -> out.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2)));
        return out;
    }

    private static ServerChoice serverChoice(boolean automatic, List<String> servers) {
        return automatic ? ServerChoice.AUTOMATIC : ServerChoice.preferred(servers);
    }

    /**
     * The VMs among {@code namesOrIds} that exist, with their host, keyed by lower-case name and
     * by id; looked up in chunks, so a scope of thousands of VMs costs a few queries.
     */
    static Map<String, JobRules.VmRef> vmRefs(Connection c, Collection<String> namesOrIds) throws SQLException {
        Map<String, JobRules.VmRef> out = new HashMap<>();
        List<String> wanted = List.copyOf(new LinkedHashSet<>(namesOrIds));
        for (int from = 0; from < wanted.size(); from += ID_CHUNK) {
            List<String> chunk = wanted.subList(from, Math.min(wanted.size(), from + ID_CHUNK));
            String in = " IN (" + "?,".repeat(chunk.size() - 1) + "?)";
            List<String> args = new ArrayList<>();
            chunk.forEach(n -> args.add(key(n)));
            args.addAll(chunk);
            forEachRow(c, "SELECT v.id, v.name, h.name, h.kind FROM vms v JOIN hosts h ON h.id = v.host_id"
                    + " WHERE v.name_key" + in + " OR v.id" + in, args, rs -> {
                        JobRules.VmRef vm = new JobRules.VmRef(rs.getString(1), rs.getString(2), rs.getString(3),
                                HostKind.valueOf(rs.getString(4)));
                        out.put(key(vm.name()), vm);
                        out.put(vm.id(), vm);
                    });
        }
        return out;
    }

    /** Every server with the roles it holds, keyed by lower-case name and by id. */
    static Map<String, JobRules.ServerRef> serverRefs(Connection c) throws SQLException {
        Map<String, String> names = new LinkedHashMap<>();
        Map<String, EnumSet<RoleType>> roles = new HashMap<>();
        forEachRow(c, "SELECT s.id, s.name, r.role FROM servers s LEFT JOIN server_roles r ON r.server_id = s.id",
                List.of(), rs -> {
                    String sid = rs.getString(1);
                    names.put(sid, rs.getString(2));
                    EnumSet<RoleType> held = roles.computeIfAbsent(sid, k -> EnumSet.noneOf(RoleType.class));
                    Optional.ofNullable(rs.getString(3)).map(RoleType::valueOf).ifPresent(held::add);
                });
        Map<String, JobRules.ServerRef> out = new HashMap<>();
        names.forEach((sid, name) -> {
            JobRules.ServerRef ref = new JobRules.ServerRef(sid, name, Set.copyOf(roles.get(sid)));
            out.put(key(name), ref);
            out.put(sid, ref);
        });
        return out;
    }

    /** Names of the jobs whose repository is the server, sorted. */
    static List<String> jobsWithRepository(Connection c, String serverId) throws SQLException {
        return strings(c, "SELECT name FROM jobs WHERE repository_id = ? ORDER BY name_key", serverId);
    }

    /** Names of the jobs (of {@code platform}, if given) naming the server as a backup proxy, sorted. */
    static List<String> jobsWithProxy(Connection c, String serverId, Optional<Platform> platform) throws SQLException {
        String sql = "SELECT j.name FROM jobs j JOIN job_proxies p ON p.job_id = j.id WHERE p.server_id = ?";
        return platform.isPresent()
                ? strings(c, sql + " AND j.platform = ? ORDER BY j.name_key", serverId, platform.get().name())
                : strings(c, sql + " ORDER BY j.name_key", serverId);
    }

    /** Names of the jobs preferring the server as guest interaction proxy, sorted. */
    static List<String> jobsWithGuestProxy(Connection c, String serverId) throws SQLException {
        return strings(c, "SELECT j.name FROM jobs j JOIN job_guest_proxies p ON p.job_id = j.id"
                + " WHERE p.server_id = ? ORDER BY j.name_key", serverId);
    }

    /** Names of the jobs with the VM in scope, sorted. */
    static List<String> jobsWithVm(Connection c, String vmId) throws SQLException {
        return strings(c, "SELECT j.name FROM jobs j JOIN job_vms m ON m.job_id = j.id WHERE m.vm_id = ?"
                + " ORDER BY j.name_key", vmId);
    }

    static void insertJob(Connection c, String id, long version, JobRules.Resolved job) throws SQLException {
        try (JobWriter w = new JobWriter(c)) {
            w.add(id, version, job);
        }
    }

    /** Replaces the job if it still has {@code expectedVersion}; false if someone changed it meanwhile. */
    static boolean updateJob(Connection c, String id, long expectedVersion, JobRules.Resolved job)
            throws SQLException {
        JobSpec spec = job.spec();
        try (PreparedStatement p = c.prepareStatement("UPDATE jobs SET name = ?, name_key = ?, platform = ?,"
                + " repository_id = ?, proxies_automatic = ?, transport_mode = ?, failover_network = ?,"
                + " app_aware = ?, indexing = ?, log_processing = ?, guest_proxies_automatic = ?,"
                + " on_host_fallback = ?, schedule = ?, keep_last = ?, keep_daily = ?, keep_weekly = ?,"
                + " keep_monthly = ?, version = version + 1 WHERE id = ? AND version = ?")) {
            int i = JobWriter.setColumns(p, 1, spec, job.repositoryId());
            p.setString(i++, id);
            p.setLong(i, expectedVersion);
            if (p.executeUpdate() == 0) {
                return false;
            }
        }
        for (String table : List.of("job_vms", "job_proxies", "job_guest_proxies")) {
            delete(c, table, "job_id", id);
        }
        try (JobWriter w = new JobWriter(c)) {
            w.addMembers(id, job);
        }
        return true;
    }

    static void deleteJob(Connection c, String id) throws SQLException {
        delete(c, "jobs", "id", id);
    }

    /** Batched inserts of jobs; references are given as ids already resolved. */
    static final class JobWriter implements AutoCloseable {
        private final Batch jobs;
        private final Batch vms;
        private final Batch proxies;
        private final Batch guestProxies;

        JobWriter(Connection c) throws SQLException {
            jobs = new Batch(c, "INSERT INTO jobs (name, name_key, platform, repository_id, proxies_automatic,"
                    + " transport_mode, failover_network, app_aware, indexing, log_processing, guest_proxies_automatic,"
                    + " on_host_fallback, schedule, keep_last, keep_daily, keep_weekly, keep_monthly, id, version)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
            vms = new Batch(c, "INSERT INTO job_vms (job_id, position, vm_id) VALUES (?, ?, ?)", jobs);
            proxies = new Batch(c, "INSERT INTO job_proxies (job_id, position, server_id) VALUES (?, ?, ?)", jobs);
            guestProxies = new Batch(c, "INSERT INTO job_guest_proxies (job_id, position, server_id)"
                    + " VALUES (?, ?, ?)", jobs);
        }

        void add(String id, long version, JobRules.Resolved job) throws SQLException {
            PreparedStatement p = jobs.statement();
            int i = setColumns(p, 1, job.spec(), job.repositoryId());
            p.setString(i++, id);
            p.setLong(i, version);
            jobs.add();
            addMembers(id, job);
        }

        void addMembers(String id, JobRules.Resolved job) throws SQLException {
            addPositions(vms, id, job.vmIds());
            addPositions(proxies, id, job.proxyIds());
            addPositions(guestProxies, id, job.guestProxyIds());
        }

        private static void addPositions(Batch batch, String jobId, List<String> memberIds) throws SQLException {
            for (int i = 0; i < memberIds.size(); i++) {
                PreparedStatement p = batch.statement();
                p.setString(1, jobId);
                p.setInt(2, i);
                p.setString(3, memberIds.get(i));
                batch.add();
            }
        }

        /** Sets the columns from name to keep_monthly, in the order both statements list them. */
        static int setColumns(PreparedStatement p, int first, JobSpec spec, String repositoryId) throws SQLException {
            int i = first;
            p.setString(i++, spec.name());
            p.setString(i++, key(spec.name()));
            p.setString(i++, spec.platform().name());
            p.setString(i++, repositoryId);
            p.setBoolean(i++, spec.proxies().automatic());
            setNullable(p, i++, spec.transport().fixedMode().map(Enum::name));
            p.setBoolean(i++, spec.transport().failoverToNetwork());
            p.setBoolean(i++, spec.guestProcessing().applicationAware());
            p.setBoolean(i++, spec.guestProcessing().indexing());
            p.setBoolean(i++, spec.guestProcessing().logProcessing());
            p.setBoolean(i++, spec.guestProcessing().guestProxies().automatic());
            p.setBoolean(i++, spec.onHostFallback());
            p.setString(i++, Bounded.text("schedule", spec.schedule().text(), 1000));
            RetentionPolicy retention = spec.retention();
            p.setInt(i++, retention.keepLast());
            p.setInt(i++, retention.keepDaily());
            p.setInt(i++, retention.keepWeekly());
            p.setInt(i++, retention.keepMonthly());
            return i;
        }

        @Override
        public void close() throws SQLException {
            Batch.closeAll(jobs, vms, proxies, guestProxies);
        }
    }

    /** Empties every inventory table (children first), for a replacing import. */
    /** An enrolled agent's row, held by its server's name while an import replaces the servers. */
    record AgentRow(String serverName, String certSha256, long certExpiresNs, long enrolledNs, String address,
            Long heartbeatNs, int runningTasks, String capabilities) {
    }

    /**
     * Takes the agents out of the catalog before an import replaces the servers they belong to;
     * {@link #restoreAgents} puts back those whose server (by name) the import keeps.
     */
    static List<AgentRow> takeAgents(Connection c) throws SQLException {
        List<AgentRow> rows = new ArrayList<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT s.name, a.cert_sha256, a.cert_expires_ns, a.enrolled_ns,"
                        + " a.address, a.heartbeat_ns, a.running_tasks, a.capabilities FROM agents a"
                        + " JOIN servers s ON s.id = a.server_id")) {
            while (rs.next()) {
                long heartbeat = rs.getLong(6);
                rows.add(new AgentRow(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getString(5),
                        rs.wasNull() ? null : heartbeat, rs.getInt(7), rs.getString(8)));
            }
            s.executeUpdate("DELETE FROM agents");
        }
        return rows;
    }

    /** Puts back the agents whose server is in the catalog again; returns the names of the others. */
    static List<String> restoreAgents(Connection c, List<AgentRow> agents) throws SQLException {
        List<String> dropped = new ArrayList<>();
        for (AgentRow a : agents) {
            String id = null;
            try (PreparedStatement find = c.prepareStatement("SELECT id FROM servers WHERE name_key = ?")) {
                find.setString(1, key(a.serverName()));
                try (ResultSet rs = find.executeQuery()) {
                    if (rs.next()) {
                        id = rs.getString(1);
                    }
                }
            }
            if (id == null) {
                dropped.add(a.serverName());
                continue;
            }
            try (PreparedStatement put = c.prepareStatement("INSERT INTO agents (server_id, cert_sha256,"
                    + " cert_expires_ns, enrolled_ns, address, heartbeat_ns, running_tasks, capabilities)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                put.setString(1, id);
                put.setString(2, a.certSha256());
                put.setLong(3, a.certExpiresNs());
                put.setLong(4, a.enrolledNs());
                put.setString(5, a.address());
                if (a.heartbeatNs() == null) {
                    put.setNull(6, java.sql.Types.BIGINT);
                } else {
                    put.setLong(6, a.heartbeatNs());
                }
                put.setInt(7, a.runningTasks());
                put.setString(8, a.capabilities());
                put.executeUpdate();
            }
        }
        return dropped;
    }

    static void deleteAll(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String table : List.of("job_guest_proxies", "job_proxies", "job_vms", "jobs")) {
                s.executeUpdate("DELETE FROM " + table);
            }
            for (String table : List.of("vm_disks", "vm_networks", "vms", "host_storage")) {
                s.executeUpdate("DELETE FROM " + table);
            }
            s.executeUpdate("UPDATE hosts SET parent_id = NULL");
            for (String table : List.of("hosts", "server_roles", "server_packages", "server_facts",
                    "server_trusted_domains", "server_networks", "servers")) {
                s.executeUpdate("DELETE FROM " + table);
            }
        }
    }

    // --- helpers -----------------------------------------------------------------------

    @FunctionalInterface
    interface RowHandler {
        void row(ResultSet rs) throws SQLException;
    }

    private static void forEachRow(Connection c, String sql, Optional<String> arg, RowHandler handler)
            throws SQLException {
        forEachRow(c, sql, arg.map(List::of).orElse(List.of()), handler);
    }

    static void forEachRow(Connection c, String sql, List<String> args, RowHandler handler)
            throws SQLException {
        try (PreparedStatement p = c.prepareStatement(sql)) {
            for (int i = 0; i < args.size(); i++) {
                p.setString(i + 1, args.get(i));
            }
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    handler.row(rs);
                }
            }
        }
    }

    private static void delete(Connection c, String table, String column, String id) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("DELETE FROM " + table + " WHERE " + column + " = ?")) {
            p.setString(1, id);
            p.executeUpdate();
        }
    }

    static void setNullable(PreparedStatement p, int index, Optional<String> value) throws SQLException {
        if (value.isPresent()) {
            p.setString(index, value.get());
        } else {
            p.setNull(index, Types.VARCHAR);
        }
    }

    /** A prepared statement whose rows are sent in batches of {@link #SIZE}. */
    static final class Batch implements AutoCloseable {
        static final int SIZE = 1000;
        private final PreparedStatement statement;
        private final Batch parent;
        private int pending;

        Batch(Connection c, String sql) throws SQLException {
            this(c, sql, null);
        }

        /** A batch of child rows: flushing it sends the parent rows first (foreign keys). */
        Batch(Connection c, String sql, Batch parent) throws SQLException {
            this.statement = c.prepareStatement(sql);
            this.parent = parent;
        }

        PreparedStatement statement() {
            return statement;
        }

        void add(String... values) throws SQLException {
            for (int i = 0; i < values.length; i++) {
                statement.setString(i + 1, values[i]);
            }
            statement.addBatch();
            if (++pending >= SIZE) {
                flush();
            }
        }

        void flush() throws SQLException {
            if (parent != null) {
                parent.flush();
            }
            if (pending > 0) {
                statement.executeBatch();
                pending = 0;
            }
        }

        @Override
        public void close() throws SQLException {
            try {
                flush();
            } finally {
                statement.close();
            }
        }

        /** Flushes in order (parents first), closing every statement even after a failure. */
        static void closeAll(Batch... batches) throws SQLException {
            SQLException first = null;
            for (Batch b : batches) {
                try {
                    if (first == null) {
                        b.flush();
                    }
                } catch (SQLException e) {
                    first = e;
                } finally {
                    try {
                        b.statement.close();
                    } catch (SQLException e) {
                        if (first == null) {
                            first = e;
                        }
                    }
                }
            }
            if (first != null) {
                throw first;
            }
        }
    }
}
