package io.ferry.inventory.internal;

/** The inventory contract on embedded H2, the default database. */
class H2InventoryTest extends InventoryContractTest {
    @Override
    TestDatabases.Db newDatabase() {
        return TestDatabases.h2();
    }
}
