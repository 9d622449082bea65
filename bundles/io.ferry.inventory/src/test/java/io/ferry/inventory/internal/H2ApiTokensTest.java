package io.ferry.inventory.internal;

/** The API token contract on H2. */
class H2ApiTokensTest extends ApiTokensContractTest {
    @Override
    TestDatabases.Db newDatabase() throws Exception {
        return TestDatabases.h2();
    }
}
