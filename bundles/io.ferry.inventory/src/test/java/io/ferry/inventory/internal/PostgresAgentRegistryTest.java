package io.ferry.inventory.internal;

/** The same agent registry contract on a real PostgreSQL (FERRY_TEST_PG_URL). */
class PostgresAgentRegistryTest extends AgentRegistryContractTest {
    @Override
    TestDatabases.Db newDatabase() throws Exception {
        return TestDatabases.postgres();
    }
}
