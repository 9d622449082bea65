package io.ferry.jobs.internal;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.FerryException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 10: a job is refused when the catalog's file system is nearly full. */
class CatalogSpaceTest {
    private static final long MIB = 1L << 20;

    @Test
    void refusesBelowTheMinimumNamingPathAndFreeBytes(@TempDir Path data) throws Exception {
        Path catalog = Files.createDirectories(data.resolve("ferry"));
        CatalogSpace space = new CatalogSpace(Optional.of(catalog), 1024 * MIB, p -> 300 * MIB + 5);
        FerryException e = assertThrows(FerryException.class, () -> space.check("Job 'nightly'"));
        assertTrue(e.getMessage().startsWith("Job 'nightly' not started"), e.getMessage());
        assertTrue(e.getMessage().contains(catalog.toString()), e.getMessage());
        assertTrue(e.getMessage().contains((300 * MIB + 5) + " bytes free"), e.getMessage());
        assertTrue(e.getMessage().contains("catalog.min.free.mb"), e.getMessage());
    }

    @Test
    void startsWithEnoughSpaceAndAsksTheNearestExistingDirectory(@TempDir Path data) {
        List<Path> asked = new ArrayList<>();
        // before the first start the catalog directory does not exist yet: its parent's file system counts
        CatalogSpace space = new CatalogSpace(Optional.of(data.resolve("ferry/inventory")), 1024 * MIB, p -> {
            asked.add(p);
            return 1024 * MIB;
        });
        assertDoesNotThrow(() -> space.check("Job 'nightly'"));
        assertEquals(List.of(data.toAbsolutePath().normalize()), asked);
    }

    @Test
    void realFileSystemAndTheOffSwitches(@TempDir Path data) {
        // the real file store of the test directory: certainly fewer than 2^62 bytes free
        FerryException e = assertThrows(FerryException.class,
                () -> new CatalogSpace(Optional.of(data), 1L << 62).check("Job 'j'"));
        assertTrue(e.getMessage().contains(data.toAbsolutePath().toString()), e.getMessage());
        assertDoesNotThrow(() -> new CatalogSpace(Optional.of(data), 0).check("Job 'j'"));
        assertDoesNotThrow(() -> new CatalogSpace(Optional.empty(), 1L << 62).check("Job 'j'"));
    }
}
