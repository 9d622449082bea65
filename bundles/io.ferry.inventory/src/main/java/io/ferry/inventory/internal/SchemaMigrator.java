package io.ferry.inventory.internal;

import io.ferry.api.FerryException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Versioned schema migrations. {@code migration/index.txt} lists the scripts
 * {@code V<n>__<description>.sql} in order; each script and its row in
 * {@code ferry_schema_version} are applied in one transaction, so a failed script leaves
 * the schema at the previous version. The primary key on the version stops two instances
 * applying the same script twice. A database whose schema is newer than the scripts this
 * code knows is refused: it was written by a newer Ferry.
 */
final class SchemaMigrator {
    private static final Logger LOG = LoggerFactory.getLogger(SchemaMigrator.class);
    private static final String BASE = "migration/";

    record Migration(int version, String description, String resource) {
    }

    private final List<Migration> migrations;

    SchemaMigrator() {
        this.migrations = readIndex();
    }

    /** Knows only the versions up to {@code lastVersion}: for tests that build an older database. */
    SchemaMigrator(int lastVersion) {
        this.migrations = readIndex().stream().filter(m -> m.version() <= lastVersion).toList();
        if (migrations.isEmpty()) {
            throw new IllegalArgumentException("No migrations up to version " + lastVersion);
        }
    }

    int latestVersion() {
        return migrations.get(migrations.size() - 1).version();
    }

    /** Brings the schema up to date; returns the version it ends at. */
    int migrate(Connection c) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS ferry_schema_version (version INT PRIMARY KEY,"
                        + " description VARCHAR(200) NOT NULL, applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL)");
            }
            c.commit();
            int current = currentVersion(c);
            if (current > latestVersion()) {
                throw new FerryException("The inventory database schema is at version " + current
                        + " but this Ferry knows versions up to " + latestVersion()
                        + ": the database was written by a newer Ferry. Run that version, or point"
                        + " etc/io.ferry.inventory.cfg at another database.");
            }
            for (Migration m : migrations) {
                if (m.version() > current) {
                    apply(c, m);
                    current = m.version();
                }
            }
            return current;
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }

    static int currentVersion(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT MAX(version) FROM ferry_schema_version")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private void apply(Connection c, Migration m) throws SQLException {
        LOG.info("Applying inventory schema migration V{} ({})", m.version(), m.description());
        try (Statement s = c.createStatement()) {
            for (String sql : statements(load(m.resource()))) {
                s.execute(sql);
            }
        }
        try (PreparedStatement p = c.prepareStatement(
                "INSERT INTO ferry_schema_version (version, description) VALUES (?, ?)")) {
            p.setInt(1, m.version());
            p.setString(2, m.description());
            p.executeUpdate();
        }
        c.commit();
    }

    /** Splits a script on ';' at line ends; scripts use no procedural blocks. */
    static List<String> statements(String script) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : script.split("\n")) {
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("--")) {
                continue;
            }
            current.append(line).append('\n');
            if (t.endsWith(";")) {
                String sql = current.toString().strip();
                out.add(sql.substring(0, sql.length() - 1));
                current.setLength(0);
            }
        }
        if (!current.toString().isBlank()) {
            out.add(current.toString().strip());
        }
        return out;
    }

    private static List<Migration> readIndex() {
        List<Migration> out = new ArrayList<>();
        for (String line : load("index.txt").split("\n")) {
            String name = line.strip();
            if (name.isEmpty() || name.startsWith("#")) {
                continue;
            }
            if (!name.matches("V\\d+__[A-Za-z0-9_]+\\.sql")) {
                throw new IllegalStateException("Bad migration name in index.txt: " + name);
            }
            int version = Integer.parseInt(name.substring(1, name.indexOf("__")));
            if (!out.isEmpty() && version != out.get(out.size() - 1).version() + 1) {
                throw new IllegalStateException("Migrations must be numbered without gaps: " + name);
            }
            out.add(new Migration(version, name.substring(name.indexOf("__") + 2, name.length() - 4)
                    .replace('_', ' '), name));
        }
        if (out.isEmpty()) {
            throw new IllegalStateException("No migrations listed in index.txt");
        }
        return List.copyOf(out);
    }

    private static String load(String name) {
        try (InputStream in = SchemaMigrator.class.getResourceAsStream(BASE + name)) {
            if (in == null) {
                throw new IllegalStateException("Missing migration resource " + BASE + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read migration resource " + BASE + name, e);
        }
    }
}
