package io.ferry.selection.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class PluginOriginTest {

    @Test
    void readsTheSpiRangeFromImportPackage() {
        String header = "io.ferry.api;version=\"[1.0,2)\",io.ferry.api.inventory;version=\"[1.0,2)\","
                + "io.ferry.api.spi;version=\"[1.0,2)\",org.slf4j;version=\"[1.7,2)\"";
        assertEquals(Optional.of("[1.0,2)"), PluginOrigin.importedVersion(header, "io.ferry.api.spi"));
    }

    @Test
    void handlesSharedClausesBareImportsAndAbsence() {
        assertEquals(Optional.of("1.0"), PluginOrigin.importedVersion(
                "io.ferry.api.selection;io.ferry.api.spi;version=1.0;resolution:=optional", "io.ferry.api.spi"));
        assertEquals(Optional.of("0.0.0"), PluginOrigin.importedVersion("io.ferry.api.spi", "io.ferry.api.spi"));
        assertEquals(Optional.empty(), PluginOrigin.importedVersion("io.ferry.api.spi.x;version=1", "io.ferry.api.spi"));
        assertEquals(Optional.empty(), PluginOrigin.importedVersion(null, "io.ferry.api.spi"));
    }

    @Test
    void aReferenceWithoutBundleIsUnknown() {
        assertEquals(PluginOrigin.UNKNOWN, PluginOrigin.of(null));
    }
}
