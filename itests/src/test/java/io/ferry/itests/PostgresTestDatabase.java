package io.ferry.itests;

import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.ops4j.pax.exam.Option;

/**
 * The PostgreSQL database the tests may use, from the environment: {@code FERRY_TEST_PG_URL}
 * (a JDBC URL), {@code FERRY_TEST_PG_USER}, {@code FERRY_TEST_PG_PASSWORD}. The tests EMPTY
 * that database (every table, view and sequence in the current schema), so point it at a
 * throw-away database such as the one {@code .ci/run} creates. With
 * {@code FERRY_REQUIRE_PG=1} a missing URL fails the build instead of skipping the tests.
 */
record PostgresTestDatabase(String url, String user, String password) {
    static final String URL_VARIABLE = "FERRY_TEST_PG_URL";
    static final String USER_VARIABLE = "FERRY_TEST_PG_USER";
    static final String PASSWORD_VARIABLE = "FERRY_TEST_PG_PASSWORD";
    static final String REQUIRE_VARIABLE = "FERRY_REQUIRE_PG";

    /** System properties that hand the settings to the test code inside Karaf. */
    static final String URL_PROPERTY = "ferry.test.pg.url";
    static final String USER_PROPERTY = "ferry.test.pg.user";
    static final String PASSWORD_PROPERTY = "ferry.test.pg.password";

    static Optional<PostgresTestDatabase> fromEnvironment() {
        String url = System.getenv(URL_VARIABLE);
        if (url == null || url.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(new PostgresTestDatabase(url.strip(), env(USER_VARIABLE), env(PASSWORD_VARIABLE)));
    }

    /** Inside the container: the settings the driver handed over. */
    static PostgresTestDatabase fromSystemProperties() {
        return new PostgresTestDatabase(System.getProperty(URL_PROPERTY), System.getProperty(USER_PROPERTY, ""),
                System.getProperty(PASSWORD_PROPERTY, ""));
    }

    static boolean required() {
        String value = System.getenv(REQUIRE_VARIABLE);
        return value != null && (value.strip().equals("1") || value.strip().equalsIgnoreCase("true"));
    }

    /** Why the PostgreSQL tests do not run, for the skip or failure message. */
    static String missingMessage() {
        return URL_VARIABLE + " is not set: PostgreSQL inventory tests not run. Set " + URL_VARIABLE
                + " (e.g. jdbc:postgresql://127.0.0.1:5432/ferry_test), " + USER_VARIABLE + " and "
                + PASSWORD_VARIABLE + " to a throw-away database (it is emptied), or run bash .ci/run"
                + (required() ? "; " + REQUIRE_VARIABLE + "=1 makes this an error" : "");
    }

    /** Options that point Ferry's inventory at this database. */
    Option[] containerOptions() {
        List<Option> options = new ArrayList<>(List.of(
                editConfigurationFilePut(FerryContainer.INVENTORY_CFG, "jdbc.url", url),
                systemProperty(URL_PROPERTY).value(url),
                systemProperty(USER_PROPERTY).value(user),
                systemProperty(PASSWORD_PROPERTY).value(password)));
        if (!user.isEmpty()) {
            options.add(editConfigurationFilePut(FerryContainer.INVENTORY_CFG, "jdbc.user", user));
        }
        if (!password.isEmpty()) {
            options.add(editConfigurationFilePut(FerryContainer.INVENTORY_CFG, "jdbc.password", password));
        }
        return options.toArray(Option[]::new);
    }

    /**
     * Drops every table, view and sequence in the current schema, so that Ferry starts on
     * an empty database as on a fresh install.
     */
    void empty() throws SQLException {
        try (Connection c = DriverManager.getConnection(url, user, password); Statement st = c.createStatement()) {
            List<String> drops = new ArrayList<>();
            collect(st, drops, "SELECT format('DROP VIEW IF EXISTS %I.%I CASCADE', schemaname, viewname)"
                    + " FROM pg_views WHERE schemaname = current_schema()");
            collect(st, drops, "SELECT format('DROP TABLE IF EXISTS %I.%I CASCADE', schemaname, tablename)"
                    + " FROM pg_tables WHERE schemaname = current_schema()");
            collect(st, drops, "SELECT format('DROP SEQUENCE IF EXISTS %I.%I CASCADE', sequence_schema, sequence_name)"
                    + " FROM information_schema.sequences WHERE sequence_schema = current_schema()");
            for (String drop : drops) {
                st.execute(drop);
            }
        }
    }

    /** Counts the tables in the current schema. */
    static int tableCount(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static void collect(Statement st, List<String> out, String query) throws SQLException {
        try (ResultSet rs = st.executeQuery(query)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
    }

    private static String env(String name) {
        String value = System.getenv(name);
        return value == null ? "" : value;
    }

    @Override
    public String toString() {
        return url + " as " + (user.isEmpty() ? "(default user)" : user);
    }
}
