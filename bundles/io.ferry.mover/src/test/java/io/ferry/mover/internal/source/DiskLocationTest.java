package io.ferry.mover.internal.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.ValidationException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DiskLocationTest {

    @Test
    void anAbsolutePathIsALocalFile() {
        assertEquals(new DiskLocation.LocalFile(Path.of("/srv/images/disk.raw")),
                DiskLocation.parse("/srv/images/disk.raw"));
        assertEquals(new DiskLocation.LocalFile(Path.of("/dev/sdb")), DiskLocation.parse("/dev/sdb"));
    }

    @Test
    void aRelativePathResolvesAgainstTheWorkingDirectory() {
        Path expected = Path.of("").toAbsolutePath().resolve("images/disk.raw");

        assertEquals(new DiskLocation.LocalFile(expected), DiskLocation.parse("images/disk.raw"));
        assertEquals(new DiskLocation.LocalFile(expected), DiskLocation.parse("./images/disk.raw"));
    }

    @Test
    void aFileUriIsALocalFile() {
        assertEquals(new DiskLocation.LocalFile(Path.of("/srv/disk.raw")), DiskLocation.parse("file:///srv/disk.raw"));
        assertEquals(new DiskLocation.LocalFile(Path.of("/srv/disk.raw")), DiskLocation.parse("file:/srv/disk.raw"));
        assertEquals(new DiskLocation.LocalFile(Path.of("/srv/my disk.raw")),
                DiskLocation.parse("file:///srv/my%20disk.raw"));
    }

    @Test
    void aFileUriOnAnotherHostIsRefused() {
        ValidationException e = assertThrows(ValidationException.class,
                () -> DiskLocation.parse("file://nas01/srv/disk.raw"));

        assertEquals("location", e.field());
        assertTrue(e.problem().contains("must be local"), e.problem());
    }

    @Test
    void nbdOverTcpWithHostPortAndExport() {
        DiskLocation.NbdExport nbd = assertInstanceOf(DiskLocation.NbdExport.class,
                DiskLocation.parse("nbd://10.0.0.5:10809/disk0"));

        assertEquals("nbd://10.0.0.5:10809/disk0", nbd.uri());
        assertFalse(nbd.tls());
        assertFalse(nbd.unixSocket());
        assertEquals("nbd://10.0.0.5:10809/disk0", nbd.description());
    }

    @Test
    void nbdsIsTls() {
        DiskLocation.NbdExport nbd = assertInstanceOf(DiskLocation.NbdExport.class,
                DiskLocation.parse("nbds://esx01.lab/disk0"));

        assertTrue(nbd.tls());
        assertFalse(nbd.unixSocket());
    }

    @Test
    void nbdOverAUnixSocket() {
        DiskLocation.NbdExport plain = assertInstanceOf(DiskLocation.NbdExport.class,
                DiskLocation.parse("nbd+unix:///disk0?socket=/run/nbd/vm1.sock"));
        DiskLocation.NbdExport tls = assertInstanceOf(DiskLocation.NbdExport.class,
                DiskLocation.parse("nbds+unix:///?socket=/run/nbd/vm1.sock"));

        assertTrue(plain.unixSocket());
        assertFalse(plain.tls());
        assertTrue(tls.unixSocket());
        assertTrue(tls.tls());
        assertEquals("nbd+unix:///disk0?socket=/run/nbd/vm1.sock", plain.description());
    }

    @Test
    void schemesAreCaseInsensitive() {
        assertInstanceOf(DiskLocation.NbdExport.class, DiskLocation.parse("NBD://host/disk0"));
    }

    @Test
    void theDescriptionLeavesOutSecrets() {
        DiskLocation.NbdExport nbd = assertInstanceOf(DiskLocation.NbdExport.class, DiskLocation.parse(
                "nbds://alice:hunter2@esx01/disk0?tls-psk-file=/etc/ferry/keys.psk&tls-certificates=/etc/ferry/pki"));

        assertEquals("nbds://alice@esx01/disk0?tls-certificates=/etc/ferry/pki", nbd.description());
        assertFalse(nbd.description().contains("hunter2"));
        assertTrue(nbd.uri().contains("tls-psk-file"), "libnbd still gets the full URI");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://host/disk.raw", "vddk://esx01/vm-42/disk0", "nbd+vsock:///?port=10809", "C:\\disk.raw",
        "iscsi://target/lun0"})
    void otherSchemesAreRefusedWithTheAcceptedForms(String location) {
        ValidationException e = assertThrows(ValidationException.class, () -> DiskLocation.parse(location));

        assertEquals("location", e.field());
        assertTrue(e.problem().contains("unsupported scheme"), e.problem());
        assertTrue(e.problem().contains(DiskLocation.ACCEPTED_FORMS), e.problem());
    }

    @Test
    void anEmptyLocationIsRefused() {
        ValidationException e = assertThrows(ValidationException.class, () -> DiskLocation.parse("  "));

        assertTrue(e.problem().startsWith("is empty; accepted forms:"), e.problem());
    }

    @Test
    void aUnixNbdUriWithoutSocketIsRefused() {
        ValidationException e = assertThrows(ValidationException.class,
                () -> DiskLocation.parse("nbd+unix:///disk0"));

        assertTrue(e.problem().contains("has no socket"), e.problem());
    }

    @Test
    void aTcpNbdUriWithoutHostIsRefused() {
        ValidationException e = assertThrows(ValidationException.class, () -> DiskLocation.parse("nbd:///disk0"));

        assertTrue(e.problem().contains("has no host"), e.problem());
    }

    @Test
    void sizesInMessagesUseExactUnitsWhenTheyFit() {
        assertEquals("64 MiB", Sizes.human(64L << 20));
        assertEquals("4 GiB", Sizes.human(4L << 30));
        assertEquals("40.01 MiB (41955840 bytes)", Sizes.human(41955840));
        assertEquals("512 bytes", Sizes.human(512));
    }
}
