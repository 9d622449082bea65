package io.ferry.example.acme.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.inventory.DiskFormat;
import io.ferry.api.inventory.HostKind;
import io.ferry.api.inventory.HostSpec;
import io.ferry.api.inventory.HostStorage;
import io.ferry.api.inventory.InventorySnapshot;
import io.ferry.api.inventory.ManagedServer;
import io.ferry.api.inventory.OsInfo;
import io.ferry.api.inventory.Platform;
import io.ferry.api.inventory.PlatformHost;
import io.ferry.api.inventory.RoleType;
import io.ferry.api.inventory.ServerRole;
import io.ferry.api.inventory.ServerSpec;
import io.ferry.api.inventory.StorageKind;
import io.ferry.api.inventory.VirtualDisk;
import io.ferry.api.inventory.VirtualMachine;
import io.ferry.api.inventory.VmSpec;
import io.ferry.api.job.JobSpec;
import io.ferry.api.selection.CheckResult;
import io.ferry.api.selection.Severity;
import io.ferry.api.selection.RuleVerdict;
import io.ferry.api.spi.DiskContext;
import io.ferry.api.spi.VmContext;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The example's three contributions on a small vSphere: esx-01 with acme-ds01 (Acme) and ds1 (not Acme). */
class AcmeIntegrationTest {
    private static final HostStorage ACME = new HostStorage("acme-ds01", StorageKind.VMFS, false);
    private static final HostStorage PLAIN = new HostStorage("ds1", StorageKind.VMFS, false);
    private static final HostStorage ACME_NAMED_NFS = new HostStorage("acme-nfs", StorageKind.NFS, false);

    private final PlatformHost esx = new PlatformHost("h1", 1, new HostSpec("esx-01", HostKind.ESXI, "10.0.0.11",
            Optional.empty(), Optional.of("8.0u2"), Optional.empty(), Optional.empty(), List.of(ACME, PLAIN, ACME_NAMED_NFS)));
    private final ManagedServer zoned = proxy("px-01", true);
    private final ManagedServer unzoned = proxy("px-02", false);

    private static ManagedServer proxy(String name, boolean arrayAccess) {
        ServerSpec.Builder spec = ServerSpec.builder(name, "10.0.1." + (arrayAccess ? 21 : 22));
        if (arrayAccess) {
            spec.fact(AcmeArrays.ARRAY_ACCESS_FACT, "true");
        }
        return new ManagedServer("id-" + name, 1, spec.build(), List.of(ServerRole.of(RoleType.VMWARE_PROXY),
                ServerRole.of(RoleType.GUEST_INTERACTION)));
    }

    private DiskContext diskOn(HostStorage storage) {
        VirtualDisk disk = new VirtualDisk("scsi0:0", 1L << 30, DiskFormat.VMDK, "/vmfs/volumes/" + storage.name()
                + "/app-01.vmdk", Optional.of(storage.name()));
        VirtualMachine vm = new VirtualMachine("vm1", 1, new VmSpec("app-01", "esx-01", OsInfo.linux("ubuntu", "22.04"),
                List.of(), List.of(disk), Optional.empty(), false));
        InventorySnapshot inventory = new InventorySnapshot(List.of(zoned, unzoned), List.of(esx), List.of(vm));
        VmContext context = new VmContext(JobSpec.of("app-01", Platform.VMWARE, List.of("app-01"), "bkp-01"), vm, esx,
                Optional.empty(), inventory);
        return new DiskContext(context, disk, Optional.of(storage));
    }

    @Test
    void snapshotsAreOfferedForVmfsDatastoresNamedAcmeOnVmwareHostsOnly() {
        AcmeStorageSnapshotProvider provider = new AcmeStorageSnapshotProvider();
        assertEquals("Acme FlashArray", provider.name());
        assertTrue(provider.supports(ACME, esx));
        assertTrue(provider.supports(new HostStorage("ACME-DS02", StorageKind.VMFS, false), esx));
        assertFalse(provider.supports(PLAIN, esx));
        assertFalse(provider.supports(ACME_NAMED_NFS, esx));
    }

    @Test
    void proxyWithoutArrayAccessFailsForAcmeDisksWithTheCommandThatFixesIt() {
        RuleVerdict verdict = new AcmeArrayAccessRule().evaluate(unzoned, diskOn(ACME));
        assertFalse(verdict.passed());
        assertEquals("acme-proxy-has-array-access", verdict.rule());
        assertEquals("px-02 cannot reach the Acme FlashArray behind datastore acme-ds01; zone it to the array, then"
                + " declare it: ferry:server-update --fact acme.array-access=true px-02", verdict.reason());
    }

    @Test
    void proxyWithArrayAccessPassesForAcmeDisks() {
        RuleVerdict verdict = new AcmeArrayAccessRule().evaluate(zoned, diskOn(ACME));
        assertTrue(verdict.passed(), verdict.reason());
    }

    @Test
    void disksElsewhereAreNotTheRulesConcern() {
        RuleVerdict verdict = new AcmeArrayAccessRule().evaluate(unzoned, diskOn(PLAIN));
        assertTrue(verdict.passed());
        assertEquals("datastore ds1 is not on an Acme FlashArray", verdict.reason());
        assertEquals(Optional.of(Platform.VMWARE), new AcmeArrayAccessRule().platform());
    }

    @Test
    void readinessCheckWarnsAboutProxiesThatCannotReachTheArrays() {
        InventorySnapshot inventory = diskOn(ACME).vm().inventory();
        AcmeHostIntegrationCheck check = new AcmeHostIntegrationCheck();
        assertEquals(RoleType.VMWARE_PROXY, check.role());
        CheckResult bad = check.check(unzoned, inventory).get(0);
        assertFalse(bad.ok());
        assertEquals(Severity.WARNING, bad.severity(), "the proxy still serves every other datastore");
        assertTrue(bad.detail().contains("acme-ds01") && !bad.detail().contains("acme-nfs"), bad.detail());
        assertTrue(bad.fix().endsWith("ferry:server-update --fact acme.array-access=true px-02"), bad.fix());
        assertTrue(check.check(zoned, inventory).get(0).ok());
    }

    @Test
    void readinessCheckIsContentWithoutAcmeDatastores() {
        InventorySnapshot none = new InventorySnapshot(List.of(unzoned), List.of(), List.of());
        CheckResult result = new AcmeHostIntegrationCheck().check(unzoned, none).get(0);
        assertTrue(result.ok(), result.detail());
    }
}
