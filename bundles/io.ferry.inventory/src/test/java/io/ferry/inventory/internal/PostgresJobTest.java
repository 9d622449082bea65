package io.ferry.inventory.internal;

/** The same job contract on a real PostgreSQL (FERRY_TEST_PG_URL). */
class PostgresJobTest extends JobContractTest {
    @Override
    TestDatabases.Db newDatabase() throws Exception {
        return TestDatabases.postgres();
    }
}
