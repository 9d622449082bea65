package io.ferry.inventory.internal;

/** Host and VM updates on a real PostgreSQL (FERRY_TEST_PG_URL). */
class PostgresHostVmUpdateTest extends HostVmUpdateContractTest {
    @Override
    TestDatabases.Db newDatabase() throws Exception {
        return TestDatabases.postgres();
    }
}
