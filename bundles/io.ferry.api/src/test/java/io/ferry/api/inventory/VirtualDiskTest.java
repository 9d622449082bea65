package io.ferry.api.inventory;

import static io.ferry.api.inventory.Refusals.assertMentions;
import static io.ferry.api.inventory.Refusals.refused;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ferry.api.ValidationException;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VirtualDiskTest {

    private static final long GIB = 1L << 30;

    private static VirtualDisk disk(String location) {
        return new VirtualDisk("scsi0:0", 40 * GIB, DiskFormat.VMDK, location, Optional.empty());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "/var/lib/vz/images/101/vm-101-disk-0.qcow2",
            "/vmfs/volumes/ds-ssd-01/app-01/app-01.vmdk",
            "C:\\ClusterStorage\\Volume1\\app-01\\disk0.vhdx",
            "d:\\Hyper-V\\Virtual Hard Disks\\app-01.vhdx",
            "\\\\fs01\\vms\\app-01\\disk0.vhdx",
            "\\\\fs01.corp.example\\Hyper-V$\\app-01.vhdx",
            "file:/var/lib/vz/images/101/vm-101-disk-0.raw",
            "file:///var/lib/vz/images/101/vm-101-disk-0.raw",
            "nbd://esx-01.corp.example/app-01-disk0",
            "nbd://10.0.2.11:10809/app-01",
            "nbd://[2001:db8::11]:10809/app-01",
            "nbds://esx-01.corp.example/app-01-disk0",
            "nbd+unix:///app-01?socket=/run/ferry/nbd-app-01.sock",
            "nbds+unix:///app-01?socket=/run/ferry/nbd-app-01.sock"})
    void supportedLocationIsKeptAsWritten(String location) {
        assertEquals(location, disk(location).location());
    }

    @Test
    void locationIsStrippedOfSurroundingBlanks() {
        assertEquals("/var/lib/vz/a.qcow2", disk("  /var/lib/vz/a.qcow2 ").location());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "images/101/vm-101-disk-0.qcow2",
            "./vm-101-disk-0.qcow2",
            "C:relative\\disk0.vhdx",
            "C:/ClusterStorage/Volume1/disk0.vhdx",
            "\\ClusterStorage\\Volume1\\disk0.vhdx",
            "\\\\fs01",
            "\\\\fs01\\disk0.vhdx",
            "file:relative.raw",
            "http://esx-01/app-01.vmdk",
            "nbd:esx-01/app-01",
            "nbd://esx-01/app 01"})
    void unsupportedLocationIsRefusedNamingTheValueAndTheAcceptedForms(String location) {
        ValidationException e = refused("location", () -> disk(location));

        assertEquals("location: '" + location + "' is not an absolute path, file: URI, nbd://, nbds://,"
                + " nbd+unix:// or qemu+unix:// URI", e.getMessage());
    }

    @Test
    void aRunningQemuDiskNeedsItsBlockNode() {
        assertEquals("qemu+unix:///run/vm1/qmp.sock?node=disk0&agent=/run/vm1/qga.sock",
                disk("qemu+unix:///run/vm1/qmp.sock?node=disk0&agent=/run/vm1/qga.sock").location());
        ValidationException e = refused("location", () -> disk("qemu+unix:///run/vm1/qmp.sock"));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("names no block node"), e.getMessage());
    }

    @Test
    void uncPathMustNameServerAndShare() {
        assertEquals("\\\\fs01\\vms\\", disk("\\\\fs01\\vms\\").location());
        assertMentions(refused("location", () -> disk("\\\\fs01\\app-01.vhdx")), "'\\\\fs01\\app-01.vhdx'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"nbd://", "nbds://"})
    void nbdUriWithoutServerIsRefused(String location) {
        ValidationException e = refused("location", () -> disk(location));

        assertEquals("location: '" + location + "' names no server", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"nbd+unix:///app-01", "nbds+unix:///app-01", "nbd+unix://"})
    void nbdUnixUriWithoutSocketIsRefusedShowingTheExpectedForm(String location) {
        ValidationException e = refused("location", () -> disk(location));

        assertEquals("location: '" + location + "' names no socket; expected nbd+unix:///<export>?socket=/path/to.sock",
                e.getMessage());
    }

    @Test
    void missingLocationIsRequired() {
        assertEquals("location: is required", refused("location", () -> disk(" ")).getMessage());
    }

    @Test
    void locationWithControlCharactersIsRefused() {
        refused("location", () -> disk("/var/lib/vz/a\u0000.qcow2"));
    }

    @ParameterizedTest
    @ValueSource(longs = {0, -1})
    void capacityMustBePositive(long capacity) {
        ValidationException e = refused("capacityBytes",
                () -> new VirtualDisk("disk-1", capacity, DiskFormat.RAW, "/dev/vg0/disk-1", Optional.empty()));

        assertEquals("capacityBytes: must be positive, got " + capacity, e.getMessage());
    }

    @Test
    void labelOf63CharactersIsTheLongestAccepted() {
        String label = "l".repeat(63);

        assertEquals(label, new VirtualDisk(label, GIB, DiskFormat.RAW, "/d", Optional.empty()).label());
        ValidationException e = refused("label",
                () -> new VirtualDisk(label + "x", GIB, DiskFormat.RAW, "/d", Optional.empty()));
        assertMentions(e, "'" + label + "x' is longer than 63 characters");
    }

    @Test
    void labelMayUseControllerNotation() {
        assertEquals("scsi0:0", disk("/d").label());
        assertEquals("IDE 0:1", new VirtualDisk(" IDE 0:1 ", GIB, DiskFormat.VHDX, "/d", Optional.empty()).label());
    }

    @Test
    void labelAndFormatAreRequired() {
        refused("label", () -> new VirtualDisk("", GIB, DiskFormat.RAW, "/d", Optional.empty()));
        refused("format", () -> new VirtualDisk("disk-1", GIB, null, "/d", Optional.empty()));
    }

    @Test
    void storageIsTheNameOfTheHostStorage() {
        assertEquals(Optional.of("ds-ssd-01"),
                new VirtualDisk("disk-1", GIB, DiskFormat.VMDK, "/d", Optional.of("ds-ssd-01")).storage());
        assertEquals(Optional.empty(), new VirtualDisk("disk-1", GIB, DiskFormat.VMDK, "/d", Optional.of(" ")).storage());
        assertMentions(refused("storage",
                () -> new VirtualDisk("disk-1", GIB, DiskFormat.VMDK, "/d", Optional.of("ds ssd 01"))),
                "'ds ssd 01' is not a valid name");
    }
}
