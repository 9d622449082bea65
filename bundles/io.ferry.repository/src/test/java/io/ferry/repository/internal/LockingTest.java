package io.ferry.repository.internal;

import static io.ferry.repository.internal.TestRepositories.PASSWORD;
import static io.ferry.repository.internal.TestRepositories.SMALL_CHUNK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.repository.BackupRequest;
import io.ferry.api.repository.BackupWriter;
import io.ferry.api.repository.ProgressListener;
import io.ferry.api.repository.Repository;
import io.ferry.api.repository.RepositoryException;
import io.ferry.api.repository.RepositoryException.Reason;
import io.ferry.api.repository.RetentionPolicy;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class LockingTest {

    @TempDir
    Path tmp;

    @Test
    @Timeout(120)
    void aSecondServiceInTheSameJvmIsRefusedWithoutDroppingTheFirstOnesLock() throws Exception {
        Path dir = tmp.resolve("r");
        try (RepositoryServiceImpl first = new RepositoryServiceImpl();
                RepositoryServiceImpl second = new RepositoryServiceImpl();
                Repository a = TestRepositories.create(first, dir);
                Repository b = second.open(dir, PASSWORD)) {
            BackupWriter writer = a.startBackup(BackupRequest.of("web-01/disk0", "test", SMALL_CHUNK));
            for (int attempt = 0; attempt < 2; attempt++) {
                RepositoryException e = assertThrows(RepositoryException.class,
                        () -> b.prune(RetentionPolicy.keepLast(1), false, ProgressListener.NONE));
                assertEquals(Reason.LOCKED, e.reason());
                assertTrue(e.getMessage().contains("of disk 'web-01/disk0' (pid " + ProcessHandle.current().pid()),
                        e.getMessage());
            }
            assertEquals("LOCK HELD", probe(dir), "the first service's OS lock must survive the refused attempts");
            writer.close();
            assertEquals("LOCK FREE", probe(dir));
            b.prune(RetentionPolicy.keepLast(1), false, ProgressListener.NONE);
            assertEquals("LOCK FREE", probe(dir));
        }
    }

    private String probe(Path dir) throws Exception {
        Path stderr = tmp.resolve("probe.err");
        Process child = ChildJvm.start(dir, "probe-lock", stderr);
        try {
            return ChildJvm.awaitLine(child, "LOCK ", stderr);
        } finally {
            ChildJvm.kill(child);
        }
    }
}
