package io.ferry.inventory.internal;

/** The audit trail contract on embedded H2, the default database. */
class H2AuditTest extends AuditContractTest {
    @Override
    TestDatabases.Db newDatabase() {
        return TestDatabases.h2();
    }
}
