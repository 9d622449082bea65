package io.ferry.inventory.internal;

/** The same session store contract on a real PostgreSQL (FERRY_TEST_PG_URL). */
class PostgresSessionStoreTest extends SessionStoreContractTest {
    @Override
    TestDatabases.Db newDatabase() throws Exception {
        return TestDatabases.postgres();
    }
}
