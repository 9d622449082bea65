package io.ferry.inventory.internal;

/** Host and VM updates on embedded H2. */
class H2HostVmUpdateTest extends HostVmUpdateContractTest {
    @Override
    TestDatabases.Db newDatabase() throws Exception {
        return TestDatabases.h2();
    }
}
