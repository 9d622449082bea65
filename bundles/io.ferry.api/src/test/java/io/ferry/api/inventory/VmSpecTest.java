package io.ferry.api.inventory;

import static io.ferry.api.inventory.Refusals.TURKISH;
import static io.ferry.api.inventory.Refusals.refused;
import static io.ferry.api.inventory.Refusals.withDefaultLocale;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ferry.api.ValidationException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class VmSpecTest {

    private static final long GIB = 1L << 30;

    private static VirtualDisk disk(String label, long bytes) {
        return new VirtualDisk(label, bytes, DiskFormat.VMDK, "/vmfs/volumes/ds-01/app-01/" + label + ".vmdk",
                Optional.of("ds-01"));
    }

    private static VmSpec vm(List<Cidr> networks, List<VirtualDisk> disks) {
        return new VmSpec("app-01", "esx-01", OsInfo.parse("windows:server:2022"), networks, disks,
                Optional.of(new GuestCredentials("CORP\\gmsa-backup$", true)), false);
    }

    @Test
    void vmWithDisksNetworksAndCredentials() {
        VmSpec spec = vm(List.of(Cidr.of("10.0.1.0/24")), List.of(disk("disk-0", 40 * GIB), disk("disk-1", 100 * GIB)));

        assertEquals("app-01", spec.name());
        assertEquals("esx-01", spec.host());
        assertEquals(140 * GIB, spec.capacityBytes());
    }

    @Test
    void disksKeepControllerOrder() {
        VmSpec spec = vm(List.of(), List.of(disk("scsi0:1", GIB), disk("scsi0:0", GIB)));

        assertEquals(List.of("scsi0:1", "scsi0:0"), spec.disks().stream().map(VirtualDisk::label).toList());
    }

    @Test
    void networksAreSortedAndDuplicatesCollapse() {
        VmSpec spec = vm(List.of(Cidr.of("192.168.5.0/24"), Cidr.of("10.0.1.0/24"), Cidr.of("192.168.5.0/24")),
                List.of());

        assertEquals(List.of(Cidr.of("10.0.1.0/24"), Cidr.of("192.168.5.0/24")), spec.networks());
    }

    @Test
    void diskLabelUsedTwiceIgnoringCaseIsRefusedWithItsIndex() {
        ValidationException e = refused("disks[2].label",
                () -> vm(List.of(), List.of(disk("scsi0:0", GIB), disk("scsi0:1", GIB), disk("SCSI0:0", GIB))));

        assertEquals("disks[2].label: 'SCSI0:0' is used twice", e.getMessage());
    }

    @Test
    void diskLabelsAreComparedTheSameWayInEveryLocale() {
        withDefaultLocale(TURKISH, () -> refused("disks[1].label",
                () -> vm(List.of(), List.of(disk("DISK-I", GIB), disk("disk-i", GIB)))));
    }

    @Test
    void vmWithoutDisksHasNoCapacity() {
        assertEquals(0, vm(List.of(), List.of()).capacityBytes());
    }

    @Test
    void disksAndNetworksCannotBeChangedAfterwards() {
        VmSpec spec = vm(List.of(), List.of(disk("disk-0", GIB)));

        assertThrows(UnsupportedOperationException.class, () -> spec.disks().add(disk("disk-1", GIB)));
        assertThrows(UnsupportedOperationException.class, () -> spec.networks().add(Cidr.of("10.0.1.0/24")));
    }

    @Test
    void nameAndHostMustBeValidNames() {
        refused("name", () -> new VmSpec("app 01", "esx-01", OsInfo.parse("linux"), List.of(), List.of(),
                Optional.empty(), false));
        refused("host", () -> new VmSpec("app-01", "", OsInfo.parse("linux"), List.of(), List.of(),
                Optional.empty(), false));
    }

    @Test
    void guestOsDisksAndNetworksAreRequired() {
        refused("guestOs", () -> new VmSpec("app-01", "esx-01", null, List.of(), List.of(), Optional.empty(), false));
        refused("networks", () -> new VmSpec("app-01", "esx-01", OsInfo.parse("linux"), null, List.of(),
                Optional.empty(), false));
        refused("disks", () -> new VmSpec("app-01", "esx-01", OsInfo.parse("linux"), List.of(), null,
                Optional.empty(), false));
    }
}
