package io.ferry.inventory.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.FerryException;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.osgi.service.jdbc.DataSourceFactory;
import org.postgresql.osgi.PGDataSourceFactory;

/**
 * Issue 10, point 1 on PostgreSQL: the catalog opened the way Karaf opens it (the driver's own
 * {@link DataSourceFactory}, settings from etc/io.ferry.inventory.cfg) commits synchronously even where the
 * server or role says {@code synchronous_commit = off}, and has deadlines on connecting and on every answer.
 */
class PostgresCatalogSettingsTest {

    private static InventoryDatabase open(TestConfig config) throws Exception {
        TestDatabases.postgres(); // empties the schema (or skips without FERRY_TEST_PG_URL)
        Map<String, Object> props = Map.of(DataSourceFactory.OSGI_JDBC_DRIVER_CLASS, "org.postgresql.Driver");
        return new InventoryDatabase(config, List.of(Map.entry(props, new PGDataSourceFactory())));
    }

    private static TestConfig configured(String urlSuffix) {
        String url = System.getenv("FERRY_TEST_PG_URL");
        return TestConfig.defaults().withUrl(url == null ? "" : url + urlSuffix,
                System.getenv().getOrDefault("FERRY_TEST_PG_USER", "ferry"),
                System.getenv().getOrDefault("FERRY_TEST_PG_PASSWORD", "ferry"));
    }

    @Test
    void commitsAreSynchronousEvenWhenTheServerSaysOff() throws Exception {
        // The URL's options make the server start every session with synchronous_commit off, as a
        // postgresql.conf or ALTER ROLE ... SET would.
        String suffix = (System.getenv("FERRY_TEST_PG_URL") != null && System.getenv("FERRY_TEST_PG_URL")
                .contains("?") ? "&" : "?") + "options=-c%20synchronous_commit%3Doff";
        InventoryDatabase db = open(configured(suffix).withTimeouts(7, 45));
        try {
            String setting = db.read(c -> {
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW synchronous_commit")) {
                    rs.next();
                    return rs.getString(1);
                }
            });
            assertEquals("on", setting);
            int networkTimeoutMillis = db.read(c -> c.getNetworkTimeout());
            assertEquals(45_000, networkTimeoutMillis, "jdbc.socket.timeout.seconds = 45 reaches the driver");
        } finally {
            db.stop();
        }
    }

    @Test
    void strongerSettingsAreKept() throws Exception {
        String suffix = (System.getenv("FERRY_TEST_PG_URL") != null && System.getenv("FERRY_TEST_PG_URL")
                .contains("?") ? "&" : "?") + "options=-c%20synchronous_commit%3Dremote_apply";
        InventoryDatabase db = open(configured(suffix));
        try {
            assertEquals("remote_apply", db.read(c -> {
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW synchronous_commit")) {
                    rs.next();
                    return rs.getString(1);
                }
            }));
        } finally {
            db.stop();
        }
    }

    @Test
    void anUnknownTlsModeIsRefusedNamingTheKey() throws Exception {
        FerryException e = assertThrows(FerryException.class, () -> open(configured("").withSsl("verify-ful", "")));
        assertTrue(e.getMessage().contains("jdbc.ssl.mode 'verify-ful'"), e.getMessage());
        assertTrue(e.getMessage().contains("verify-full"), e.getMessage());
    }

    @Test
    void tlsSettingsReachTheDriver() {
        var p = InventoryDatabase.postgresProperties(TestConfig.defaults().withSsl("verify-full", "/etc/ferry/pg-ca.pem"));
        assertEquals("verify-full", p.get("sslmode"));
        assertEquals("/etc/ferry/pg-ca.pem", p.get("sslrootcert"));
        assertEquals("10", p.get("connectTimeout"));
        assertEquals("120", p.get("socketTimeout"));
        FerryException e = assertThrows(FerryException.class,
                () -> InventoryDatabase.postgresProperties(TestConfig.defaults().withTimeouts(0, 120)));
        assertTrue(e.getMessage().contains("jdbc.connect.timeout.seconds"), e.getMessage());
    }
}
