package io.ferry.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.ValidationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ByteSizeTest {

    @ParameterizedTest
    @CsvSource({
        "1024, 1024",
        "512M, 536870912",
        "512m, 536870912",
        "40G, 42949672960",
        "40GiB, 42949672960",
        "40GB, 42949672960",
        "2T, 2199023255552",
        "1.5G, 1610612736",
        "4K, 4096",
        "1P, 1125899906842624",
        "100B, 100",
        "' 8G ', 8589934592",
    })
    void parsesBytesAndBinaryUnits(String text, long bytes) {
        assertEquals(bytes, ByteSize.parse(text, "size"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "G", "40X", "-1G", "4 0G", "1e9", "0x10", "40 GB and more"})
    void refusesWhatIsNotASize(String text) {
        ValidationException e = assertThrows(ValidationException.class, () -> ByteSize.parse(text, "--disk size"));
        assertTrue(e.getMessage().startsWith("--disk size: '"), e.getMessage());
        assertTrue(e.getMessage().contains("e.g. 512M, 40G, 2T"), e.getMessage());
    }

    @Test
    void refusesFractionsOfBytesAndOverflow() {
        assertThrows(ValidationException.class, () -> ByteSize.parse("0.1K", "size"));
        assertThrows(ValidationException.class, () -> ByteSize.parse("9000P", "size"));
        assertThrows(ValidationException.class, () -> ByteSize.parse("99999999999999999999", "size"));
    }

    @Test
    void formatsWithTheLargestWholeOrOneDecimalUnit() {
        assertEquals("512 B", ByteSize.format(512));
        assertEquals("40 GiB", ByteSize.format(42949672960L));
        assertEquals("1.5 GiB", ByteSize.format(1610612736L));
        assertEquals("2 TiB", ByteSize.format(2199023255552L));
        assertEquals("4 KiB", ByteSize.format(4096));
    }
}
