package io.ferry.repository.internal;

import static io.ferry.repository.internal.TestRepositories.PASSWORD;
import static io.ferry.repository.internal.TestRepositories.SMALL;
import static io.ferry.repository.internal.TestRepositories.SMALL_CHUNK;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ferry.api.paths.ConfinedPaths;
import io.ferry.api.paths.PathNotAllowedException;
import io.ferry.api.repository.BackupInfo;
import io.ferry.api.repository.BackupRequest;
import io.ferry.api.repository.BackupWriter;
import io.ferry.api.repository.ProgressListener;
import io.ferry.api.repository.Repository;
import io.ferry.api.repository.RepositoryException;
import io.ferry.api.repository.RepositoryException.Reason;
import io.ferry.api.repository.RetentionPolicy;
import io.ferry.repository.remote.RemoteRepositories;
import io.ferry.repository.remote.RepositoryStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The service's entry point to the storage side: confined to the repository roots, one lock per directory. */
class RepositoryStoresTest {

    @TempDir
    Path tmp;

    @Test
    void storesOpenOnlyInsideTheRepositoryRoots() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        Path etc = Files.createDirectories(tmp.resolve("etc"));
        try (RepositoryServiceImpl service = new RepositoryServiceImpl(
                ConfinedPaths.fromConfiguration(Map.of(), name -> data.toString(), etc))) {
            Path inside = data.resolve("ferry/repositories/repo-01");
            service.init(inside, PASSWORD, SMALL);
            try (RepositoryStore store = service.openStore(inside)) {
                assertEquals(inside.toRealPath(), store.root());
            }
            Path outside = tmp.resolve("elsewhere");
            try (RepositoryServiceImpl free = new RepositoryServiceImpl()) {
                free.init(outside, PASSWORD, SMALL);
            }
            assertEquals("repository.roots",
                    assertThrows(PathNotAllowedException.class, () -> service.openStore(outside)).setting());
        }
    }

    @Test
    void aStoreAndALocalRepositoryOfOneServiceShareTheLockLikeTwoLocalBackups() {
        Path dir = tmp.resolve("r");
        try (RepositoryServiceImpl service = new RepositoryServiceImpl()) {
            service.init(dir, PASSWORD, SMALL);
            byte[] disk = TestRepositories.image(8, SMALL_CHUNK, 0, 3);
            try (RepositoryStore store = service.openStore(dir);
                    Repository remote = RemoteRepositories.open(new CopyingLink(store), PASSWORD);
                    Repository local = service.open(dir, PASSWORD)) {
                // a remote backup in progress and a local one at the same time: both shared holders
                BackupInfo viaLink;
                try (BackupWriter open = remote.startBackup(BackupRequest.of("remote", "file:/r", SMALL_CHUNK))) {
                    BackupInfo localBackup = TestRepositories.backup(local, "local", disk, false);
                    assertArrayEquals(disk, TestRepositories.restore(local, localBackup.id()));
                    RepositoryException e = assertThrows(RepositoryException.class,
                            () -> local.prune(RetentionPolicy.keepLast(1), false, ProgressListener.NONE));
                    assertEquals(Reason.LOCKED, e.reason());
                }
                viaLink = TestRepositories.backup(remote, "remote", disk, false);
                local.prune(RetentionPolicy.keepLast(1), false, ProgressListener.NONE);
                assertArrayEquals(disk, TestRepositories.restore(local, viaLink.id()));
            }
        }
    }

    @Test
    void theKeysOfALocallyOpenRepositoryOpenItThroughAStoreWithoutThePassword() {
        Path dir = tmp.resolve("k");
        try (RepositoryServiceImpl service = new RepositoryServiceImpl()) {
            service.init(dir, PASSWORD, SMALL);
            byte[] disk = TestRepositories.image(5, SMALL_CHUNK, 0, 2);
            try (Repository local = service.open(dir, PASSWORD);
                    io.ferry.repository.remote.KeyMaterial keys = service.exportKey(local);
                    RepositoryStore store = service.openStore(dir);
                    Repository remote = RemoteRepositories.open(new CopyingLink(store), keys)) {
                assertEquals(local.info().id(), keys.repositoryId());
                BackupInfo written = TestRepositories.backup(remote, "via-keys", disk, false);
                assertArrayEquals(disk, TestRepositories.restore(local, written.id()));
            }
            try (Repository foreign = RemoteRepositories.open(new CopyingLink(RepositoryStore.open(dir)), PASSWORD)) {
                assertThrows(IllegalArgumentException.class, () -> service.exportKey(foreign));
            }
        }
    }
}
