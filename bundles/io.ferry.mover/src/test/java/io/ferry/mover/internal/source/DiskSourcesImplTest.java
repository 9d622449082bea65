package io.ferry.mover.internal.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.FerryException;
import io.ferry.api.NotFoundException;
import io.ferry.api.ValidationException;
import io.ferry.api.mover.DiskSources;
import io.ferry.api.mover.SourceOptions;
import io.ferry.mover.internal.nativeio.NativeLibraries;
import org.junit.jupiter.api.Test;

class DiskSourcesImplTest {

    @Test
    void theHarnessCanConstructItWithoutOsgi() throws Exception {
        DiskSources sources = DiskSourcesImpl.class.getConstructor().newInstance();

        assertTrue(sources instanceof DiskSourcesImpl);
    }

    @Test
    void anUnsupportedSchemeIsRefusedForSourcesAndTargetsWithTheAcceptedForms() {
        DiskSources sources = new DiskSourcesImpl();

        ValidationException open = assertThrows(ValidationException.class,
                () -> sources.open("s3://bucket/disk.raw", SourceOptions.defaults()));
        ValidationException create = assertThrows(ValidationException.class,
                () -> sources.create("s3://bucket/disk.raw", 1024, false, SourceOptions.defaults()));

        for (ValidationException e : new ValidationException[] {open, create}) {
            assertEquals("location", e.field());
            assertEquals("'s3://bucket/disk.raw' has the unsupported scheme 's3:'; " + DiskLocation.ACCEPTED_FORMS,
                    e.problem());
        }
    }

    @Test
    void withoutLibnbdLocalDisksStillWorkAndNbdNamesThePackage() {
        DiskSources sources = new DiskSourcesImpl(new NativeLibraries("c", "nbd-not-installed-for-this-test"));

        FerryException e = assertThrows(FerryException.class,
                () -> sources.open("nbd://10.0.0.5/disk0?tls-psk-file=/etc/keys.psk", SourceOptions.defaults()));

        assertTrue(e.getMessage().startsWith(
                "libnbd is not installed (Debian package libnbd0): cannot open nbd://10.0.0.5/disk0 "), e.getMessage());
        assertThrows(NotFoundException.class,
                () -> sources.open("/no/such/disk.raw", SourceOptions.defaults()));
    }
}
