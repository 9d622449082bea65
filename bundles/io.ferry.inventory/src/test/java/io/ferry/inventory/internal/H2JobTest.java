package io.ferry.inventory.internal;

/** The job contract on embedded H2, the default database. */
class H2JobTest extends JobContractTest {
    @Override
    TestDatabases.Db newDatabase() {
        return TestDatabases.h2();
    }
}
