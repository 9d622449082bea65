package io.ferry.inventory.internal;

/** The API token contract on Postgres. */
class PostgresApiTokensTest extends ApiTokensContractTest {
    @Override
    TestDatabases.Db newDatabase() throws Exception {
        return TestDatabases.postgres();
    }
}
