package io.ferry.repository.internal;

import static io.ferry.repository.internal.TestRepositories.PASSWORD;
import static io.ferry.repository.internal.TestRepositories.SMALL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.paths.ConfinedPaths;
import io.ferry.api.paths.PathNotAllowedException;
import io.ferry.api.repository.Repository;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 11 point 3: repositories only under repository.roots, never in etc/, symlinks resolved. */
class ConfinedRepositoriesTest {

    @TempDir
    Path tmp;

    @Test
    void repositoriesAreCreatedAndOpenedOnlyInsideTheRoots() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        Path etc = Files.createDirectories(tmp.resolve("etc"));
        try (RepositoryServiceImpl service = new RepositoryServiceImpl(
                ConfinedPaths.fromConfiguration(Map.of(), name -> data.toString(), etc))) {
            Path inside = data.resolve("ferry/repositories/repo-01");
            service.init(inside, PASSWORD, SMALL);
            try (Repository repo = service.open(inside, PASSWORD)) {
                assertEquals(inside.toRealPath(), repo.info().path());
            }

            Path outside = tmp.resolve("elsewhere");
            PathNotAllowedException init = assertThrows(PathNotAllowedException.class,
                    () -> service.init(outside, PASSWORD, SMALL));
            assertEquals("repository.roots", init.setting());
            assertFalse(Files.exists(outside));

            PathNotAllowedException inEtc = assertThrows(PathNotAllowedException.class,
                    () -> service.init(etc.resolve("repo"), PASSWORD, SMALL));
            assertEquals("etc", inEtc.setting());

            // a repository outside, reached through a symlink inside the root: refused on open
            try (RepositoryServiceImpl free = new RepositoryServiceImpl()) {
                free.init(outside, PASSWORD, SMALL);
            }
            Path link = Files.createSymbolicLink(data.resolve("ferry/repositories/link"), outside);
            PathNotAllowedException open = assertThrows(PathNotAllowedException.class,
                    () -> service.open(link, PASSWORD));
            assertTrue(open.getMessage().contains("which resolves to " + outside.toRealPath()), open.getMessage());
        }
    }

    @Test
    void aPasswordFileUnderEtcIsRefusedAndOneInsideThePasswordRootOpens() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        Path etc = Files.createDirectories(tmp.resolve("etc"));
        try (RepositoryServiceImpl service = new RepositoryServiceImpl(
                ConfinedPaths.fromConfiguration(Map.of(), name -> data.toString(), etc))) {
            Path repo = data.resolve("ferry/repositories/repo-01");
            Path jobPassword = Files.writeString(etc.resolve("ferry-repository.password"), new String(PASSWORD) + "\n");
            PathNotAllowedException inEtc = assertThrows(PathNotAllowedException.class,
                    () -> service.init(repo, jobPassword, SMALL));
            assertEquals("etc", inEtc.setting());
            assertTrue(inEtc.getMessage().contains("Password file '" + jobPassword + "' is inside Ferry's configuration"
                    + " directory"), inEtc.getMessage());
            assertFalse(Files.exists(repo));

            Path mine = Files.createDirectories(data.resolve("ferry/password-files")).resolve("repo-01");
            Files.writeString(mine, new String(PASSWORD) + "\n");
            service.init(repo, mine, SMALL);
            service.open(repo, mine).close();
            assertEquals("etc", assertThrows(PathNotAllowedException.class,
                    () -> service.open(repo, jobPassword)).setting());
            Path elsewhere = Files.writeString(tmp.resolve("pw"), new String(PASSWORD));
            assertEquals("password.roots", assertThrows(PathNotAllowedException.class,
                    () -> service.open(repo, elsewhere)).setting());
        }
    }
}
