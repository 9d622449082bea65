package io.ferry.inventory.internal;

/** The session store contract on embedded H2, the default database. */
class H2SessionStoreTest extends SessionStoreContractTest {
    @Override
    TestDatabases.Db newDatabase() {
        return TestDatabases.h2();
    }
}
