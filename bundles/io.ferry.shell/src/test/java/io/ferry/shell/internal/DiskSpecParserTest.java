package io.ferry.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.ValidationException;
import io.ferry.api.inventory.DiskFormat;
import io.ferry.api.inventory.VirtualDisk;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DiskSpecParserTest {

    private static final long G40 = 40L << 30;

    private static VirtualDisk disk(String label, long bytes, DiskFormat format, String location, String storage) {
        return new VirtualDisk(label, bytes, format, location, Optional.ofNullable(storage));
    }

    private static String error(String text) {
        return assertThrows(ValidationException.class, () -> DiskSpecParser.parse(text)).getMessage();
    }

    @Nested
    class KeyValueForm {

        @Test
        void parsesAllKeys() {
            assertEquals(disk("d0", G40, DiskFormat.QCOW2, "/var/lib/vz/a.qcow2", "local"),
                    DiskSpecParser.parse("label=d0,size=40G,format=qcow2,location=/var/lib/vz/a.qcow2,storage=local"));
        }

        @Test
        void keysComeInAnyOrderAndStorageIsOptional() {
            assertEquals(disk("d0", G40, DiskFormat.VMDK, "/vmfs/volumes/ds1/a.vmdk", null),
                    DiskSpecParser.parse("location=/vmfs/volumes/ds1/a.vmdk, format=VMDK, size=40G, label=d0"));
        }

        @Test
        void acceptsCapacityAsAliasOfSize() {
            assertEquals(G40, DiskSpecParser.parse("label=d0,capacity=40G,format=raw,location=/a.raw").capacityBytes());
        }

        @Test
        void locationMayContainColonsEqualsAndCommas() {
            assertEquals("nbd+unix:///d0?socket=/run/lab/d0.sock",
                    DiskSpecParser.parse("label=d0,size=8G,format=raw,location=nbd+unix:///d0?socket=/run/lab/d0.sock")
                            .location());
            assertEquals("/srv/images/a,b.raw",
                    DiskSpecParser.parse("label=d0,size=8G,format=raw,location=/srv/images/a,b.raw").location());
            assertEquals("nbd+unix:///e?socket=/run/a.sock&tls=off", DiskSpecParser.parse(
                    "label=d0,size=8G,format=raw,location=nbd+unix:///e?socket=/run/a.sock&tls=off").location());
            VirtualDisk d = DiskSpecParser.parse("label=d0,size=8G,format=raw,location=nbd://h:10809/e,storage=ds1");
            assertEquals("nbd://h:10809/e", d.location());
            assertEquals(Optional.of("ds1"), d.storage());
        }

        @Test
        void labelMayContainColons() {
            assertEquals("scsi0:0", DiskSpecParser.parse("label=scsi0:0,size=1T,format=vmdk,location=/a.vmdk").label());
        }

        @Test
        void windowsPathsAreKept() {
            assertEquals("C:\\ClusterStorage\\Volume1\\a.vhdx", DiskSpecParser.parse(
                    "label=os,size=127G,format=vhdx,location=C:\\ClusterStorage\\Volume1\\a.vhdx,storage=Volume1")
                    .location());
        }

        @Test
        void missingKeyIsNamed() {
            String message = error("label=d0,size=40G,location=/a.raw");
            assertTrue(message.startsWith("--disk: 'label=d0,size=40G,location=/a.raw' has no format="), message);
        }

        @Test
        void unknownKeyIsRefusedRatherThanTakenAsPartOfTheLocation() {
            assertEquals("--disk: 'storge=local' in 'label=d0,size=40G,format=raw,location=/a.raw,storge=local' is not"
                    + " one of label=, size=, format=, location=, storage=",
                    error("label=d0,size=40G,format=raw,location=/a.raw,storge=local"));
        }

        @Test
        void misspeltFirstKeyIsReportedAsAKey() {
            assertTrue(error("labl=d0,size=40G,format=raw,location=/a.raw").startsWith("--disk: 'labl=d0' in '"));
        }

        @Test
        void duplicateKeyIsRefused() {
            assertTrue(error("label=d0,size=40G,size=50G,format=raw,location=/a").contains("gives size= twice"));
        }

        @Test
        void badValuesNameTheDiskAndTheField() {
            assertEquals("--disk 'd0' size: '40X' is not a size; use " + ByteSize.FORMS,
                    error("label=d0,size=40X,format=raw,location=/a.raw"));
            assertTrue(error("label=d0,size=40G,format=vdi,location=/a.raw")
                    .startsWith("--disk 'd0' format: 'vdi' is not one of: raw, qcow2, vmdk, vhdx, vhd"));
            assertTrue(error("label=d0,size=40G,format=raw,location=relative/a.raw")
                    .startsWith("--disk 'd0' location: 'relative/a.raw' is not an absolute path"));
            assertTrue(error("label=d0,size=0,format=raw,location=/a.raw")
                    .startsWith("--disk 'd0' capacityBytes: must be positive"));
        }
    }

    @Nested
    class ShortForm {

        @Test
        void parsesLabelSizeFormatLocation() {
            assertEquals(disk("d0", G40, DiskFormat.QCOW2, "/var/lib/vz/a.qcow2", null),
                    DiskSpecParser.parse("d0:40G:qcow2:/var/lib/vz/a.qcow2"));
        }

        @Test
        void trailingNameIsTheStorage() {
            assertEquals(disk("d0", G40, DiskFormat.QCOW2, "/var/lib/vz/a.qcow2", "local"),
                    DiskSpecParser.parse("d0:40G:qcow2:/var/lib/vz/a.qcow2:local"));
        }

        @Test
        void labelMayContainColons() {
            assertEquals(disk("scsi0:0", G40, DiskFormat.VMDK, "/vmfs/volumes/ds1/a.vmdk", "ds1"),
                    DiskSpecParser.parse("scsi0:0:40G:vmdk:/vmfs/volumes/ds1/a.vmdk:ds1"));
        }

        @ParameterizedTest(name = "{0}")
        @CsvSource(delimiter = '|', value = {
            // location                                   | storage
            "nbd+unix:///x?socket=/p                      | ",
            "nbd+unix:///x?socket=/p:pool1                | pool1",
            "nbd+unix:///?socket=/run/a.sock              | ",
            "nbd://host:10809                             | ",
            "nbd://host:10809:ds1                         | ds1",
            "nbd://host:10809/export                      | ",
            "nbd://host:10809/export:ds1                  | ds1",
            "nbd://host                                   | ",
            "nbd://[::1]:10809                            | ",
            "nbd://[::1]                                  | ",
            "nbds://backup.corp.example:10809/d0          | ",
            "file:///var/lib/a.raw                        | ",
            "file:///var/lib/a.raw:local                  | local",
            "C:\\ClusterStorage\\Volume1\\a.vhdx          | ",
            "C:\\ClusterStorage\\Volume1\\a.vhdx:Volume1  | Volume1",
            "\\\\fs01\\vms\\a.vhdx                        | ",
            "\\\\fs01\\vms\\a.vhdx:vmshare                | vmshare",
        })
        void storageIsOnlyATrailingNameOutsideTheLocation(String location, String storage) {
            String expectedLocation = storage == null ? location : location.substring(0, location.length() - storage.length() - 1);
            VirtualDisk d = DiskSpecParser.parse("d0:8G:raw:" + location);
            assertEquals(expectedLocation, d.location(), "location");
            assertEquals(Optional.ofNullable(storage), d.storage(), "storage");
        }

        @Test
        void sizeAndFormatAnchorTheSplitEvenWhenTheLabelLooksLikeASize() {
            VirtualDisk d = DiskSpecParser.parse("0:1:2T:raw:/a.raw");
            assertEquals("0:1", d.label());
            assertEquals(2L << 40, d.capacityBytes());
        }

        @Test
        void tooFewPartsShowsBothForms() {
            assertEquals("--disk: 'd0:40G:qcow2' needs a label, size, format and location; use " + DiskSpecParser.FORMS,
                    error("d0:40G:qcow2"));
        }

        @Test
        void badFormatIsNamedEvenWithAColonInTheLabel() {
            String message = error("scsi0:0:40G:vmdx:/a.vmdk");
            assertTrue(message.startsWith("--disk 'scsi0:0:40G:vmdx:/a.vmdk' format: 'vmdx' is not one of:"), message);
        }

        @Test
        void badSizeIsNamed() {
            String message = error("d0:40X:qcow2:/a.qcow2");
            assertTrue(message.startsWith("--disk 'd0:40X:qcow2:/a.qcow2' size: '40X' is not a size"), message);
        }

        @Test
        void missingLocationOrLabelIsNamed() {
            assertEquals("--disk: 'd0:40G:qcow2:' has no location after the format", error("d0:40G:qcow2:"));
            assertEquals("--disk: ':40G:qcow2:/a' has no label before the size", error(":40G:qcow2:/a"));
        }

        @Test
        void emptyIsRefused() {
            assertTrue(error(" ").startsWith("--disk: is empty"));
        }
    }

    @Test
    void trailingStorageRulesOnTheirOwn() {
        assertEquals(Optional.empty(), DiskSpecParser.trailingStorage("C:name"));
        assertEquals(Optional.empty(), DiskSpecParser.trailingStorage("/a:b/c"));
        assertEquals(Optional.of("b"), DiskSpecParser.trailingStorage("/a:b"));
        assertEquals(Optional.of("ds"), DiskSpecParser.trailingStorage("nbd://host:ds"));
        assertEquals(Optional.empty(), DiskSpecParser.trailingStorage("nbd://host:10809"));
    }
}
