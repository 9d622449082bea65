package io.ferry.inventory.internal;

/** The same task lease contract on a real PostgreSQL (FERRY_TEST_PG_URL). */
class PostgresTaskLeasesTest extends TaskLeasesContractTest {
    @Override
    TestDatabases.Db newDatabase() throws Exception {
        return TestDatabases.postgres();
    }
}
