package io.ferry.api.inventory;

import static io.ferry.api.inventory.Refusals.TURKISH;
import static io.ferry.api.inventory.Refusals.assertMentions;
import static io.ferry.api.inventory.Refusals.refused;
import static io.ferry.api.inventory.Refusals.withDefaultLocale;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.ValidationException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HostSpecTest {

    private static HostSpec host(String name, HostKind kind, String parent, HostStorage... storage) {
        return new HostSpec(name, kind, name + ".corp.example", Optional.ofNullable(parent), Optional.empty(),
                Optional.empty(), Optional.empty(), List.of(storage));
    }

    private static HostSpec hyperVHost(String domain) {
        return new HostSpec("hv-01", HostKind.HYPERV_HOST, "10.0.2.11", Optional.of("hv-cl1"), Optional.of("2022"),
                Optional.ofNullable(domain), Optional.of("hv-01"), List.of());
    }

    @Test
    void esxiHostManagedByAVcenter() {
        HostSpec esx = host("esx-01", HostKind.ESXI, "vc-01", new HostStorage("ds-ssd-01", StorageKind.VMFS, false));

        assertEquals(Optional.of("vc-01"), esx.parent());
        assertEquals(Optional.of(new HostStorage("ds-ssd-01", StorageKind.VMFS, false)), esx.storage("DS-SSD-01"));
        assertEquals(Optional.empty(), esx.storage("ds-nfs-01"));
    }

    @Test
    void hyperVHostIsANodeOfACluster() {
        HostSpec hv = hyperVHost("corp.example");

        assertEquals(Optional.of("hv-cl1"), hv.parent());
        assertEquals(Optional.of("hv-01"), hv.managedServer());
        assertEquals(Optional.of("2022"), hv.version());
    }

    @ParameterizedTest(name = "{0} hosts have no parent")
    @CsvSource({"VCENTER", "HYPERV_CLUSTER", "PROXMOX_NODE"})
    void topLevelHostWithAParentIsRefused(HostKind kind) {
        ValidationException e = refused("parent", () -> host("top-01", kind, "other-01"));

        assertEquals("parent: " + kind + " hosts have no parent", e.getMessage());
    }

    @Test
    void hostCannotBeItsOwnParent() {
        ValidationException e = refused("parent", () -> host("esx-01", HostKind.ESXI, "ESX-01"));

        assertEquals("parent: a host cannot be its own parent", e.getMessage());
    }

    @Test
    void standaloneEsxiHostNeedsNoParent() {
        assertEquals(Optional.empty(), host("esx-01", HostKind.ESXI, null).parent());
        assertEquals(Optional.empty(), host("esx-01", HostKind.ESXI, " ").parent());
    }

    @Test
    void parentMustBeAValidName() {
        assertMentions(refused("parent", () -> host("esx-01", HostKind.ESXI, "vc 01")), "'vc 01' is not a valid name");
    }

    @ParameterizedTest(name = "{1} storage exists on {0}")
    @CsvSource({
            "ESXI, VMFS", "ESXI, NFS", "ESXI, VSAN", "ESXI, LOCAL", "VCENTER, VSAN",
            "HYPERV_HOST, CSV", "HYPERV_HOST, SMB3", "HYPERV_HOST, LOCAL", "HYPERV_CLUSTER, CSV",
            "PROXMOX_NODE, NFS", "PROXMOX_NODE, LOCAL", "PROXMOX_NODE, PVE_POOL"})
    void storageOfItsOwnPlatformIsAccepted(HostKind kind, StorageKind storageKind) {
        HostSpec spec = host("h-01", kind, null, new HostStorage("st-01", storageKind, false));

        assertEquals(storageKind, spec.storage("st-01").orElseThrow().kind());
    }

    @ParameterizedTest(name = "{1} storage does not exist on {0}")
    @CsvSource({
            "ESXI, CSV, VMWARE", "ESXI, SMB3, VMWARE", "ESXI, PVE_POOL, VMWARE",
            "HYPERV_HOST, VMFS, HYPERV", "HYPERV_HOST, NFS, HYPERV", "HYPERV_CLUSTER, VSAN, HYPERV",
            "PROXMOX_NODE, VMFS, PROXMOX", "PROXMOX_NODE, CSV, PROXMOX"})
    void storageOfAnotherPlatformIsRefusedWithItsIndex(HostKind kind, StorageKind storageKind, Platform platform) {
        ValidationException e = refused("storage[1].kind", () -> host("h-01", kind, null,
                new HostStorage("local-01", StorageKind.LOCAL, false), new HostStorage("st-01", storageKind, false)));

        assertEquals("storage[1].kind: " + storageKind + " storage does not exist on " + platform + " hosts",
                e.getMessage());
    }

    @Test
    void storageNameListedTwiceIgnoringCaseIsRefused() {
        ValidationException e = refused("storage[1].name", () -> host("hv-01", HostKind.HYPERV_HOST, null,
                new HostStorage("Volume1", StorageKind.CSV, true), new HostStorage("VOLUME1", StorageKind.CSV, false)));

        assertEquals("storage[1].name: 'VOLUME1' is listed twice", e.getMessage());
    }

    @Test
    void storageNamesAreComparedTheSameWayInEveryLocale() {
        withDefaultLocale(TURKISH, () -> refused("storage[1].name", () -> host("hv-01", HostKind.HYPERV_HOST, null,
                new HostStorage("VOLUME-I", StorageKind.CSV, false), new HostStorage("volume-i", StorageKind.CSV, false))));
    }

    @Test
    void storageKeepsTheDeduplicationFlag() {
        HostSpec hv = host("hv-01", HostKind.HYPERV_HOST, null, new HostStorage("Volume1", StorageKind.CSV, true));

        assertTrue(hv.storage("volume1").orElseThrow().deduplicated());
    }

    @Test
    void storageNameMustBeValid() {
        ValidationException e = refused("storage.name", () -> new HostStorage("Cluster Storage", StorageKind.CSV, false));

        assertMentions(e, "'Cluster Storage' is not a valid name");
        refused("storage.kind", () -> new HostStorage("Volume1", null, false));
    }

    @Test
    void domainIsStoredLowerCase() {
        assertEquals(Optional.of("corp.example"), hyperVHost("CORP.Example").domain());
        assertEquals(Optional.empty(), hyperVHost("").domain());
    }

    @Test
    void domainIsLowerCasedTheSameWayInEveryLocale() {
        withDefaultLocale(TURKISH, () -> assertEquals(Optional.of("fin.corp.internal"),
                hyperVHost("FIN.CORP.INTERNAL").domain()));
    }

    @Test
    void hostAddressFollowsTheServerAddressRules() {
        ValidationException e = refused("address", () -> new HostSpec("vc-01", HostKind.VCENTER, "vc_01.corp",
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), List.of()));

        assertEquals("address: 'vc_01.corp' is neither an IP address nor a valid host name", e.getMessage());
    }

    @Test
    void nameKindAndStorageListAreRequired() {
        refused("name", () -> new HostSpec(" ", HostKind.ESXI, "esx-01", Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), List.of()));
        refused("kind", () -> new HostSpec("esx-01", null, "esx-01", Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), List.of()));
        refused("storage", () -> new HostSpec("esx-01", HostKind.ESXI, "esx-01", Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), null));
    }

    @Test
    void managedServerMustBeAValidName() {
        refused("managedServer", () -> new HostSpec("hv-01", HostKind.HYPERV_HOST, "hv-01", Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.of("hv 01"), List.of()));
    }

    @Test
    void onlyEsxiHyperVHostsAndProxmoxNodesRunVms() {
        assertTrue(HostKind.ESXI.runsVms());
        assertTrue(HostKind.HYPERV_HOST.runsVms());
        assertTrue(HostKind.PROXMOX_NODE.runsVms());
        assertFalse(HostKind.VCENTER.runsVms());
        assertFalse(HostKind.HYPERV_CLUSTER.runsVms());
    }

    @Test
    void esxiBelongsToVcenterAndHyperVHostToCluster() {
        assertEquals(Optional.of(HostKind.VCENTER), HostKind.ESXI.parentKind());
        assertEquals(Optional.of(HostKind.HYPERV_CLUSTER), HostKind.HYPERV_HOST.parentKind());
        assertEquals(Optional.empty(), HostKind.PROXMOX_NODE.parentKind());
    }
}
