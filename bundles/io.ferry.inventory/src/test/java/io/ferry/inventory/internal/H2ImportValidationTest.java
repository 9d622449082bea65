package io.ferry.inventory.internal;

class H2ImportValidationTest extends ImportValidationContractTest {
    @Override
    TestDatabases.Db newDatabase() throws Exception {
        return TestDatabases.h2();
    }
}
