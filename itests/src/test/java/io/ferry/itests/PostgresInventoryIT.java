package io.ferry.itests;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.ferry.api.inventory.InventoryService;
import java.sql.Connection;
import java.util.Collection;
import java.util.Properties;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceReference;
import org.osgi.service.jdbc.DataSourceFactory;

/**
 * Ferry with its inventory in PostgreSQL, configured the way an operator does it: the
 * JDBC settings in etc/io.ferry.inventory.cfg. Plus everything in
 * {@link FerryRuntimeChecks}. Runs only when {@code FERRY_TEST_PG_URL} is set (see
 * {@link PostgresTestDatabase}); the database is emptied first.
 */
@RunWith(PostgresPaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class PostgresInventoryIT extends FerryRuntimeChecks {

    @Configuration
    public Option[] config() {
        PostgresTestDatabase database = PostgresTestDatabase.fromEnvironment().orElseThrow(() ->
                new IllegalStateException(PostgresTestDatabase.missingMessage()));
        return FerryContainer.distribution(database.containerOptions());
    }

    @Test
    public void configuredInventoryLivesInPostgresNotInH2() throws Exception {
        awaitService(InventoryService.class);
        assertTrue("H2 files exist although jdbc.url points to PostgreSQL: " + h2DatabaseFiles(),
                h2DatabaseFiles().isEmpty());

        PostgresTestDatabase database = PostgresTestDatabase.fromSystemProperties();
        Collection<ServiceReference<DataSourceFactory>> refs = bundleContext.getServiceReferences(
                DataSourceFactory.class, "(" + DataSourceFactory.OSGI_JDBC_DRIVER_CLASS + "=org.postgresql.Driver)");
        assertFalse("no PostgreSQL DataSourceFactory registered", refs.isEmpty());
        DataSourceFactory factory = bundleContext.getService(refs.iterator().next());
        Properties props = new Properties();
        props.put(DataSourceFactory.JDBC_URL, database.url());
        if (!database.user().isEmpty()) {
            props.put(DataSourceFactory.JDBC_USER, database.user());
        }
        if (!database.password().isEmpty()) {
            props.put(DataSourceFactory.JDBC_PASSWORD, database.password());
        }
        try (Connection c = factory.createDataSource(props).getConnection()) {
            assertTrue("Ferry created no tables in " + database.url() + " (it was emptied before Karaf started)",
                    PostgresTestDatabase.tableCount(c) > 0);
        }
    }
}
