package io.ferry.plugin.vmware.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.inventory.HostStorage;
import io.ferry.api.inventory.MachineKind;
import io.ferry.api.inventory.ManagedServer;
import io.ferry.api.inventory.Platform;
import io.ferry.api.inventory.PlatformHost;
import io.ferry.api.inventory.ServerFacts;
import io.ferry.api.inventory.TransportMode;
import io.ferry.api.inventory.VmwareProxySettings;
import io.ferry.api.job.JobSpec;
import io.ferry.api.job.TransportChoice;
import io.ferry.api.selection.TransportStep;
import io.ferry.api.spi.DiskContext;
import io.ferry.api.spi.StorageSnapshotProvider;
import io.ferry.api.spi.TransportModeProvider;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class TransportModesTest {

    private static final VmwareProxySettings AUTO = VmwareProxySettings.AUTOMATIC;

    private final VsphereLab lab = new VsphereLab();
    private final BackupFromStorageSnapshotsMode snapshots = new BackupFromStorageSnapshotsMode();
    private final DirectStorageAccessMode direct = new DirectStorageAccessMode();
    private final VirtualApplianceMode hotAdd = new VirtualApplianceMode();
    private final NetworkMode network = new NetworkMode();
    private final NetworkSslMode networkSsl = new NetworkSslMode();

    /** What the selection core does: providers in preference order, the first available step wins. */
    private List<TransportStep> negotiate(ManagedServer proxy, DiskContext disk) {
        List<TransportModeProvider> providers = new ArrayList<>(List.of(networkSsl, network, hotAdd, direct, snapshots));
        providers.sort(Comparator.comparingInt(TransportModeProvider::preference).thenComparing(TransportModeProvider::mode));
        List<TransportStep> chain = new ArrayList<>();
        for (TransportModeProvider p : providers) {
            TransportStep step = p.evaluate(proxy, disk);
            chain.add(step);
            if (step.available()) {
                break;
            }
        }
        return chain;
    }

    private static TransportStep last(List<TransportStep> chain) {
        return chain.get(chain.size() - 1);
    }

    private ManagedServer sanProxy(String name, VmwareProxySettings settings) {
        return lab.proxy(VsphereLab.linuxVm(name).machineKind(MachineKind.PHYSICAL)
                .fact(ServerFacts.SAN_ACCESS, "other-ds, shared-ds"), settings);
    }

    private ManagedServer hotAddProxy(String name, String esx, VmwareProxySettings settings) {
        return lab.proxy(VsphereLab.linuxVm(name).fact(ServerFacts.VMWARE_HOST, esx), settings);
    }

    private ManagedServer physicalProxy(String name, VmwareProxySettings settings) {
        return lab.proxy(VsphereLab.linuxVm(name).machineKind(MachineKind.PHYSICAL), settings);
    }

    @Test
    @DisplayName("seed 003_4fc908c7710b8ec3.txt: providers declare the VMware mode ids and preferences of docs/selection.md")
    void modeIdsAndPreferences() {
        assertEquals(List.of("backup-from-storage-snapshots:0", "direct-storage-access:10", "virtual-appliance:20",
                "network:30", "network-ssl:30"), List.of(snapshots, direct, hotAdd, network, networkSsl).stream()
                        .peek(p -> assertEquals(Platform.VMWARE, p.platform()))
                        .map(p -> p.mode() + ":" + p.preference()).toList());
    }

    @Nested
    class DirectStorageAccess {
        @Test
        @DisplayName("seed 003_4fc908c7710b8ec3.txt: direct storage access when san.access lists the disk's datastore")
        void availableWithSanAccessToTheDatastore() {
            ManagedServer px = sanProxy("px-01", AUTO);
            TransportStep step = direct.evaluate(px, lab.disk(VsphereLab.job("app-01"), "app-01", "scsi0:0"));
            assertTrue(step.available(), step.reason());
            assertTrue(step.reason().contains("px-01") && step.reason().contains("shared-ds"), step.reason());
        }

        @Test
        @DisplayName("seed 003_4fc908c7710b8ec3.txt: no direct storage access to a datastore san.access does not list")
        void unavailableWithoutSanAccess() {
            ManagedServer px = sanProxy("px-01", AUTO);
            TransportStep step = direct.evaluate(px, lab.disk(VsphereLab.job("app-01"), "app-01", "scsi0:1"));
            assertFalse(step.available());
            assertEquals("proxy px-01 has no SAN/NFS access to datastore esx1-local (san.access: other-ds, shared-ds)",
                    step.reason());
            TransportStep none = direct.evaluate(physicalProxy("px-02", AUTO),
                    lab.disk(VsphereLab.job("app-01"), "app-01", "scsi0:0"));
            assertTrue(none.reason().endsWith("(san.access not declared)"), none.reason());
        }

        @Test
        @DisplayName("seed 003_4fc908c7710b8ec3.txt: automatic selection prefers direct storage access over hot-add and network")
        void automaticPrefersDirect() {
            ManagedServer px = lab.proxy(VsphereLab.linuxVm("px-01").fact(ServerFacts.SAN_ACCESS, "shared-ds")
                    .fact(ServerFacts.VMWARE_HOST, "esx2"), AUTO);
            List<TransportStep> chain = negotiate(px, lab.disk(VsphereLab.job("app-01"), "app-01", "scsi0:0"));
            assertEquals("direct-storage-access", last(chain).mode());
            assertFalse(last(chain).fallback());
        }
    }

    @Nested
    class VirtualAppliance {
        @Test
        @DisplayName("seed 003_4fc908c7710b8ec3.txt: hot-add when the proxy VM's ESXi host sees the datastore (shared on the vCenter)")
        void availableWhenProxyHostSeesDatastore() {
            ManagedServer px = hotAddProxy("px-va", "esx2", AUTO);
            TransportStep step = hotAdd.evaluate(px, lab.disk(VsphereLab.job("app-01"), "app-01", "scsi0:0"));
            assertTrue(step.available(), step.reason());
            assertEquals("proxy px-va is a VM on ESXi host esx2, which sees datastore shared-ds and is managed by"
                    + " vCenter vc1 like the VM's host esx1", step.reason());
        }

        @Test
        @DisplayName("seed 003_4fc908c7710b8ec3.txt: no hot-add of a datastore the proxy VM's ESXi host does not see")
        void unavailableWhenProxyHostDoesNotSeeDatastore() {
            ManagedServer px = hotAddProxy("px-va", "esx2", AUTO);
            TransportStep step = hotAdd.evaluate(px, lab.disk(VsphereLab.job("app-01"), "app-01", "scsi0:1"));
            assertFalse(step.available());
            assertEquals("proxy px-va runs on ESXi host esx2, which does not see datastore esx1-local", step.reason());
            ManagedServer onEsx1 = hotAddProxy("px-esx1", "esx1", AUTO);
            assertTrue(hotAdd.evaluate(onEsx1, lab.disk(VsphereLab.job("app-01"), "app-01", "scsi0:1")).available());
        }

        @Test
        @DisplayName("seed 003_4fc908c7710b8ec3.txt: no hot-add from an ESXi host of another vCenter")
        void unavailableAcrossVcenters() {
            ManagedServer px = hotAddProxy("px-vc2", "esx9", AUTO);
            TransportStep step = hotAdd.evaluate(px, lab.disk(VsphereLab.job("app-01"), "app-01", "scsi0:0"));
            assertFalse(step.available());
            assertEquals("proxy px-vc2 runs on ESXi host esx9, managed by vCenter vc2; the VM's host esx1 is managed"
                    + " by vCenter vc1", step.reason());
        }

        @Test
        @DisplayName("seed 003_4fc908c7710b8ec3.txt: a VM on a standalone ESXi host is hot-added only by a proxy VM on that host")
        void standaloneHostNeedsProxyOnSameHost() {
            JobSpec job = VsphereLab.job("solo-01");
            assertTrue(hotAdd.evaluate(hotAddProxy("px-solo", "esx-solo", AUTO), lab.disk(job, "solo-01", "scsi0:0"))
                    .available());
            TransportStep other = hotAdd.evaluate(hotAddProxy("px-va", "esx2", AUTO), lab.disk(job, "solo-01", "scsi0:0"));
            assertFalse(other.available());
            assertTrue(other.reason().contains("standalone ESXi host"), other.reason());
        }

        @Test
        @DisplayName("seed 003_4fc908c7710b8ec3.txt: hot-add needs a proxy VM that declares an ESXi host of the inventory")
        void needsVirtualProxyOnKnownEsxiHost() {
            DiskContext disk = lab.disk(VsphereLab.job("app-01"), "app-01", "scsi0:0");
            assertEquals("proxy px-p is a physical machine; hot-add needs a proxy VM",
                    hotAdd.evaluate(lab.proxy(VsphereLab.linuxVm("px-p").machineKind(MachineKind.PHYSICAL)
                            .fact(ServerFacts.VMWARE_HOST, "esx2"), AUTO), disk).reason());
            assertEquals("proxy px-n declares no vmware.host (the ESXi host the proxy VM runs on)",
                    hotAdd.evaluate(lab.proxy(VsphereLab.linuxVm("px-n"), AUTO), disk).reason());
            assertEquals("proxy px-u runs on 'esx77' (fact vmware.host), which is not in the inventory",
                    hotAdd.evaluate(hotAddProxy("px-u", "esx77", AUTO), disk).reason());
            assertEquals("proxy px-v: vmware.host 'vc1' is a VCENTER, not an ESXi host",
                    hotAdd.evaluate(hotAddProxy("px-v", "vc1", AUTO), disk).reason());
        }
    }

    @Nested
    class StorageSnapshots {
        private final StorageSnapshotProvider acme = provider("Acme FlashArray", "shared-ds");

        private StorageSnapshotProvider provider(String name, String datastore) {
            return new StorageSnapshotProvider() {
                @Override
                public String name() {
                    return name;
                }

                @Override
                public boolean supports(HostStorage storage, PlatformHost host) {
                    return storage.name().equalsIgnoreCase(datastore);
                }
            };
        }

        @Test
        @DisplayName("seed 003_4fc908c7710b8ec3.txt: no Backup from Storage Snapshots without a storage integration")
        void unavailableWithoutProvider() {
            TransportStep step = snapshots.evaluate(sanProxy("px-01", AUTO),
                    lab.disk(VsphereLab.job("app-01"), "app-01", "scsi0:0"));
            assertFalse(step.available());
            assertEquals("no storage integration for datastore shared-ds (none installed)", step.reason());
        }

        @Test
        @DisplayName("seed 003_4fc908c7710b8ec3.txt: Backup from Storage Snapshots where a tracked integration supports the datastore, first")
        void availableOnlyWhereAProviderSupportsTheDatastore() {
            snapshots.addStorageSnapshotProvider(acme);
            ManagedServer px = sanProxy("px-01", AUTO);
            JobSpec job = VsphereLab.job("app-01");
            TransportStep step = snapshots.evaluate(px, lab.disk(job, "app-01", "scsi0:0"));
            assertTrue(step.available());
            assertEquals("storage integration 'Acme FlashArray' snapshots datastore shared-ds of vc1", step.reason());
            assertEquals("backup-from-storage-snapshots", last(negotiate(px, lab.disk(job, "app-01", "scsi0:0"))).mode());

            TransportStep other = snapshots.evaluate(px, lab.disk(job, "app-01", "scsi0:1"));
            assertFalse(other.available());
            assertEquals("no storage integration for datastore esx1-local (installed: Acme FlashArray)", other.reason());
        }

        @Test
        @DisplayName("seed 003_4fc908c7710b8ec3.txt: a storage integration removed at runtime no longer offers snapshots")
        void providerRemovedAtRuntime() {
            snapshots.addStorageSnapshotProvider(acme);
            snapshots.removeStorageSnapshotProvider(acme);
            assertFalse(snapshots.evaluate(sanProxy("px-01", AUTO), lab.disk(VsphereLab.job("app-01"), "app-01",
                    "scsi0:0")).available());
        }

        @Test
        @DisplayName("seed 003_4fc908c7710b8ec3.txt: a job fixing another mode excludes storage snapshots")
        void restrictedByJob() {
            snapshots.addStorageSnapshotProvider(acme);
            JobSpec job = VsphereLab.job("app-01", TransportChoice.fixed(TransportMode.DIRECT_STORAGE_ACCESS, true));
            TransportStep step = snapshots.evaluate(sanProxy("px-01", AUTO), lab.disk(job, "app-01", "scsi0:0"));
            assertFalse(step.available());
            assertEquals("job fixes direct-storage-access", step.reason());
        }
    }

    @Nested
    class Restrictions {
        @Test
        @DisplayName("seed 003_4fc908c7710b8ec3.txt: a mode the job does not fix is unavailable with the reason")
        void jobFixesMode() {
            JobSpec job = VsphereLab.job("app-01", TransportChoice.fixed(TransportMode.VIRTUAL_APPLIANCE, true));
            TransportStep step = direct.evaluate(sanProxy("px-01", AUTO), lab.disk(job, "app-01", "scsi0:0"));
            assertFalse(step.available());
            assertEquals("job fixes virtual-appliance", step.reason());
        }

        @Test
        @DisplayName("seed 003_4fc908c7710b8ec3.txt: a proxy fixed to network uses network, not direct storage access")
        void proxyFixedToNetwork() {
            ManagedServer px = sanProxy("px-01", new VmwareProxySettings(Optional.of(TransportMode.NETWORK), true, false));
            DiskContext disk = lab.disk(VsphereLab.job("app-01"), "app-01", "scsi0:0");
            assertEquals("proxy px-01 is fixed to network", direct.evaluate(px, disk).reason());
            List<TransportStep> chain = negotiate(px, disk);
            assertEquals("network", last(chain).mode());
            assertTrue(last(chain).available());
            assertFalse(last(chain).fallback(), "network is the proxy's fixed mode, not a failover");
        }

        @Test
        @DisplayName("seed 003_4fc908c7710b8ec3.txt: fixed mode unavailable and the job allows no failover -> network unavailable")
        void jobFixedModeWithoutFailover() {
            JobSpec job = VsphereLab.job("app-01", TransportChoice.fixed(TransportMode.VIRTUAL_APPLIANCE, false));
            ManagedServer px = physicalProxy("px-01", AUTO);
            List<TransportStep> chain = negotiate(px, lab.disk(job, "app-01", "scsi0:0"));
            assertTrue(chain.stream().noneMatch(TransportStep::available), chain.toString());
            TransportStep net = chain.stream().filter(s -> s.mode().equals("network")).findFirst().orElseThrow();
            assertEquals("failover to network is disabled: job fixes virtual-appliance", net.reason());
        }

        @Test
        @DisplayName("seed 003_4fc908c7710b8ec3.txt: a proxy fixed to a mode without failover never uses network")
        void proxyFixedModeWithoutFailover() {
            ManagedServer px = physicalProxy("px-01",
                    new VmwareProxySettings(Optional.of(TransportMode.DIRECT_STORAGE_ACCESS), false, false));
            TransportStep net = network.evaluate(px, lab.disk(VsphereLab.job("app-01"), "app-01", "scsi0:0"));
            assertFalse(net.available());
            assertEquals("failover to network is disabled: proxy px-01 is fixed to direct-storage-access", net.reason());
        }

        @Test
        @DisplayName("seed 003_4fc908c7710b8ec3.txt: fixed mode unavailable with failover -> network step with fallback=true naming the failed mode")
        void failoverToNetworkIsAFallback() {
            JobSpec job = VsphereLab.job("app-01", TransportChoice.fixed(TransportMode.VIRTUAL_APPLIANCE, true));
            ManagedServer px = physicalProxy("px-01", AUTO);
            List<TransportStep> chain = negotiate(px, lab.disk(job, "app-01", "scsi0:0"));
            TransportStep chosen = last(chain);
            assertEquals("network", chosen.mode());
            assertTrue(chosen.available() && chosen.fallback(), chosen.toString());
            assertEquals("fixed mode virtual-appliance (set by the job) is unavailable (proxy px-01 is a physical"
                    + " machine; hot-add needs a proxy VM); failing over to network, as the job allows; proxy px-01"
                    + " reads through the management network of ESXi host esx1 (NBD)", chosen.reason());
        }

        @Test
        @DisplayName("seed 003_4fc908c7710b8ec3.txt: a proxy's fixed mode fails over to encrypted network when the proxy encrypts")
        void proxyFailoverToEncryptedNetwork() {
            ManagedServer px = physicalProxy("px-01",
                    new VmwareProxySettings(Optional.of(TransportMode.DIRECT_STORAGE_ACCESS), true, true));
            List<TransportStep> chain = negotiate(px, lab.disk(VsphereLab.job("app-01"), "app-01", "scsi0:0"));
            TransportStep chosen = last(chain);
            assertEquals("network-ssl", chosen.mode());
            assertTrue(chosen.fallback());
            assertTrue(chosen.reason().startsWith("fixed mode direct-storage-access (set by proxy px-01) is unavailable"
                    + " (proxy px-01 has no SAN/NFS access to datastore shared-ds"), chosen.reason());
        }

        @Test
        @DisplayName("seed 003_4fc908c7710b8ec3.txt: job and proxy fixing different modes leave only a failover to network")
        void conflictingFixedModes() {
            JobSpec job = VsphereLab.job("app-01", TransportChoice.fixed(TransportMode.DIRECT_STORAGE_ACCESS, true));
            ManagedServer px = lab.proxy(VsphereLab.linuxVm("px-01").fact(ServerFacts.SAN_ACCESS, "shared-ds")
                    .fact(ServerFacts.VMWARE_HOST, "esx2"),
                    new VmwareProxySettings(Optional.of(TransportMode.VIRTUAL_APPLIANCE), true, false));
            DiskContext disk = lab.disk(job, "app-01", "scsi0:0");
            assertEquals("proxy px-01 is fixed to virtual-appliance", direct.evaluate(px, disk).reason());
            assertEquals("job fixes direct-storage-access", hotAdd.evaluate(px, disk).reason());
            TransportStep chosen = last(negotiate(px, disk));
            assertEquals("network", chosen.mode());
            assertTrue(chosen.fallback());
            assertTrue(chosen.reason().contains("as the job and proxy px-01 allow"), chosen.reason());
        }

        @Test
        @DisplayName("seed 003_4fc908c7710b8ec3.txt: automatic selection ends in network mode without a fallback flag")
        void automaticNetworkIsNoFallback() {
            List<TransportStep> chain = negotiate(physicalProxy("px-01", AUTO),
                    lab.disk(VsphereLab.job("app-01"), "app-01", "scsi0:0"));
            assertEquals(List.of("backup-from-storage-snapshots", "direct-storage-access", "virtual-appliance", "network"),
                    chain.stream().map(TransportStep::mode).toList());
            assertFalse(last(chain).fallback());
            assertEquals("proxy px-01 reads through the management network of ESXi host esx1 (NBD)", last(chain).reason());
        }

        @Test
        @DisplayName("seed 003_4fc908c7710b8ec3.txt: an encrypting proxy uses network-ssl, never plain network")
        void encryptingProxyUsesNetworkSsl() {
            ManagedServer px = physicalProxy("px-01", new VmwareProxySettings(Optional.empty(), true, true));
            DiskContext disk = lab.disk(VsphereLab.job("app-01"), "app-01", "scsi0:0");
            assertEquals("proxy px-01 encrypts network traffic; network-ssl is used", network.evaluate(px, disk).reason());
            TransportStep ssl = networkSsl.evaluate(px, disk);
            assertTrue(ssl.available());
            assertTrue(ssl.reason().endsWith("encrypted (NBDSSL)"), ssl.reason());
            ManagedServer plain = physicalProxy("px-02", AUTO);
            assertFalse(networkSsl.evaluate(plain, disk).available());
        }
    }
}
