package io.ferry.repository.internal;

import static io.ferry.repository.internal.TestRepositories.SMALL_CHUNK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.repository.BackupInfo;
import io.ferry.api.repository.BackupRequest;
import io.ferry.api.repository.BackupWriter;
import io.ferry.api.repository.ProgressListener;
import io.ferry.api.repository.Repository;
import io.ferry.api.repository.RepositoryException;
import io.ferry.api.repository.RepositoryException.Reason;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** A real full file system: a 4 MiB tmpfs (needs root, as in CI). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DiskFullTest {

    private final RepositoryServiceImpl service = new RepositoryServiceImpl();

    @TempDir
    Path tmp;

    @AfterAll
    void stop() {
        service.close();
    }

    @Test
    void aBackupThatDoesNotFitFailsCleanlyAndTheNextOneSucceedsOnceThereIsSpace() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "mounting a tmpfs needs root");
        Path mnt = Files.createDirectories(tmp.resolve("mnt"));
        run("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", mnt.toString());
        try {
            Path dir = mnt.resolve("repo");
            try (Repository repo = TestRepositories.create(service, dir)) {
                byte[] small = TestRepositories.random(4 * SMALL_CHUNK, 1);
                BackupInfo first = TestRepositories.backup(repo, "d", small, false);
                Path filler = mnt.resolve("filler");
                Files.write(filler, new byte[2560 << 10]);

                byte[] big = TestRepositories.random(32 * SMALL_CHUNK, 2);
                BackupWriter writer = repo.startBackup(BackupRequest.of("d", "test", big.length));
                RepositoryException full = assertThrows(RepositoryException.class, () -> {
                    for (int i = 0; i < 32; i++) {
                        writer.put(i, Optional.of(writer.store(ByteBuffer.wrap(big, i * SMALL_CHUNK, SMALL_CHUNK)).id()));
                    }
                    writer.commit(big.length, "full");
                });
                assertEquals(Reason.IO, full.reason());
                assertTrue(full.getMessage().contains("No space left on device"), full.getMessage());
                assertTrue(full.getMessage().contains(dir.toString()), full.getMessage());
                RepositoryException after = assertThrows(RepositoryException.class,
                        () -> writer.store(ByteBuffer.wrap(small, 0, SMALL_CHUNK)));
                assertEquals(Reason.IO, after.reason());
                writer.close();

                assertEquals(List.of(first.id()), repo.backups().stream().map(BackupInfo::id).toList());
                assertTrue(repo.verify(List.of(), ProgressListener.NONE).ok());
                assertEquals(0, TestRepositories.countEntries(dir.resolve("tmp")), "the failed temp file was removed");

                Files.delete(filler);
                BackupInfo second = TestRepositories.backup(repo, "d", big, false);
                assertEquals(first.id(), second.parent());
                assertTrue(repo.verify(List.of(), ProgressListener.NONE).ok());
                assertEquals(TestRepositories.sha256(big),
                        TestRepositories.sha256(TestRepositories.restore(repo, second.id())));
                assertEquals(TestRepositories.sha256(small),
                        TestRepositories.sha256(TestRepositories.restore(repo, first.id())));
            }
        } finally {
            unmount(mnt);
        }
    }

    private static void unmount(Path mnt) throws IOException, InterruptedException {
        try {
            run("umount", mnt.toString());
        } catch (IOException e) {
            run("umount", "-l", mnt.toString()); // never leave the mount behind
            throw e;
        }
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
    }
}
