package io.ferry.inventory.internal;

/** The same audit trail contract on a real PostgreSQL (FERRY_TEST_PG_URL). */
class PostgresAuditTest extends AuditContractTest {
    @Override
    TestDatabases.Db newDatabase() throws Exception {
        return TestDatabases.postgres();
    }
}
