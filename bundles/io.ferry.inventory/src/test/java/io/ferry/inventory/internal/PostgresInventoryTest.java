package io.ferry.inventory.internal;

/** The same inventory contract on a real PostgreSQL (FERRY_TEST_PG_URL). */
class PostgresInventoryTest extends InventoryContractTest {
    @Override
    TestDatabases.Db newDatabase() throws Exception {
        return TestDatabases.postgres();
    }
}
