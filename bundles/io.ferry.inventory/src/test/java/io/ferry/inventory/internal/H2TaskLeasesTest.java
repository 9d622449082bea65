package io.ferry.inventory.internal;

/** The task lease contract on embedded H2, the default database. */
class H2TaskLeasesTest extends TaskLeasesContractTest {
    @Override
    TestDatabases.Db newDatabase() throws Exception {
        return TestDatabases.h2();
    }
}
