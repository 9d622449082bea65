package io.ferry.inventory.internal;

import io.ferry.api.ConflictException;
import io.ferry.api.FerryException;
import io.ferry.api.inventory.RoleType;
import io.ferry.api.inventory.ServerSpec;
import io.ferry.api.secrets.SecretBox;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import javax.sql.DataSource;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.jdbc.DataSourceFactory;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configuration database (immediate, so a configuration problem shows at start-up and
 * this machine is registered before the first command): connects (embedded H2 by default, PostgreSQL when
 * configured), brings the schema up to date, registers this machine as the backup server
 * on first start, and runs units of work in transactions.
 */
@Component(service = InventoryDatabase.class, configurationPid = "io.ferry.inventory", immediate = true)
@Designate(ocd = InventoryDatabaseConfig.class)
public final class InventoryDatabase {
    private static final Logger LOG = LoggerFactory.getLogger(InventoryDatabase.class);
    private static final String H2_DRIVER = "org.h2.Driver";
    private static final String POSTGRES_DRIVER = "org.postgresql.Driver";
    private static final List<String> SSL_MODES = List.of("disable", "allow", "prefer", "require", "verify-ca",
            "verify-full");

    private final ConnectionPool pool;
    private final String url;
    private final boolean h2;

    @Activate
    public InventoryDatabase(InventoryDatabaseConfig config,
            // Reluctant: a driver appearing later must not reopen the database. The drivers
            // start before Ferry's bundles (feature start levels), so both are here at activation.
            @Reference(service = DataSourceFactory.class, cardinality = ReferenceCardinality.AT_LEAST_ONE,
                    policyOption = ReferencePolicyOption.RELUCTANT)
            List<Map.Entry<Map<String, Object>, DataSourceFactory>> factories) throws SQLException {
        this.url = config.jdbc_url().isBlank() ? defaultUrl() : config.jdbc_url().strip();
        this.h2 = url.startsWith("jdbc:h2:");
        H2Files.ownerOnlyDirectory(url);
        recoverEmbeddedCatalog(url);
        DataSourceFactory factory = factories.stream()
                .filter(e -> driverFor(url).equals(e.getKey().get(DataSourceFactory.OSGI_JDBC_DRIVER_CLASS)))
                .map(Map.Entry::getValue).findFirst()
                .orElseThrow(() -> new FerryException("No JDBC driver for " + url + " is installed: expected a "
                        + driverFor(url) + " DataSourceFactory (feature ferry-core installs H2 and PostgreSQL)"));
        Properties props = new Properties();
        props.put(DataSourceFactory.JDBC_URL, url);
        if (!config.jdbc_user().isBlank()) {
            props.put(DataSourceFactory.JDBC_USER, config.jdbc_user());
        }
        if (!config.jdbc_password().isEmpty()) {
            props.put(DataSourceFactory.JDBC_PASSWORD, password(config.jdbc_password()));
        }
        if (!h2) {
            props.putAll(postgresProperties(config));
        }
        this.pool = new ConnectionPool(factory.createDataSource(props), Math.max(1, config.pool_size()),
                this::prepareConnection);
        start(config.backup_server_name());
        H2Files.ownerOnlyFiles(url);
    }

    /**
     * The database password: an {@code ENC(...)} value is decrypted with the master key
     * {@code ${karaf.etc}/ferry-master.key} (ferry:secret-encrypt writes such values); a plain
     * one is used as it is, with a warning.
     */
    static String password(String configured) {
        if (!SecretBox.isSealed(configured)) {
            LOG.warn("jdbc.password in etc/io.ferry.inventory.cfg is plain text: replace it with the ENC(...) value"
                    + " that ferry:secret-encrypt prints");
            return configured;
        }
        Path keyFile = Path.of(System.getProperty("karaf.etc", "etc"), SecretBox.KEY_FILE_NAME);
        return new String(SecretBox.open(keyFile, false).unseal("jdbc.password", configured));
    }

    /** For tests and tools: a database on a plain {@link DataSource}. */
    InventoryDatabase(DataSource dataSource, String url, String backupServerName) throws SQLException {
        this.url = Objects.requireNonNull(url);
        this.h2 = url.startsWith("jdbc:h2:");
        recoverEmbeddedCatalog(url);
        this.pool = new ConnectionPool(dataSource, 4, this::prepareConnection);
        start(backupServerName);
    }

    /**
     * An embedded H2 catalog that was not closed cleanly is recovered to its newest committed version before
     * H2 opens it ({@link H2Recovery}: H2 alone can open it at an older one). An encrypted file
     * ({@code CIPHER=}) is left to H2.
     */
    private static void recoverEmbeddedCatalog(String url) {
        if (url.toUpperCase(java.util.Locale.ROOT).contains(";CIPHER=")) {
            LOG.warn("The catalog {} is encrypted: Ferry cannot check it for an unclean stop before H2 opens it",
                    redact(url));
            return;
        }
        H2Files.base(url).map(H2Recovery::storeFile).ifPresent(H2Recovery::recoverIfUnclean);
    }

    private void start(String backupServerName) {
        try {
            if (h2) {
                // see forceToDisk: without this, H2's background writer can undo a synced commit at a kill -9
                inTransaction(c -> {
                    try (Statement s = c.createStatement()) {
                        s.execute("SET WRITE_DELAY 0");
                    }
                    return null;
                });
            }
            int version = inTransaction(new SchemaMigrator()::migrate);
            LOG.info("Inventory database {} at schema version {}", redact(url), version);
            inTransaction(c -> registerBackupServer(c, backupServerName));
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    @Deactivate
    void stop() {
        pool.close();
    }

    /**
     * Runs {@code work} in one transaction: committed if it returns, rolled back if it throws. When it
     * returns, the change is on disk (see {@link #forceToDisk}), so a caller told "done" keeps that promise
     * even if the process is killed or the machine loses power right after.
     */
    public <T> T inTransaction(SqlWork<T> work) {
        return run(work, true);
    }

    /**
     * Runs {@code work} in one transaction that is not forced to disk: for frequent changes whose
     * loss in a crash is harmless and soon repaired (agent heartbeats, which the next heartbeat
     * writes again). Embedded H2 skips {@code CHECKPOINT SYNC}; PostgreSQL commits it with
     * {@code synchronous_commit} off for this transaction only.
     */
    <T> T inTransactionNotForced(SqlWork<T> work) {
        return run(c -> {
            if (!h2) {
                try (Statement s = c.createStatement()) {
                    s.execute("SET LOCAL synchronous_commit TO off");
                }
            }
            return work.run(c);
        }, false);
    }

    /** Runs read-only {@code work} on one consistent view of the database. */
    public <T> T read(SqlWork<T> work) {
        return run(c -> {
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            return work.run(c);
        }, false);
    }

    private <T> T run(SqlWork<T> work, boolean writes) {
        Connection c = null;
        boolean broken = false;
        try {
            c = pool.borrow();
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            T result = work.run(c);
            c.commit();
            if (writes) {
                forceToDisk(c);
            }
            return result;
        } catch (SQLException e) {
            broken = rollback(c);
            throw translate(e);
        } catch (RuntimeException | Error e) {
            broken = rollback(c);
            throw e;
        } finally {
            if (c != null) {
                pool.release(c, broken);
            }
        }
    }

    /**
     * Makes a committed transaction durable. PostgreSQL has done so in {@code commit()} already: every
     * connection runs with {@code synchronous_commit} on ({@link #prepareConnection}). Embedded H2 does not:
     * its MVStore keeps committed changes in memory and writes them from a background thread up to
     * {@code WRITE_DELAY} (500 ms) later, and even then does not fsync; a kill -9 or a power cut lost
     * acknowledged changes (issue 10). {@code CHECKPOINT SYNC} writes every committed change to the file and
     * forces it to the device (H2 reference, "CHECKPOINT SYNC"; H2 issue #2599). It needs admin rights, which
     * the user who created the database has.
     *
     * <p>That alone is not enough: measured with H2 2.5.252 (a child JVM making 300 small commits, then one
     * commit + CHECKPOINT SYNC acknowledged, then idle, kill -9 1.2-2 s later), 3 to 9 of 20 acknowledged
     * changes were gone after the restart; the background writer's later writes leave a file whose
     * recovery returns to an older version. With {@code SET WRITE_DELAY 0} (set at start, {@link #start})
     * every commit is written by the committing thread and the background writer stays idle: 0 of 20 lost,
     * and the file stays as small (compaction still runs). The fault suite (FaultSuiteIT, t2) found this
     * in the shipped distribution.
     */
    private void forceToDisk(Connection c) {
        if (!h2) {
            return;
        }
        try (Statement s = c.createStatement()) {
            s.execute("CHECKPOINT SYNC");
        } catch (SQLException e) {
            throw new FerryException("The change was committed but could not be forced to disk (H2 CHECKPOINT SYNC"
                    + " failed: " + firstLine(e.getMessage()) + "). It may be lost if Ferry stops now; the H2 user"
                    + " in etc/io.ferry.inventory.cfg needs admin rights, and the disk of " + redact(url)
                    + " must be writable", e);
        }
    }

    /**
     * Called once for every new connection. PostgreSQL: a server or role configured with
     * {@code synchronous_commit = off} acknowledges commits before they reach its disk, so Ferry turns it on
     * for its own sessions (stronger settings such as {@code remote_apply} are kept).
     */
    private Void prepareConnection(Connection c) throws SQLException {
        if (h2) {
            return null;
        }
        c.setAutoCommit(true);
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW synchronous_commit")) {
            if (rs.next() && !"off".equalsIgnoreCase(rs.getString(1))) {
                return null;
            }
        }
        try (Statement s = c.createStatement()) {
            s.execute("SET SESSION synchronous_commit TO on");
        }
        return null;
    }

    String url() {
        return url;
    }

    private static boolean rollback(Connection c) {
        if (c == null) {
            return false;
        }
        try {
            c.rollback();
            return false;
        } catch (SQLException e) {
            return true;
        }
    }

    /**
     * Unique-name violations become conflicts, and so do foreign-key violations: the services
     * check references before writing, so a violated key means another change removed or
     * started using the object in between. Everything else names the database.
     */
    static RuntimeException translate(SQLException e) {
        if ("23505".equals(e.getSQLState())) {
            return new ConflictException("That name is already taken (names are unique, ignoring case): "
                    + firstLine(e.getMessage()));
        }
        // 23503: PostgreSQL (both directions), H2 (a row still refers to it); 23506: H2 (the referred row is gone)
        if ("23503".equals(e.getSQLState()) || "23506".equals(e.getSQLState())) {
            return new ConflictException("The inventory changed while this change was being saved: something it"
                    + " refers to was removed, or something now refers to what it removes. Nothing was saved; look"
                    + " again and redo the change. (" + firstLine(e.getMessage()) + ")");
        }
        return new FerryException("Inventory database error: " + firstLine(e.getMessage()), e);
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("");
    }

    private static Void registerBackupServer(Connection c, String configuredName) throws SQLException {
        if (!InventoryStore.serversWithRole(c, RoleType.BACKUP_SERVER).isEmpty()) {
            return null;
        }
        ServerSpec self = LocalMachine.describe(configuredName);
        // Seeds 002/003: the backup server is the default VMware and general-purpose proxy.
        InventoryStore.insertServer(c, OrderedIds.next(), 1, self, InventoryRules.backupServerDefaultRoles());
        if (InventoryRules.needsRhel9Packages(self.os())) {
            LOG.warn("This backup server runs {}: guest interaction needs {} installed (seed 001); declare them"
                    + " with ferry:server-update {} --package ...", self.os(),
                    InventoryRules.RHEL9_GUEST_INTERACTION_PACKAGES, self.name());
        }
        LOG.info("Registered this machine as backup server '{}' ({})", self.name(), self.address());
        return null;
    }

    /**
     * PostgreSQL JDBC driver properties from the configuration: a deadline for connecting and logging in,
     * one for every read from the server (a hung server or a dropped network fails the call instead of
     * hanging it), and TLS. Empty TLS settings leave the driver's defaults (or what the URL says).
     */
    static Properties postgresProperties(InventoryDatabaseConfig config) {
        Properties p = new Properties();
        int connect = config.jdbc_connect_timeout_seconds();
        int socket = config.jdbc_socket_timeout_seconds();
        if (connect < 1 || socket < 1) {
            throw new FerryException("etc/io.ferry.inventory.cfg: jdbc.connect.timeout.seconds and"
                    + " jdbc.socket.timeout.seconds must be at least 1 (they are " + connect + " and " + socket + ")");
        }
        p.put("connectTimeout", Integer.toString(connect));
        p.put("loginTimeout", Integer.toString(connect));
        p.put("socketTimeout", Integer.toString(socket));
        p.put("tcpKeepAlive", "true");
        String mode = config.jdbc_ssl_mode().strip();
        if (!mode.isEmpty()) {
            if (!SSL_MODES.contains(mode)) {
                throw new FerryException("etc/io.ferry.inventory.cfg: jdbc.ssl.mode '" + mode + "' is not one of "
                        + String.join(", ", SSL_MODES));
            }
            p.put("sslmode", mode);
        }
        if (!config.jdbc_ssl_root_cert().isBlank()) {
            p.put("sslrootcert", config.jdbc_ssl_root_cert().strip());
        }
        return p;
    }

    static String defaultUrl() {
        String data = System.getProperty("karaf.data", "data");
        return "jdbc:h2:file:" + Path.of(data, "ferry", "inventory").toAbsolutePath();
    }

    static String driverFor(String url) {
        if (url.startsWith("jdbc:h2:")) {
            return H2_DRIVER;
        }
        if (url.startsWith("jdbc:postgresql:")) {
            return POSTGRES_DRIVER;
        }
        throw new FerryException("Unsupported inventory database URL '" + url
                + "': use jdbc:h2:... or jdbc:postgresql://host:port/db in etc/io.ferry.inventory.cfg");
    }

    private static String redact(String jdbcUrl) {
        return jdbcUrl.replaceAll("(?i)(password=)[^;&]*", "$1***");
    }
}
