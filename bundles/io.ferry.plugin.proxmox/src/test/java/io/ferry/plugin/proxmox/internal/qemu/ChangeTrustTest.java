package io.ferry.plugin.proxmox.internal.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.ConflictException;
import io.ferry.api.session.ChangedBlockLedger;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The changed-block trust decision (issue 6): only a trusted ledger entry whose bitmap is on the
 * node, persistent, recording and consistent, for a disk of unchanged size, allows reading only
 * the changed blocks; every other case reads the whole disk and says why.
 */
class ChangeTrustTest {

    private static final long SIZE = 64L << 20;
    private static final Instant T = Instant.parse("2026-11-23T10:00:00Z");
    private static final ChangedBlockLedger TRUSTED = new ChangedBlockLedger("web-01/scsi0", "ferry-3", 3, "b-0003", SIZE,
            true, null, T);

    private static DirtyBitmap bitmap(String name, boolean recording, boolean persistent, boolean busy, boolean inconsistent) {
        return new DirtyBitmap(name, 65536, 65536, recording, persistent, busy, inconsistent);
    }

    private static final DirtyBitmap GOOD = bitmap("ferry-3", true, true, false, false);

    @Test
    void aTrustedEntryWithItsBitmapIntactAndTheSameSizeReadsOnlyChangedBlocks() {
        ChangeTrust t = ChangeTrust.decide(TRUSTED, List.of(bitmap("pbs-incremental", true, true, false, false), GOOD), SIZE,
                "qcow2");
        assertTrue(t.trusted());
        assertEquals(Optional.of("ferry-3"), t.base());
        assertEquals(null, t.note());
    }

    @Test
    void withoutAnEntryItIsTheFirstBackup() {
        assertFull("first backup of this disk", ChangeTrust.decide(null, List.of(GOOD), SIZE, "qcow2"));
        ChangedBlockLedger blank = new ChangedBlockLedger("web-01/scsi0", null, 0, null, 0, false, null, T);
        assertFull("first backup of this disk", ChangeTrust.decide(blank, List.of(), SIZE, "qcow2"));
    }

    @Test
    void anInconsistentBitmapMeansTheVmWasNotShutDownCleanly() {
        assertFull("the VM was restarted without a clean shutdown: bitmap ferry-3 is inconsistent",
                ChangeTrust.decide(TRUSTED, List.of(bitmap("ferry-3", false, true, false, true)), SIZE, "qcow2"));
    }

    @Test
    void aMissingBitmapIsNamed() {
        ChangeTrust t = ChangeTrust.decide(TRUSTED, List.of(bitmap("ferry-2", true, true, false, false)), SIZE, "qcow2");
        assertFull("bitmap ferry-3 is missing", t);
    }

    @Test
    void aResizedDiskIsReadWhole() {
        ChangeTrust t = ChangeTrust.decide(TRUSTED, List.of(GOOD), 80L << 20, "qcow2");
        assertFull("disk resized from 64 MiB to 80 MiB (67108864 to 83886080 bytes)", t);
        assertFull("disk resized from 64 MiB to 64.5 MiB",
                ChangeTrust.decide(TRUSTED, List.of(GOOD), SIZE + (512 << 10), "qcow2"));
    }

    @Test
    void aBitmapThatDoesNotRecordOrWouldNotSurviveARestartIsNotTrusted() {
        assertFull("bitmap ferry-3 does not record writes",
                ChangeTrust.decide(TRUSTED, List.of(bitmap("ferry-3", false, true, false, false)), SIZE, "qcow2"));
        assertFull("bitmap ferry-3 is not persistent",
                ChangeTrust.decide(TRUSTED, List.of(bitmap("ferry-3", true, false, false, false)), SIZE, "qcow2"));
    }

    @Test
    void onFormatsThatCannotStoreBitmapsAnExistingInMemoryBitmapIsTrustedAndARestartLosesIt() {
        DirtyBitmap inMemory = bitmap("ferry-3", true, false, false, false);
        for (String format : List.of("raw", "vmdk", "vhdx")) {
            assertEquals(Optional.of("ferry-3"), ChangeTrust.decide(TRUSTED, List.of(inMemory), SIZE, format).base(), format);
            assertFull("bitmap ferry-3 is missing: the VM was restarted since the last backup (a " + format
                    + " disk cannot keep dirty bitmaps across restarts)", ChangeTrust.decide(TRUSTED, List.of(), SIZE, format));
        }
        assertFull("bitmap ferry-3 is not persistent", ChangeTrust.decide(TRUSTED, List.of(inMemory), SIZE, "qcow2"));
    }

    @Test
    void anUntrustedEntrySaysWhyInTheSession() {
        ChangedBlockLedger failed = TRUSTED.untrusted("the last backup failed or was cancelled: stopped by admin", T);
        assertFull("the last backup failed or was cancelled: stopped by admin",
                ChangeTrust.decide(failed, List.of(GOOD), SIZE, "qcow2"));
        ChangedBlockLedger other = TRUSTED.untrusted("VM moved to another node", T);
        assertFull("the ledger says untrusted: VM moved to another node",
                ChangeTrust.decide(other, List.of(GOOD), SIZE, "qcow2"));
        assertFull("the ledger says untrusted (no reason recorded)",
                ChangeTrust.decide(TRUSTED.untrusted(null, T), List.of(GOOD), SIZE, "qcow2"));
    }

    @Test
    void aBusyBitmapMeansAnotherBackupOfTheDiskIsRunning() {
        ConflictException e = assertThrows(ConflictException.class,
                () -> ChangeTrust.decide(TRUSTED, List.of(bitmap("ferry-3", false, true, true, false)), SIZE, "qcow2"));
        assertTrue(e.getMessage().contains("web-01/scsi0") && e.getMessage().contains("another backup"), e.getMessage());
    }

    @Test
    void bitmapNamesFollowTheGeneration() {
        assertEquals("ferry-1", ChangeTrust.bitmapName(1));
        assertEquals("ferry-12", ChangeTrust.bitmapName(12));
    }

    private static void assertFull(String note, ChangeTrust t) {
        assertFalse(t.trusted());
        assertEquals(Optional.empty(), t.base());
        assertTrue(t.note().startsWith(note), () -> "note '" + t.note() + "' should start with '" + note + "'");
    }
}
