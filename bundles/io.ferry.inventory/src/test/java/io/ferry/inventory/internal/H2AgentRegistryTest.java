package io.ferry.inventory.internal;

/** The agent registry contract on embedded H2, the default database. */
class H2AgentRegistryTest extends AgentRegistryContractTest {
    @Override
    TestDatabases.Db newDatabase() throws Exception {
        return TestDatabases.h2();
    }
}
