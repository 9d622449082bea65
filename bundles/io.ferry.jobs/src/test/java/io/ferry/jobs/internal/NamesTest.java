package io.ferry.jobs.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.ValidationException;
import io.ferry.api.repository.BackupRequest;
import org.junit.jupiter.api.Test;

/** Names the runner derives: chain keys, restore targets, configured paths. */
class NamesTest {

    @Test
    void everyDiskLabelGivesAValidRepositoryChainKey() {
        assertEquals("web-01/scsi0:0", ChainKeys.of("web-01", "scsi0:0"));
        assertEquals("esx-01/Hard_disk_1", ChainKeys.of("esx-01", "Hard disk 1"));
        BackupRequest.of(ChainKeys.of("esx-01", "Hard disk 1 (thin) ü"), "x", 1);
    }

    @Test
    void restoredFilesAreNamedVmDashDiskWithOddCharactersReplaced() {
        assertEquals("web-01-scsi0_0.raw", ChainKeys.restoreFileName("web-01", "scsi0:0"));
        assertEquals("esx-01-Hard_disk_1.raw", ChainKeys.restoreFileName("esx-01", "Hard disk 1"));
    }

    @Test
    void nbdRestoreTargetsAppendTheDiskLabelToTheExportName() {
        assertEquals("nbd://10.0.0.5:10809/scsi0:0", VmRestore.nbdTarget("nbd://10.0.0.5:10809", "scsi0:0"));
        assertEquals("nbd://10.0.0.5/restore-disk0", VmRestore.nbdTarget("nbd://10.0.0.5/restore-", "disk0"));
        assertEquals("nbd+unix:///Hard%20disk%201?socket=/run/t.sock",
                VmRestore.nbdTarget("nbd+unix:///?socket=/run/t.sock", "Hard disk 1"));
    }

    @Test
    void configuredPathsExpandSystemPropertiesAndNameAMissingOne() {
        System.setProperty("ferry.test.data", "/var/lib/ferry");
        try {
            assertEquals("/var/lib/ferry/ferry/repositories",
                    JobRunner.expand("repository.root", "${ferry.test.data}/ferry/repositories"));
        } finally {
            System.clearProperty("ferry.test.data");
        }
        ValidationException e = assertThrows(ValidationException.class,
                () -> JobRunner.expand("repository.root", "${no.such.property}/x"));
        assertTrue(e.getMessage().startsWith("repository.root: '${no.such.property}/x' uses ${no.such.property}"),
                e.getMessage());
    }
}
