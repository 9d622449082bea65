package io.ferry.api.mover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class MoverRecordsTest {

    @Test
    void extentsKnowTheirEndAndOverlap() {
        Extent e = new Extent(100, 50, ExtentType.DATA);
        assertEquals(150, e.end());
        assertTrue(e.overlaps(149, 200));
        assertFalse(e.overlaps(150, 200));
        assertFalse(e.overlaps(0, 100));
        assertThrows(IllegalArgumentException.class, () -> new Extent(0, 0, ExtentType.HOLE));
        assertThrows(IllegalArgumentException.class, () -> new Extent(-1, 10, ExtentType.HOLE));
        assertTrue(ExtentType.HOLE.readsAsZero() && ExtentType.ZERO.readsAsZero());
        assertFalse(ExtentType.DATA.readsAsZero());
    }

    @Test
    void sourceOptionsDefaultToDirectIoWithoutBitmap() {
        SourceOptions o = SourceOptions.defaults();
        assertTrue(o.directIo());
        assertTrue(o.bitmap().isEmpty());
        SourceOptions b = o.withDirtyBitmap("ferry1").withTlsCertificates(Path.of("/etc/pki/ferry"));
        assertEquals("ferry1", b.bitmap().orElseThrow());
        assertEquals(Path.of("/etc/pki/ferry"), b.tlsCertificates());
        assertFalse(b.withDirectIo(false).directIo());
    }
}
