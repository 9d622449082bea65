package io.ferry.inventory.internal;

class PostgresImportValidationTest extends ImportValidationContractTest {
    @Override
    TestDatabases.Db newDatabase() throws Exception {
        return TestDatabases.postgres();
    }
}
