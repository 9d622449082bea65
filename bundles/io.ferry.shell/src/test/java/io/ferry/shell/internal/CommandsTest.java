package io.ferry.shell.internal;

import static io.ferry.shell.internal.CommandHarness.run;
import static io.ferry.shell.internal.CommandHarness.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.ConflictException;
import io.ferry.api.FerryException;
import io.ferry.api.NotFoundException;
import io.ferry.api.ValidationException;
import io.ferry.api.inventory.Cidr;
import io.ferry.api.inventory.DiskFormat;
import io.ferry.api.inventory.GuestCredentials;
import io.ferry.api.inventory.HostKind;
import io.ferry.api.inventory.HostSpec;
import io.ferry.api.inventory.HostStorage;
import io.ferry.api.inventory.ManagedServer;
import io.ferry.api.inventory.MachineKind;
import io.ferry.api.inventory.OsInfo;
import io.ferry.api.inventory.PlatformHost;
import io.ferry.api.inventory.ServerRole;
import io.ferry.api.inventory.ServerSpec;
import io.ferry.api.inventory.StorageKind;
import io.ferry.api.inventory.TransportMode;
import io.ferry.api.inventory.VirtualDisk;
import io.ferry.api.inventory.VirtualMachine;
import io.ferry.api.inventory.VmSpec;
import io.ferry.api.inventory.VmwareProxySettings;
import io.ferry.api.paths.ConfinedPaths;
import io.ferry.api.paths.PathArea;
import io.ferry.api.paths.PathNotAllowedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandsTest {

    private final FakeInventory inventory = new FakeInventory();

    private ManagedServer px01() {
        return inventory.put(ServerSpec.builder("px-01", "10.0.1.21").os(OsInfo.windows("server", "2022"))
                .machineKind(MachineKind.PHYSICAL).networks(List.of(Cidr.of("10.0.1.0/24"))).site("hq").build(),
                ServerRole.vmwareProxy(VmwareProxySettings.AUTOMATIC));
    }

    @Nested
    class Servers {

        @Test
        void addPassesTheOptionsAndReportsIdAndRoles() throws Exception {
            String out = run(with(new ServerAddCommand(), "inventory", inventory, "name", "lnx-01", "address", "10.0.1.30",
                    "os", "linux:rocky:9.3", "kind", "physical", "networks", List.of("10.0.1.0/24"),
                    "packages", List.of("libmsi1"), "maxTasks", 8, "disabled", true));
            ManagedServer added = inventory.server("lnx-01").orElseThrow();
            assertEquals(OsInfo.linux("rocky", "9.3"), added.spec().os());
            assertEquals(MachineKind.PHYSICAL, added.spec().machineKind());
            assertEquals(8, added.spec().maxConcurrentTasks());
            assertEquals(false, added.spec().enabled());
            assertEquals("Added server 'lnx-01' (id " + added.id() + ", roles: guest-interaction)\n", out);
        }

        @Test
        void listShowsATableFilteredByRole() throws Exception {
            px01();
            inventory.put(ServerSpec.builder("repo-01", "10.0.1.40").build());
            String out = run(with(new ServerListCommand(), "inventory", inventory, "role", "VMware_Proxy"));
            assertTrue(out.contains("Name"), out);
            assertTrue(out.contains("px-01"), out);
            assertTrue(out.contains("windows:server:2022"), out);
            assertTrue(out.contains("guest-interaction, vmware-proxy") || out.contains("vmware-proxy, guest-interaction"), out);
            assertTrue(!out.contains("repo-01"), out);
        }

        @Test
        void listJsonGoesThroughTheTransferServiceAndLeavesTheConsoleOpen() throws Exception {
            px01();
            inventory.put(ServerSpec.builder("repo-01", "10.0.1.40").build());
            assertEquals("[\"px-01\"]\n", run(with(new ServerListCommand(), "inventory", inventory, "transfer", inventory,
                    "role", "vmware-proxy", "json", true)));
            assertEquals("[\"px-01\",\"repo-01\"]\n", run(with(new ServerListCommand(), "inventory", inventory,
                    "transfer", inventory, "json", true)));
        }

        @Test
        void jsonWithoutTheTransferServiceSaysWhatIsMissing() {
            FerryException e = assertThrows(FerryException.class,
                    () -> run(with(new ServerListCommand(), "inventory", inventory, "json", true)));
            assertTrue(e.getMessage().startsWith("--json needs the inventory transfer service"), e.getMessage());
        }

        @Test
        void showPrintsRolesWithTheirSettings() throws Exception {
            ManagedServer px = px01();
            String out = run(with(new ServerShowCommand(), "inventory", inventory, "name", "PX-01"));
            assertTrue(out.contains(px.id()), out);
            assertTrue(out.contains("vmware-proxy (transport mode: auto, network encryption: no, allowed modes:"), out);
            assertTrue(out.contains("10.0.1.0/24"), out);
        }

        @Test
        void showOfAnUnknownServerNamesTheListCommand() {
            assertEquals("No server named 'px-9' (see ferry:server-list)", assertThrows(NotFoundException.class,
                    () -> run(with(new ServerShowCommand(), "inventory", inventory, "name", "px-9"))).getMessage());
        }

        @Test
        void updateAppliesChangesWithTheVersionItRead() throws Exception {
            ManagedServer px = px01();
            String out = run(with(new ServerUpdateCommand(), "inventory", inventory, "name", "px-01", "maxTasks", 8,
                    "addNetworks", List.of("10.0.2.0/24"), "disable", true));
            assertEquals(List.of("updateServer " + px.id() + " v1"), inventory.calls);
            ServerSpec spec = inventory.server("px-01").orElseThrow().spec();
            assertEquals(8, spec.maxConcurrentTasks());
            assertEquals(List.of(Cidr.of("10.0.1.0/24"), Cidr.of("10.0.2.0/24")), spec.networks());
            assertEquals(false, spec.enabled());
            assertEquals(Optional.of("hq"), spec.site());
            assertEquals("Updated server 'px-01' (version 2)\n", out);
        }

        @Test
        void updateWithAStaleExpectedVersionTellsTheUserToReRead() {
            px01();
            ConflictException e = assertThrows(ConflictException.class, () -> run(with(new ServerUpdateCommand(),
                    "inventory", inventory, "name", "px-01", "maxTasks", 8, "expectedVersion", 0L)));
            assertEquals("Server 'px-01' is at version 1, not 0: it was changed since it was read. Nothing was written;"
                    + " re-read it with ferry:server-show px-01 and repeat the update.", e.getMessage());
        }

        @Test
        void updateWithoutOptionsOrWithoutChangeWritesNothing() throws Exception {
            px01();
            assertTrue(assertThrows(ValidationException.class, () -> run(with(new ServerUpdateCommand(), "inventory",
                    inventory, "name", "px-01"))).getMessage().startsWith("Nothing to change for server 'px-01'"));
            String out = run(with(new ServerUpdateCommand(), "inventory", inventory, "name", "px-01", "site", "hq"));
            assertEquals("Server 'px-01' already has these settings (version 1); nothing changed\n", out);
            assertEquals(List.of(), inventory.calls);
        }

        @Test
        void updateRefusesEnableWithDisable() {
            px01();
            assertThrows(ValidationException.class, () -> run(with(new ServerUpdateCommand(), "inventory", inventory,
                    "name", "px-01", "enable", true, "disable", true)));
        }

        @Test
        void removeUsesTheIdOfTheNamedServer() throws Exception {
            ManagedServer px = px01();
            assertEquals("Removed server 'px-01'\n", run(with(new ServerRemoveCommand(), "inventory", inventory, "name", "PX-01")));
            assertEquals(List.of("removeServer " + px.id()), inventory.calls);
        }
    }

    @Nested
    class Roles {

        @Test
        void assignBuildsTheRoleFromTheOptions() throws Exception {
            px01();
            String out = run(with(new RoleAssignCommand(), "inventory", inventory, "server", "px-01", "role", "VMWARE_PROXY",
                    "transportMode", "direct-storage-access", "noFailover", true));
            assertEquals(new VmwareProxySettings(Optional.of(TransportMode.DIRECT_STORAGE_ACCESS), false, false),
                    inventory.server("px-01").orElseThrow().role(io.ferry.api.inventory.RoleType.VMWARE_PROXY)
                            .orElseThrow().vmware().orElseThrow());
            assertTrue(out.startsWith("Server 'px-01' holds vmware-proxy (transport mode: direct-storage-access,"
                    + " failover to network: no"), out);
        }

        @Test
        void assignRefusesOptionsOfAnotherRoleBeforeCallingTheService() {
            px01();
            assertThrows(ValidationException.class, () -> run(with(new RoleAssignCommand(), "inventory", inventory,
                    "server", "px-01", "role", "repository", "evaluation", true)));
            assertEquals(List.of(), inventory.calls);
        }

        @Test
        void removeReportsTheRemainingRoles() throws Exception {
            px01();
            assertEquals("Server 'px-01' no longer holds vmware-proxy; it holds: guest-interaction\n",
                    run(with(new RoleRemoveCommand(), "inventory", inventory, "server", "px-01", "role", "vmware-proxy")));
        }
    }

    @Nested
    class HostsAndVms {

        @Test
        void hostAddParsesKindAndStorage() throws Exception {
            String out = run(with(new HostAddCommand(), "inventory", inventory, "name", "hv-clu", "kind", "hyperv_cluster",
                    "address", "hv-clu.corp.example", "domain", "CORP.example",
                    "storage", List.of("Volume1:csv:dedup", "vmshare:smb3")));
            HostSpec spec = inventory.host("hv-clu").orElseThrow().spec();
            assertEquals(HostKind.HYPERV_CLUSTER, spec.kind());
            assertEquals(List.of(new HostStorage("Volume1", StorageKind.CSV, true),
                    new HostStorage("vmshare", StorageKind.SMB3, false)), spec.storage());
            assertTrue(out.startsWith("Added host 'hv-clu' (hyperv-cluster, id "), out);
        }

        @Test
        void hostAddErrorsNameTheOption() {
            ValidationException e = assertThrows(ValidationException.class, () -> run(with(new HostAddCommand(),
                    "inventory", inventory, "name", "esx-01", "kind", "esxi", "address", "10.0.0.11",
                    "storage", List.of("Volume1:csv"))));
            assertEquals("--storage: CSV storage does not exist on VMWARE hosts", e.getMessage());
        }

        @Test
        void hostListShowsStorage() throws Exception {
            inventory.addHost(new HostSpec("esx-01", HostKind.ESXI, "10.0.0.11", Optional.empty(), Optional.of("8.0u2"),
                    Optional.empty(), Optional.empty(), List.of(new HostStorage("ds1", StorageKind.VMFS, false))));
            String out = run(with(new HostListCommand(), "inventory", inventory));
            assertTrue(out.contains("esx-01") && out.contains("ds1 (vmfs)") && out.contains("8.0u2"), out);
        }

        @Test
        void vmAddParsesDisksAndCredentials() throws Exception {
            String out = run(with(new VmAddCommand(), "inventory", inventory, "name", "sql-01", "host", "hv-01",
                    "os", "windows:server:2022", "networks", List.of("10.0.1.0/24"), "credentials", "CORP\\svc-sql$",
                    "gmsa", true, "disks", List.of("label=os,size=127G,format=vhdx,location=C:\\VMs\\os.vhdx",
                            "data:1T:vhdx:C:\\VMs\\data.vhdx")));
            VmSpec spec = inventory.vm("sql-01").orElseThrow().spec();
            assertEquals(List.of("os", "data"), spec.disks().stream().map(d -> d.label()).toList());
            assertEquals(DiskFormat.VHDX, spec.disks().get(1).format());
            assertEquals(true, spec.credentials().orElseThrow().gmsa());
            assertEquals("Added VM 'sql-01' on host 'hv-01' with 2 disks (1.1 TiB)\n", out);
        }

        @Test
        void vmAddGmsaNeedsCredentials() {
            assertEquals("--gmsa: marks the --credentials account as a gMSA; give --credentials too",
                    assertThrows(ValidationException.class, () -> run(with(new VmAddCommand(), "inventory", inventory,
                            "name", "sql-01", "host", "hv-01", "os", "windows", "gmsa", true))).getMessage());
        }

        @Test
        void vmAddRecordErrorsNameTheOption() {
            assertTrue(assertThrows(ValidationException.class, () -> run(with(new VmAddCommand(), "inventory", inventory,
                    "name", "sql-01", "host", "hv-01", "os", "windows", "credentials", "svc", "gmsa", true)))
                    .getMessage().startsWith("--credentials: 'svc' is marked as a gMSA"));
        }

        @Test
        void vmListQueriesByCanonicalHostNameWithLimit() throws Exception {
            inventory.addHost(new HostSpec("esx-01", HostKind.ESXI, "10.0.0.11", Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty(), List.of()));
            inventory.addVm(new VmSpec("web-01", "esx-01", OsInfo.linux("", ""), List.of(), List.of(), Optional.empty(),
                    false));
            String out = run(with(new VmListCommand(), "inventory", inventory, "host", "ESX-01", "limit", 1));
            assertEquals(Optional.of("esx-01"), inventory.lastQuery.host());
            assertEquals(1, inventory.lastQuery.limit());
            assertTrue(out.contains("web-01"), out);
            assertTrue(out.contains("Showing the first 1 VMs; raise --limit to see more"), out);
        }

        @Test
        void vmListOnAnUnknownHostSaysSo() {
            assertEquals("No host named 'esx-9' (see ferry:host-list)", assertThrows(NotFoundException.class,
                    () -> run(with(new VmListCommand(), "inventory", inventory, "host", "esx-9"))).getMessage());
        }

        @Test
        void vmListJson() throws Exception {
            inventory.addVm(new VmSpec("web-01", "esx-01", OsInfo.linux("", ""), List.of(), List.of(), Optional.empty(),
                    false));
            assertEquals("[\"web-01\"]\n", run(with(new VmListCommand(), "inventory", inventory, "transfer", inventory,
                    "json", true)));
        }

        private PlatformHost esx01() {
            return inventory.addHost(new HostSpec("esx-01", HostKind.ESXI, "10.0.0.11", Optional.empty(),
                    Optional.of("8.0u2"), Optional.empty(), Optional.empty(),
                    List.of(new HostStorage("ds1", StorageKind.VMFS, false), new HostStorage("ds2", StorageKind.VMFS,
                            false))));
        }

        private VirtualMachine web01() {
            return inventory.addVm(new VmSpec("web-01", "esx-01", OsInfo.linux("debian", "12"),
                    List.of(Cidr.of("10.0.1.0/24")), List.of(new VirtualDisk("d0", 8L << 30, DiskFormat.VMDK,
                            "/vmfs/volumes/ds1/web-01/d0.vmdk", Optional.of("ds1"))), Optional.empty(), false));
        }

        @Test
        void hostUpdateChangesStorageAndClearsTheVersionWithTheVersionItRead() throws Exception {
            PlatformHost esx = esx01();
            String out = run(with(new HostUpdateCommand(), "inventory", inventory, "name", "ESX-01", "address",
                    "10.0.0.12", "version", "", "addStorage", List.of("nfs1:nfs"), "removeStorage", List.of("DS2")));
            assertEquals(List.of("addHost esx-01", "updateHost " + esx.id() + " v1"), inventory.calls);
            HostSpec spec = inventory.host("esx-01").orElseThrow().spec();
            assertEquals("10.0.0.12", spec.address());
            assertEquals(Optional.empty(), spec.version());
            assertEquals(List.of(new HostStorage("ds1", StorageKind.VMFS, false), new HostStorage("nfs1",
                    StorageKind.NFS, false)), spec.storage());
            assertEquals("Updated host 'esx-01' (version 2)\n", out);
        }

        @Test
        void hostUpdateErrorsNameTheOptionAndWhatTheHostHas() {
            esx01();
            assertEquals("--remove-storage: host 'esx-01' has no storage 'ds9' (it has: ds1, ds2)",
                    assertThrows(ValidationException.class, () -> run(with(new HostUpdateCommand(), "inventory",
                            inventory, "name", "esx-01", "removeStorage", List.of("ds9")))).getMessage());
            assertEquals("--storage: replaces all storages; do not combine it with --add-storage or --remove-storage",
                    assertThrows(ValidationException.class, () -> run(with(new HostUpdateCommand(), "inventory",
                            inventory, "name", "esx-01", "storage", List.of("ds3:vmfs"), "addStorage",
                            List.of("ds4:vmfs")))).getMessage());
            assertTrue(assertThrows(ValidationException.class, () -> run(with(new HostUpdateCommand(), "inventory",
                    inventory, "name", "esx-01", "rename", "no such name!"))).getMessage().startsWith("--rename: "));
            assertTrue(assertThrows(ValidationException.class, () -> run(with(new HostUpdateCommand(), "inventory",
                    inventory, "name", "esx-01"))).getMessage().startsWith("Nothing to change for host 'esx-01'"));
            assertEquals("No host named 'esx-9' (see ferry:host-list)", assertThrows(NotFoundException.class,
                    () -> run(with(new HostUpdateCommand(), "inventory", inventory, "name", "esx-9", "address",
                            "10.0.0.9"))).getMessage());
            assertEquals(List.of("addHost esx-01"), inventory.calls);
        }

        @Test
        void hostUpdateWithAStaleVersionTellsTheUserToReRead() {
            esx01();
            assertEquals("Host 'esx-01' is at version 1, not 4: it was changed since it was read. Nothing was written;"
                    + " re-read it with ferry:host-list and repeat the update.", assertThrows(ConflictException.class,
                            () -> run(with(new HostUpdateCommand(), "inventory", inventory, "name", "esx-01",
                                    "address", "10.0.0.12", "expectedVersion", 4L))).getMessage());
        }

        @Test
        void vmUpdateReplacesADiskMovesTheVmAndChangesNetworks() throws Exception {
            esx01();
            VirtualMachine vm = web01();
            String out = run(with(new VmUpdateCommand(), "inventory", inventory, "name", "web-01", "host", "esx-02",
                    "removeDisks", List.of("D0"), "addDisks", List.of("label=d0,size=16G,format=vmdk,"
                            + "location=/vmfs/volumes/ds2/web-01/d0.vmdk,storage=ds2", "d1:1G:raw:/vmfs/d1.raw"),
                    "addNetworks", List.of("10.0.2.0/24"), "removeNetworks", List.of("10.0.1.0/24")));
            assertTrue(inventory.calls.contains("updateVm " + vm.id() + " v1"), inventory.calls.toString());
            VmSpec spec = inventory.vm("web-01").orElseThrow().spec();
            assertEquals("esx-02", spec.host());
            assertEquals(List.of(Cidr.of("10.0.2.0/24")), spec.networks());
            assertEquals(List.of("d0", "d1"), spec.disks().stream().map(VirtualDisk::label).toList());
            assertEquals(16L << 30, spec.disks().get(0).capacityBytes());
            assertEquals(Optional.of("ds2"), spec.disks().get(0).storage());
            assertEquals("Updated VM 'web-01' (version 2)\n", out);
        }

        @Test
        void vmUpdateRefusesAnAddedDiskWhoseLabelIsTakenAndNamesTheWayOut() {
            esx01();
            web01();
            assertEquals("--add-disk: VM 'web-01' already has disk 'd0'; to replace it, give --remove-disk d0 too",
                    assertThrows(ValidationException.class, () -> run(with(new VmUpdateCommand(), "inventory",
                            inventory, "name", "web-01", "addDisks", List.of("d0:1G:raw:/vmfs/other.raw"))))
                            .getMessage());
        }

        @Test
        void vmUpdateSetsAndClearsTheGuestAccount() throws Exception {
            esx01();
            web01();
            run(with(new VmUpdateCommand(), "inventory", inventory, "name", "web-01", "credentials", "root"));
            assertEquals(Optional.of(new GuestCredentials("root", false)),
                    inventory.vm("web-01").orElseThrow().spec().credentials());
            assertTrue(assertThrows(ValidationException.class, () -> run(with(new VmUpdateCommand(), "inventory",
                    inventory, "name", "web-01", "gmsa", true))).getMessage()
                    .startsWith("--credentials: 'root' is marked as a gMSA"));
            run(with(new VmUpdateCommand(), "inventory", inventory, "name", "web-01", "credentials", ""));
            assertEquals(Optional.empty(), inventory.vm("web-01").orElseThrow().spec().credentials());
            assertEquals("--no-gmsa: VM 'web-01' has no guest account; give it with --credentials",
                    assertThrows(ValidationException.class, () -> run(with(new VmUpdateCommand(), "inventory",
                            inventory, "name", "web-01", "noGmsa", true))).getMessage());
        }

        @Test
        void vmUpdateWithoutAChangeWritesNothing() throws Exception {
            esx01();
            web01();
            assertEquals("VM 'web-01' already has these settings (version 1); nothing changed\n",
                    run(with(new VmUpdateCommand(), "inventory", inventory, "name", "web-01", "os", "linux:debian:12")));
            assertTrue(inventory.calls.stream().noneMatch(c -> c.startsWith("updateVm")), inventory.calls.toString());
        }

        @Test
        void vmRemove() throws Exception {
            VirtualMachine vm = inventory.addVm(new VmSpec("web-01", "esx-01", OsInfo.linux("", ""), List.of(), List.of(),
                    Optional.empty(), false));
            assertEquals("Removed VM 'web-01'\n", run(with(new VmRemoveCommand(), "inventory", inventory, "name", "web-01")));
            assertTrue(inventory.calls.contains("removeVm " + vm.id()));
        }
    }

    @Nested
    class ExportAndImport {

        @TempDir
        Path dir;

        /** transfer.roots = the test directory; etc/ = a sibling directory. */
        private ConfinedPaths paths() {
            return new ConfinedPaths(Map.of(PathArea.TRANSFER_FILES, List.of(dir)), List.of(dir.resolve("etc")),
                    List.of(), "etc/io.ferry.paths.cfg");
        }

        @Test
        void exportToRootAndImportFromEtcAreRefusedNamingTheSetting() throws Exception {
            PathNotAllowedException export = assertThrows(PathNotAllowedException.class,
                    () -> run(with(new InventoryExportCommand(), "transfer", inventory, "session",
                            CommandHarness.sessionIn(dir), "paths", paths(), "file", "/root/inventory.json")));
            assertEquals("transfer.roots", export.setting());
            assertFalse(Files.exists(Path.of("/root/inventory.json")));
            Files.createDirectories(dir.resolve("etc"));
            Files.writeString(dir.resolve("etc/users.properties"), "karaf = karaf\n");
            PathNotAllowedException fromEtc = assertThrows(PathNotAllowedException.class,
                    () -> run(with(new InventoryImportCommand(), "transfer", inventory, "session",
                            CommandHarness.sessionIn(dir), "paths", paths(), "file", "etc/users.properties")));
            assertEquals("etc", fromEtc.setting());
            assertEquals(null, inventory.lastImport);
        }

        @Test
        void exportToARelativeFileWritesInTheShellDirectory() throws Exception {
            px01();
            String out = run(with(new InventoryExportCommand(), "transfer", inventory,
                    "session", CommandHarness.sessionIn(dir), "paths", paths(), "file", "inv.json"));
            assertEquals("{\"servers\":1}", Files.readString(dir.resolve("inv.json")));
            assertEquals("Exported the inventory to " + dir.resolve("inv.json") + " (13 bytes)\n", out);
        }

        @Test
        void exportWithoutFileWritesToTheConsole() throws Exception {
            assertEquals("{\"servers\":0}\n", run(with(new InventoryExportCommand(), "transfer", inventory,
                    "session", CommandHarness.sessionIn(dir), "paths", paths())));
        }

        @Test
        void importPrintsCountsAndWhetherItWasApplied() throws Exception {
            Files.writeString(dir.resolve("inv.json"), "{}");
            assertEquals("Checked " + dir.resolve("inv.json") + ": 2 servers, 1 hosts, 3 VMs, 4 disks, 5 jobs. The file"
                    + " is valid; nothing was changed (dry run).\n", run(with(new InventoryImportCommand(), "transfer", inventory,
                    "session", CommandHarness.sessionIn(dir), "paths", paths(), "file", "inv.json", "dryRun", true)));
            assertEquals("Imported " + dir.resolve("inv.json") + ": 2 servers, 1 hosts, 3 VMs, 4 disks, 5 jobs. The"
                    + " inventory was replaced.\n", run(with(new InventoryImportCommand(), "transfer", inventory,
                    "session", CommandHarness.sessionIn(dir), "paths", paths(), "file", "inv.json")));
            assertEquals(dir.resolve("inv.json"), inventory.lastImport);
        }

        @Test
        void importJsonPrintsTheCountsWithTheJobs() throws Exception {
            Files.writeString(dir.resolve("inv.json"), "{}");
            String out = run(with(new InventoryImportCommand(), "transfer", inventory, "session",
                    CommandHarness.sessionIn(dir), "paths", paths(), "file", "inv.json", "dryRun", true, "json", true));
            assertEquals("{\n  \"file\" : " + "\"" + dir.resolve("inv.json") + "\"" + ",\n"
                    + "  \"applied\" : false,\n  \"servers\" : 2,\n  \"hosts\" : 1,\n  \"vms\" : 3,\n  \"disks\" : 4,\n"
                    + "  \"jobs\" : 5\n}\n", out);
        }

        @Test
        void importOfAMissingFileNamesIt() {
            ValidationException e = assertThrows(ValidationException.class, () -> run(with(new InventoryImportCommand(),
                    "transfer", inventory, "session", CommandHarness.sessionIn(dir), "paths", paths(), "file", "none.json")));
            assertEquals("FILE: '" + dir.resolve("none.json") + "' does not exist", e.getMessage());
        }
    }
}
