package io.ferry.api.repository;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.ValidationException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RepositoryRecordsTest {

    @Test
    void progressComputesRateAndEta() {
        Progress p = new Progress("backup", 500_000_000L, 2_000_000_000L, 400_000_000L, 100, Duration.ofSeconds(1));
        assertEquals(0.25, p.fraction(), 1e-9);
        assertEquals(5e8, p.bytesPerSecond(), 1);
        assertEquals(Duration.ofSeconds(3), p.eta().orElseThrow());
        assertTrue(new Progress("backup", 0, 10, 0, 0, Duration.ZERO).eta().isEmpty(), "no rate yet: no ETA");
        assertEquals(1.0, new Progress("verify", 0, 0, 0, 0, Duration.ZERO).fraction());
        assertThrows(IllegalArgumentException.class, () -> new Progress("x", -1, 0, 0, 0, Duration.ZERO));
    }

    @Test
    void initOptionsRejectOddChunkSizesAndWeakKdf() {
        assertEquals(4 << 20, InitOptions.defaults().chunkSize());
        ValidationException e = assertThrows(ValidationException.class, () -> InitOptions.defaults().withChunkSize(3 << 20));
        assertTrue(e.getMessage().contains("power of two"), e.getMessage());
        assertThrows(ValidationException.class, () -> InitOptions.defaults().withChunkSize(32 << 20));
        assertThrows(ValidationException.class, () -> InitOptions.defaults().withKdfIterations(1000));
        assertEquals(64 << 10, InitOptions.defaults().withChunkSize(64 << 10).chunkSize());
    }

    @Test
    void backupRequestValidatesTheDiskKeyAndCopiesLabels() {
        BackupRequest r = BackupRequest.of("web-01/disk0", "nbd+unix:///disk0?socket=/run/x.sock", 1 << 20)
                .withLabels(Map.of("job", "nightly"));
        assertEquals("nightly", r.labels().get("job"));
        assertFalse(r.full());
        assertTrue(r.withFull(true).full());
        ValidationException e = assertThrows(ValidationException.class, () -> BackupRequest.of("-bad key", "x", 1));
        assertTrue(e.getMessage().contains("'-bad key'"), e.getMessage());
        assertThrows(ValidationException.class, () -> BackupRequest.of("ok", "x", -1));
    }

    @Test
    void chunkIdsRoundTripThroughHexAndCompareByValue() {
        byte[] bytes = new byte[32];
        bytes[0] = (byte) 0xab;
        ChunkId a = ChunkId.of(bytes);
        bytes[0] = 0; // the id copied the array
        assertEquals("ab" + "00".repeat(31), a.hex());
        assertEquals(a, ChunkId.parse(a.hex()));
        assertEquals(a.hashCode(), ChunkId.parse(a.hex()).hashCode());
        assertNotEquals(a, ChunkId.of(new byte[32]));
        assertTrue(ChunkId.of(new byte[32]).compareTo(a) < 0, "unsigned order");
        assertThrows(IllegalArgumentException.class, () -> ChunkId.parse("abc"));
        assertThrows(IllegalArgumentException.class, () -> ChunkId.of(new byte[31]));
    }

    @Test
    void retentionMustKeepSomething() {
        assertThrows(ValidationException.class, () -> new RetentionPolicy(0, 0, 0, 0));
        assertThrows(ValidationException.class, () -> new RetentionPolicy(-1, 2, 0, 0));
        assertEquals(3, RetentionPolicy.keepLast(3).keepLast());
    }

    @Test
    void verifyReportNamesTheBrokenBackups() {
        VerifyReport report = new VerifyReport(List.of("b1", "b2", "b3"), 10, 1000,
                List.of(new ChunkProblem("aa", "missing", List.of("b2", "b1")),
                        new ChunkProblem("bb", "authentication failed", List.of("b2"))));
        assertFalse(report.ok());
        assertEquals(Set.of("b1", "b2"), report.brokenBackups());
    }

    @Test
    void statsRatios() {
        BackupStats s = new BackupStats(100, 100, 0, 1, 0, 100, 50, "full");
        assertEquals(2.0, s.compressionRatio(), 1e-9);
        assertEquals(1.0, s.dedupeRatio(), 1e-9);
        BackupStats unchanged = new BackupStats(0, 100, 0, 0, 1, 0, 0, "dirty-bitmap:b");
        assertEquals(1.0, unchanged.compressionRatio(), 1e-9);
        assertEquals(100.0, unchanged.dedupeRatio(), 1e-9);
    }
}
