package io.ferry.inventory.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Assumptions;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Real databases for the tests: a private in-memory H2 per test, and the PostgreSQL named
 * by FERRY_TEST_PG_URL / _USER / _PASSWORD (emptied before each test). With
 * FERRY_REQUIRE_PG=1 (as in CI) a missing PostgreSQL fails instead of skipping.
 */
final class TestDatabases {
    private TestDatabases() {
    }

    record Db(DataSource dataSource, String url) {
    }

    static Db h2() {
        String url = "jdbc:h2:mem:ferry-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL(url);
        return new Db(ds, url);
    }

    static Db postgres() throws SQLException {
        String url = System.getenv("FERRY_TEST_PG_URL");
        if (url == null || url.isBlank()) {
            if ("1".equals(System.getenv("FERRY_REQUIRE_PG"))) {
                throw new IllegalStateException("FERRY_REQUIRE_PG=1 but FERRY_TEST_PG_URL is not set");
            }
            Assumptions.abort("PostgreSQL tests skipped: set FERRY_TEST_PG_URL (see .ci/run)");
        }
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(url);
        ds.setUser(System.getenv().getOrDefault("FERRY_TEST_PG_USER", "ferry"));
        ds.setPassword(System.getenv().getOrDefault("FERRY_TEST_PG_PASSWORD", "ferry"));
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS public CASCADE");
            s.execute("CREATE SCHEMA public");
        }
        return new Db(ds, url);
    }
}
