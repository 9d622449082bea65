package io.ferry.repository.internal;

import static io.ferry.repository.internal.TestRepositories.PASSWORD;
import static io.ferry.repository.internal.TestRepositories.SMALL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.ValidationException;
import io.ferry.api.repository.InitOptions;
import io.ferry.api.repository.Repository;
import io.ferry.api.repository.RepositoryException;
import io.ferry.api.repository.RepositoryException.Reason;
import io.ferry.api.repository.RepositoryInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RepositoryLifecycleTest {

    private final RepositoryServiceImpl service = new RepositoryServiceImpl();

    @TempDir
    Path tmp;

    @AfterAll
    void stop() {
        service.close();
    }

    @Test
    void initThenOpenShowsTheSameRepository() {
        Path dir = tmp.resolve("repo");
        RepositoryInfo created = service.init(dir, PASSWORD, SMALL);
        assertEquals(32, created.id().length());
        assertEquals(1, created.formatVersion());
        assertEquals(64 << 10, created.chunkSize());
        assertEquals("PBKDF2-HMAC-SHA256, 100000 iterations", created.kdf());
        for (String part : new String[] {"config", "keys/key", "chunks", "backups", "tmp", "lock"}) {
            assertTrue(Files.exists(dir.resolve(part)), part);
        }
        try (Repository repo = service.open(dir, PASSWORD)) {
            RepositoryInfo info = repo.info();
            assertEquals(created.id(), info.id());
            assertEquals(created.created(), info.created());
            assertEquals("AES-256-GCM", info.encryption());
            assertEquals("LZ4", info.compression());
            assertEquals(0, info.backups());
            assertEquals(0, info.chunks());
        }
    }

    @Test
    void configAndKeyFileAreReadableJsonWithoutSecretsInTheClear() throws Exception {
        Path dir = tmp.resolve("json");
        service.init(dir, PASSWORD, SMALL);
        Map<String, Object> config = FlatJson.parse(Files.readString(dir.resolve("config")));
        assertEquals("ferry-repository", config.get("format"));
        assertEquals(1L, config.get("version"));
        assertEquals(65536L, config.get("chunkSize"));
        Map<String, Object> key = FlatJson.parse(Files.readString(dir.resolve("keys/key")));
        assertEquals("PBKDF2-HMAC-SHA256", key.get("kdf"));
        assertEquals(100000L, key.get("iterations"));
        assertEquals(32, ((String) key.get("salt")).length());
        assertFalse(Files.readString(dir.resolve("keys/key")).contains(new String(PASSWORD)));
    }

    @Test
    void wrongPasswordIsRefusedAndChangesNothing() {
        Path dir = tmp.resolve("pw");
        try (Repository repo = TestRepositories.create(service, dir)) {
            TestRepositories.backup(repo, "vm1/disk0", TestRepositories.image(6, SMALL.chunkSize(), 100, 1), false);
        }
        Map<String, String> before = TestRepositories.snapshot(dir);
        RepositoryException e = assertThrows(RepositoryException.class,
                () -> service.open(dir, "wrong password".toCharArray()));
        assertEquals(Reason.WRONG_PASSWORD, e.reason());
        assertEquals("wrong password for repository " + dir + " (nothing was changed)", e.getMessage());
        assertEquals(before, TestRepositories.snapshot(dir));
    }

    @Test
    void aDirectoryWithoutConfigIsNotARepository() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        RepositoryException e = assertThrows(RepositoryException.class, () -> service.open(empty, PASSWORD));
        assertEquals(Reason.NOT_A_REPOSITORY, e.reason());
        assertTrue(e.getMessage().contains(empty.toString()), e.getMessage());
        RepositoryException missing = assertThrows(RepositoryException.class,
                () -> service.open(tmp.resolve("nothing-here"), PASSWORD));
        assertEquals(Reason.NOT_A_REPOSITORY, missing.reason());
        Files.writeString(empty.resolve("config"), "{\"format\": \"something-else\", \"version\": 1}");
        assertEquals(Reason.NOT_A_REPOSITORY,
                assertThrows(RepositoryException.class, () -> service.open(empty, PASSWORD)).reason());
    }

    @Test
    void aNewerFormatVersionIsRefusedNamingBothVersions() throws Exception {
        Path dir = tmp.resolve("v2");
        service.init(dir, PASSWORD, SMALL);
        Path config = dir.resolve("config");
        Files.writeString(config, Files.readString(config).replace("\"version\": 1", "\"version\": 2"));
        RepositoryException e = assertThrows(RepositoryException.class, () -> service.open(dir, PASSWORD));
        assertEquals(Reason.UNSUPPORTED_VERSION, e.reason());
        assertTrue(e.getMessage().contains("format version 2"), e.getMessage());
        assertTrue(e.getMessage().contains("only format version 1"), e.getMessage());
    }

    @Test
    void initRefusesANonEmptyDirectoryAndAnExistingRepository() throws Exception {
        Path used = Files.createDirectories(tmp.resolve("used"));
        Files.writeString(used.resolve("notes.txt"), "mine");
        RepositoryException e = assertThrows(RepositoryException.class, () -> service.init(used, PASSWORD, SMALL));
        assertEquals(Reason.ALREADY_EXISTS, e.reason());
        assertTrue(e.getMessage().contains("not empty"), e.getMessage());
        assertEquals("mine", Files.readString(used.resolve("notes.txt")));

        Path repo = tmp.resolve("twice");
        service.init(repo, PASSWORD, SMALL);
        Map<String, String> before = TestRepositories.snapshot(repo);
        RepositoryException again = assertThrows(RepositoryException.class, () -> service.init(repo, PASSWORD, SMALL));
        assertEquals(Reason.ALREADY_EXISTS, again.reason());
        assertTrue(again.getMessage().contains("already holds a Ferry repository"), again.getMessage());
        assertEquals(before, TestRepositories.snapshot(repo));
    }

    @Test
    void initRefusesAPasswordShorterThanEightCharacters() {
        Path dir = tmp.resolve("short");
        ValidationException e = assertThrows(ValidationException.class,
                () -> service.init(dir, "1234567".toCharArray(), SMALL));
        assertEquals("password", e.field());
        assertFalse(Files.exists(dir.resolve("config")));
    }

    @Test
    void aKeyFileFromAnotherRepositoryIsReportedAsSuch() throws Exception {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        service.init(a, PASSWORD, SMALL);
        service.init(b, PASSWORD, SMALL);
        Files.copy(a.resolve("keys/key"), b.resolve("keys/key"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        RepositoryException e = assertThrows(RepositoryException.class, () -> service.open(b, PASSWORD));
        assertEquals(Reason.CORRUPT, e.reason());
        assertTrue(e.getMessage().contains("belongs to repository"), e.getMessage());
    }

    @Test
    void theDefaultChunkSizeIsFourMebibytes() {
        Path dir = tmp.resolve("default");
        RepositoryInfo info = service.init(dir, PASSWORD, InitOptions.defaults().withKdfIterations(100_000));
        assertEquals(4 << 20, info.chunkSize());
    }
}
